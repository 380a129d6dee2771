import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A signed-in browser: its cookie id and the token its forms must carry (CSRF). */
export interface WebSession {
  id: string;
  csrfToken: string;
}

/** Sessions last this long after the last request. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export const SESSION_COOKIE = 'rapport_session';

/**
 * Sessions kept in Redis, so every rapport process serving the page knows them. Only
 * a hash of the cookie id is stored: a copy of Redis gives no usable cookie.
 */
export interface SessionStore {
  create(): Promise<WebSession>;
  /** The session with this cookie id, its lifetime renewed; null when unknown or expired. */
  find(id: string): Promise<WebSession | null>;
  end(id: string): Promise<void>;
}

export function redisSessionStore(redis: Redis, prefix: string): SessionStore {
  const key = (id: string) => `${prefix}:web-session:${createHash('sha256').update(id).digest('hex')}`;
  return {
    async create() {
      const session = { id: randomToken(), csrfToken: randomToken() };
      await redis.set(key(session.id), session.csrfToken, 'EX', SESSION_TTL_SECONDS);
      return session;
    },
    async find(id) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
      const csrfToken = await redis.getex(key(id), 'EX', SESSION_TTL_SECONDS);
      return csrfToken ? { id, csrfToken } : null;
    },
    async end(id) {
      await redis.del(key(id));
    },
  };
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The cookies of a request's Cookie header, by name (the first of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's
 * page sends it), Secure when the page is served over https. Null id: the cookie removed.
 */
export function sessionCookie(id: string | null, secure: boolean): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  const value = id === null ? `${SESSION_COOKIE}=; Max-Age=0` : `${SESSION_COOKIE}=${id}; Max-Age=${SESSION_TTL_SECONDS}`;
  return [value, ...attributes].join('; ');
}
