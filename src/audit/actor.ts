import { type AuthContext } from '../access/auth-context.js';

/** Who made a change: a client (by its token or its credentials), later a user, or Gatehouse itself. */
export interface Actor {
  readonly type: 'client' | 'user' | 'system';
  readonly id: string;
  readonly sourceIp?: string;
  readonly requestId?: string;
}

/** The caller of an API route: the user a user token speaks for, or else the client. */
export function actorOf(auth: AuthContext): Actor {
  return auth.userId !== undefined
    ? { type: 'user', id: auth.userId, sourceIp: auth.sourceIp, requestId: auth.requestId }
    : { type: 'client', id: auth.clientId, sourceIp: auth.sourceIp, requestId: auth.requestId };
}

/** Brute-force detection and other things Gatehouse does on its own. */
export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'gatehouse' };

/** A client that authenticated with its own credentials (token, introspection and revocation endpoints). */
export function clientActor(clientId: string, request: { readonly ip: string; readonly id: unknown }): Actor {
  return { type: 'client', id: clientId, sourceIp: request.ip, requestId: String(request.id) };
}
