import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/load-config.ts';

/** How the approval page's user proves who they are. */
export interface WebLogin {
  /**
   * The random token printed when rapport starts (`rapport start`), or null when the
   * user set a password (`web.password`, RAPPORT_WEB_PASSWORD) and signs in with that.
   */
  readonly token: string | null;
  /** Whether `given` is the token or the password; compared in constant time. */
  check(given: string): boolean;
}

/**
 * The login of one server run: the configured password, or else a fresh random token
 * that only the person who started rapport sees.
 */
export function createWebLogin(config: Config): WebLogin {
  const password = config.web.password;
  const token = password ? null : randomBytes(24).toString('base64url');
  // Hashing both sides gives equal lengths, so the comparison leaks nothing, not even the length.
  const expected = digest(password || token!);
  return {
    token,
    check: (given) => given.length > 0 && timingSafeEqual(digest(given), expected),
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The line `rapport start` prints so that its user can open the approval page: with the
 * token in the link, or a reminder of the password.
 */
export function webLoginHint(config: Config, login: WebLogin): string {
  const base = pageBaseUrl(config);
  return login.token
    ? `Approval page: ${base}/login?token=${login.token} (a new sign-in token each start; keep it to yourself)`
    : `Approval page: ${base}/ (sign in with the password in web.password)`;
}

/** Where the approval page is reached, without a trailing slash. */
export function pageBaseUrl(config: Config): string {
  return (config.http.publicUrl || `http://${config.http.host}:${config.http.port}`).replace(/\/$/, '');
}
