import { useSyncExternalStore } from 'react';
import { currentSession, subscribe } from './auth';

/** Whether the signed-in user's token carries `scope`: the console hides what the API would refuse (and the API still refuses it). */
export function useCan(): (scope: string) => boolean {
  const session = useSyncExternalStore(subscribe, currentSession);
  return (scope) => session?.scopes.has(scope) ?? false;
}

/** Every scope the signed-in user's token carries: what their role gives them here, of what the console asks for. */
export function useScopes(): ReadonlySet<string> {
  const session = useSyncExternalStore(subscribe, currentSession);
  return session?.scopes ?? NONE;
}

const NONE: ReadonlySet<string> = new Set();
