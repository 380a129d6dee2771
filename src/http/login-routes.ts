import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { formOf } from './form-body.ts';
import { loginView } from './views/login-view.ts';
import { isCrossSite, isHttps, localPath } from './web-guard.ts';
import type { WebLogin } from './web-login.ts';
import { parseCookies, SESSION_COOKIE, sessionCookie, type SessionStore } from './web-session.ts';

/** Wrong sign-ins allowed per minute, for all browsers together: a password cannot be guessed by brute force. */
const MAX_FAILURES_PER_MINUTE = 10;

export interface LoginDeps {
  config: Config;
  redis: Redis;
  login: WebLogin;
  sessions: SessionStore;
}

/** `/login` (the form, and `?token=` from the link `rapport start` prints) and `/logout`. */
export function registerLoginRoutes(app: FastifyInstance, deps: LoginDeps): void {
  const failuresKey = `${deps.config.queuePrefix}:web-login-failures`;
  const usesPassword = deps.login.token === null;
  const page = (reply: FastifyReply, status: number, next: string, error: string | null) =>
    reply.code(status).type('text/html; charset=utf-8').send(loginView({ usesPassword, next, error }));

  const signIn = async (request: FastifyRequest, reply: FastifyReply, secret: string, next: string) => {
    if (Number(await deps.redis.get(failuresKey)) >= MAX_FAILURES_PER_MINUTE) {
      return page(reply, 429, next, 'Too many wrong attempts. Wait a minute, then try again.');
    }
    if (!deps.login.check(secret)) {
      await deps.redis.multi().incr(failuresKey).expire(failuresKey, 60, 'NX').exec();
      const what = usesPassword ? 'password' : 'token (a new one is printed each time rapport starts)';
      return page(reply, 401, next, `That is not the ${what}.`);
    }
    const session = await deps.sessions.create();
    reply.header('Set-Cookie', sessionCookie(session.id, isHttps(request, deps.config)));
    return reply.redirect(next, 303);
  };

  app.get<{ Querystring: { next?: string; token?: string } }>('/login', async (request, reply) => {
    const next = localPath(request.query.next);
    if (request.query.token) return signIn(request, reply, request.query.token, next);
    return page(reply, 200, next, null);
  });

  app.post('/login', async (request, reply) => {
    const form = formOf(request.body);
    const next = localPath(form.next);
    if (isCrossSite(request, deps.config)) return page(reply, 403, next, 'This sign-in came from another site, so rapport refused it.');
    return signIn(request, reply, form.secret ?? '', next);
  });
}

/** Signing out ends the session everywhere; behind the login, so it needs the CSRF token. */
export function registerLogoutRoute(scope: FastifyInstance, deps: Pick<LoginDeps, 'config' | 'sessions'>): void {
  scope.post('/logout', async (request, reply) => {
    const id = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (id) await deps.sessions.end(id);
    reply.header('Set-Cookie', sessionCookie(null, isHttps(request, deps.config)));
    return reply.redirect('/login', 303);
  });
}
