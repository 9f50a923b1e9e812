import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { parseCookie, stringifySetCookie } from 'cookie';
import { InjectRepository } from '@nestjs/typeorm';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type Repository } from 'typeorm';
import { UserDirectory, type UserRecord } from '../users/user-directory.js';
import { PageError } from '../common/errors/authorization-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { ExpiredRows } from '../database/expired-rows.js';
import { UserSessionEntity } from './entities/user-session.entity.js';
import { Clock } from '../common/clock.js';

export const SESSION_COOKIE = 'gatehouse_session';
export const CSRF_COOKIE = 'gatehouse_csrf';
/** Over https the cookies are `__Host-` ones: Secure, Path=/, no Domain, so a sibling subdomain cannot set them. */
const HOST_PREFIX = '__Host-';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface BrowserSession {
  readonly user: UserRecord;
  /** When the user typed their password (OpenID Connect `auth_time`). */
  readonly authTime: Date;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Cookies are read and written here only, with the `cookie` package: @fastify/cookie would add
 * an onSend hook to every response of the API for the sake of a few pages.
 */
function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  return header ? parseCookie(header)[name] : undefined;
}

function addSetCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  reply.header('set-cookie', existing === undefined ? [cookie] : [...(Array.isArray(existing) ? existing : [String(existing)]), cookie]);
}

/**
 * Who is signed in in this browser: a random session id in an HttpOnly, SameSite=Lax cookie, of
 * which the database keeps only the SHA-256. A session ends at its expiry, at sign-out, and when
 * its user is disabled or changes password. Forms carry a CSRF token bound to the browser: the
 * HMAC, keyed with a random pre-session id held in a second cookie, of the session id (none before
 * sign-in). A token is thus good only with the cookies it was made for: a CSRF cookie planted from
 * a sibling subdomain, or a token from another session, is refused, and a cross-site Origin too.
 * Over https (and in production) both cookies are Secure and `__Host-` prefixed.
 */
@Injectable()
export class BrowserSessions {
  /** Expired sessions go when someone signs in. */
  private readonly expired: ExpiredRows<UserSessionEntity>;
  private readonly sessionCookie: string;
  private readonly csrfCookie: string;

  constructor(
    @InjectRepository(UserSessionEntity) private readonly repository: Repository<UserSessionEntity>,
    private readonly users: UserDirectory,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {
    this.expired = new ExpiredRows(repository);
    const prefix = config.secureCookies ? HOST_PREFIX : '';
    this.sessionCookie = `${prefix}${SESSION_COOKIE}`;
    this.csrfCookie = `${prefix}${CSRF_COOKIE}`;
  }

  async current(request: FastifyRequest): Promise<BrowserSession | undefined> {
    const id = cookieOf(request, this.sessionCookie);
    if (!id || !TOKEN.test(id)) return undefined;
    const row = await this.repository.findOneBy({ idHash: sha256(id) });
    if (!row || row.expiresAt.getTime() <= this.clock.now()) return undefined;
    const user = await this.users.find(row.userId);
    if (!user || user.disabled || row.authTime.getTime() < user.notBefore) return undefined;
    return { user, authTime: row.authTime };
  }

  /** A new session (never the old id: no session fixation), replacing the browser's previous one. */
  async start(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void> {
    await this.end(request, reply);
    const id = randomBytes(32).toString('base64url');
    const now = this.clock.date();
    // Not through the UnitOfWork: a session is one browser's sign-in state, like a lockout counter; no other process caches it.
    await this.repository.insert({ idHash: sha256(id), userId, authTime: now, expiresAt: new Date(now.getTime() + this.config.sessionLifespanMs) });
    addSetCookie(reply, stringifySetCookie({ name: this.sessionCookie, value: id, ...this.cookieOptions(), maxAge: Math.floor(this.config.sessionLifespanMs / 1000) }));
    await this.expired.prune(now.getTime());
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = cookieOf(request, this.sessionCookie);
    // Not through the UnitOfWork, as in `start`.
    if (id && TOKEN.test(id)) await this.repository.delete({ idHash: sha256(id) });
    if (id) addSetCookie(reply, stringifySetCookie({ name: this.sessionCookie, value: '', ...this.cookieOptions(), expires: new Date(0) }));
  }

  /** The CSRF token for this browser's forms; the pre-session id it is keyed with is set as a cookie the first time. */
  csrfToken(request: FastifyRequest, reply: FastifyReply): string {
    let preSession = cookieOf(request, this.csrfCookie);
    if (!preSession || !TOKEN.test(preSession)) {
      preSession = randomBytes(32).toString('base64url');
      addSetCookie(reply, stringifySetCookie({ name: this.csrfCookie, value: preSession, ...this.cookieOptions(), sameSite: 'strict' }));
    }
    return this.expectedCsrfToken(request, preSession);
  }

  /** Refuses a form post that did not come from our own page, shown to this browser in this session. */
  checkCsrf(request: FastifyRequest, submitted: unknown): void {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== new URL(this.config.issuer).origin && origin !== `${request.protocol}://${request.host}`) {
      throw new PageError(403, 'Request refused', 'This form was sent from another site.');
    }
    const preSession = cookieOf(request, this.csrfCookie);
    const expected = preSession && TOKEN.test(preSession) ? this.expectedCsrfToken(request, preSession) : undefined;
    const valid = typeof submitted === 'string' && expected !== undefined && submitted.length === expected.length && timingSafeEqual(Buffer.from(submitted), Buffer.from(expected));
    if (!valid) throw new PageError(403, 'The form expired', 'Go back, reload the page and try again.');
  }

  /**
   * HMAC-SHA256 keyed with the pre-session id, of the session id the browser sent (empty before
   * sign-in). Both are random secrets only this browser holds (HttpOnly cookies), so nobody else can
   * work out the token for its cookies, and no server-wide key is needed across processes.
   */
  private expectedCsrfToken(request: FastifyRequest, preSession: string): string {
    const session = cookieOf(request, this.sessionCookie);
    return createHmac('sha256', preSession)
      .update(`gatehouse-csrf\0${session && TOKEN.test(session) ? session : ''}`)
      .digest('base64url');
  }

  private cookieOptions() {
    return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: this.config.secureCookies };
  }
}
