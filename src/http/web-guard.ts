import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/load-config.ts';
import { formOf } from './form-body.ts';
import { html } from './views/html.ts';
import { plainPage } from './views/layout.ts';
import { parseCookies, SESSION_COOKIE, type SessionStore, type WebSession } from './web-session.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session; set on every route behind the login. */
    webSession: WebSession | null;
  }
}

/**
 * Puts the routes of `scope` behind the login: no session, no page (GET goes to the
 * sign-in page, anything else is refused); and every state change must come from
 * rapport's own page, carrying the session's CSRF token.
 */
export function installWebGuard(scope: FastifyInstance, deps: { config: Config; sessions: SessionStore }): void {
  scope.addHook('onRequest', async (request, reply) => {
    const id = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    const session = id ? await deps.sessions.find(id) : null;
    if (session) {
      request.webSession = session;
      return;
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    }
    return refuse(reply, 401, 'You are signed out, so nothing was changed. Sign in and try again.');
  });
  scope.addHook('preHandler', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    if (isCrossSite(request, deps.config)) {
      return refuse(reply, 403, 'This request came from another site, so rapport refused it.');
    }
    const token = formOf(request.body)._csrf ?? String(request.headers['x-csrf-token'] ?? '');
    if (!sameSecret(token, request.webSession!.csrfToken)) {
      return refuse(reply, 403, 'This form is out of date (it was loaded before you last signed in). Reload the page and try again.');
    }
  });
}

/**
 * Whether the browser says the request comes from another site: a `Sec-Fetch-Site` other
 * than same-origin (or a typed address), or an `Origin` that is not rapport's own.
 * Clients that send neither (scripts, curl) still need the session and its token.
 */
export function isCrossSite(request: FastifyRequest, config: Config): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  return !ownOrigins(request, config).includes(origin);
}

function ownOrigins(request: FastifyRequest, config: Config): string[] {
  const own = [`${request.protocol}://${request.headers.host ?? ''}`];
  if (config.http.publicUrl) own.push(new URL(config.http.publicUrl).origin);
  return own;
}

/** Whether the page is served over https (directly, or as the public address says). */
export function isHttps(request: FastifyRequest, config: Config): boolean {
  return request.protocol === 'https' || config.http.publicUrl.startsWith('https:');
}

/** `next` when it is a path on this server, else the drafts page: never a redirect elsewhere. */
export function localPath(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/drafts';
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8')
    .send(plainPage('Not done', html`<p class="error">${message}</p><p><a href="/drafts">Back to the drafts</a></p>`));
}
