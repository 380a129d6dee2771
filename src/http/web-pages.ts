import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import type { Database } from '../store/database.ts';
import { registerAccountRoutes } from './account-routes.ts';
import { registerApprovalRoutes, type ApprovalRouteDeps } from './approval-routes.ts';
import { registerContactRoutes } from './contact-routes.ts';
import { installFormParser } from './form-body.ts';
import { registerLoginRoutes, registerLogoutRoute } from './login-routes.ts';
import { registerOverviewRoutes } from './overview-routes.ts';
import { html } from './views/html.ts';
import { plainPage } from './views/layout.ts';
import { STYLESHEET } from './views/stylesheet.ts';
import { installWebGuard } from './web-guard.ts';
import type { WebLogin } from './web-login.ts';
import { redisSessionStore } from './web-session.ts';

export interface WebPagesDeps {
  config: Config;
  db: Database;
  redis: Redis;
  login: WebLogin;
  now: () => Date;
  scheduleDelivery?: ApprovalRouteDeps['scheduleDelivery'];
}

/**
 * The approval page: sign-in and the stylesheet in the open, everything else behind the
 * login in a scope of its own, so the webhooks and the OAuth callback stay outside it.
 */
export function registerWebPages(app: FastifyInstance, deps: WebPagesDeps): void {
  const sessions = redisSessionStore(deps.redis, deps.config.queuePrefix);
  installFormParser(app);
  app.decorateRequest('webSession', null);
  app.get('/static/rapport.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(STYLESHEET));
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  registerLoginRoutes(app, { ...deps, sessions });

  void app.register(async (scope) => {
    installWebGuard(scope, { config: deps.config, sessions });
    scope.setErrorHandler((err: FastifyError, _request, reply) => errorPage(reply, err));
    registerLogoutRoute(scope, { config: deps.config, sessions });
    registerApprovalRoutes(scope, deps);
    registerContactRoutes(scope, deps);
    registerOverviewRoutes(scope, deps);
    registerAccountRoutes(scope, deps);
  });
}

/** A known problem in words; anything else as a generic failure that reveals no mail. */
function errorPage(reply: FastifyReply, err: FastifyError): FastifyReply {
  const [status, message] =
    err instanceof NotFoundError ? [404, `${err.message} It may have been removed; go back to the drafts.`] :
      err instanceof InvalidInputError ? [400, err.message] :
        err.statusCode && err.statusCode < 500 ? [err.statusCode, 'rapport could not read that request.'] :
          [500, 'Something went wrong on rapport’s side. Open the draft again to see where it stands, and check the terminal running rapport.'];
  return reply.code(status).type('text/html; charset=utf-8')
    .send(plainPage(status === 404 ? 'Not found' : 'Not done', html`<p class="error">${message}</p><p><a href="/drafts">Back to the drafts</a></p>`));
}
