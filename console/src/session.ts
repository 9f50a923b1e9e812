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

/** Whether the console acts for an organization the user picked (an organization token), not for the user: their own tokens and apps are out of its reach. */
export function useActsForOrganization(): boolean {
  return useSyncExternalStore(subscribe, currentSession)?.forOrganization ?? false;
}
