import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { ApprovalDeps } from '../approval/approval-actions.ts';
import type { Config } from '../config/load-config.ts';
import { describeError } from '../observability/log-safety.ts';
import { logger } from '../observability/logger.ts';
import { readGmailPush } from '../integrations/google/gmail-watch.ts';
import { findAccount } from '../store/account-repository.ts';
import type { Database } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { TypedQueue } from '../workers/queues.ts';
import { requestSync } from '../workers/sync-worker.ts';
import { registerConsentCallback } from './consent-callback.ts';
import { finishGoogleConnect, GOOGLE_CALLBACK_PATH, type ConnectedAccount } from './google-connect.ts';
import { registerOpsRoutes } from './ops-routes.ts';
import { registerOutlookRoutes } from './outlook-connect.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { sameSecret } from './web-guard.ts';
import { createWebLogin, type WebLogin } from './web-login.ts';
import { registerWebPages } from './web-pages.ts';
import { redisSessionStore } from './web-session.ts';

export interface HttpDeps {
  config: Config;
  db: Database;
  redis: Redis;
  secrets: SecretBox;
  syncQueue: TypedQueue<'sync'>;
  /** Told when an account has been connected (the CLI waits for this). */
  onConnected?: (account: ConnectedAccount) => void;
  /**
   * Queues the delivery of a draft approved on the page (a `deliver` job). Without it the
   * page shows drafts but cannot approve them.
   */
  scheduleDelivery?: ApprovalDeps['scheduleDelivery'];
  /** Who may use the approval page; by default `createWebLogin(config)` (then only a configured password works). */
  login?: WebLogin;
  /** The clock of the page (due, overdue, snooze); tests fix it. */
  now?: () => Date;
}

/**
 * rapport's web server: the approval page and the queue dashboard (behind a login), OAuth
 * callbacks, provider webhooks, health and metrics. Request logging is off (URLs carry
 * sign-in tokens and OAuth codes); a failed request is logged by route and status only.
 */
export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  // Closing must not wait for a browser's idle keep-alive connection.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  const prefix = deps.config.queuePrefix;

  installSecurityHeaders(app, deps.config.http.publicUrl.startsWith('https:'));
  registerWebPages(app, {
    config: deps.config, db: deps.db, redis: deps.redis, scheduleDelivery: deps.scheduleDelivery,
    login: deps.login ?? createWebLogin(deps.config), now: deps.now ?? (() => new Date()),
  });

  registerOpsRoutes(app, {
    config: deps.config, db: deps.db, redis: deps.redis, sessions: redisSessionStore(deps.redis, prefix), dashboard: true,
  });
  app.addHook('onError', async (request, reply, err) => {
    logger('http').error({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, err: describeError(err) }, 'request failed');
  });

  registerConsentCallback(app, deps, {
    path: GOOGLE_CALLBACK_PATH, company: 'Google', command: 'rapport accounts connect gmail',
    finish: (state, code) => finishGoogleConnect(deps, state, code),
  });
  registerOutlookRoutes(app, deps);

  // Gmail's Pub/Sub push. Any 2xx acknowledges; a malformed or unknown push is
  // acknowledged too, since Pub/Sub would otherwise redeliver it for days.
  app.post<{ Querystring: { token?: string } }>('/webhooks/gmail', async (request, reply) => {
    if (deps.config.google.pushToken && !sameSecret(request.query.token ?? '', deps.config.google.pushToken)) {
      return reply.code(403).send({ error: 'bad token' });
    }
    const push = readGmailPush(request.body);
    if (push) {
      const account = await findAccount(deps.db, push.emailAddress);
      if (account && account.provider === 'gmail' && account.syncStatus !== 'needs_reauth') {
        await requestSync(deps.syncQueue, deps.redis, prefix, 'mail', account.id);
      }
    }
    return reply.code(204).send();
  });

  // Google Calendar's channel notifications: headers only; the token names the account.
  app.post('/webhooks/google-calendar', async (request, reply) => {
    const token = String(request.headers['x-goog-channel-token'] ?? '');
    const accountId = Number(/^acct=(\d+);/.exec(token)?.[1]);
    const account = Number.isInteger(accountId) ? await findAccount(deps.db, accountId) : null;
    if (!account?.pushChannel || !sameSecret(token, account.pushChannel.token)) return reply.code(204).send();
    if (request.headers['x-goog-resource-state'] === 'exists') {
      await requestSync(deps.syncQueue, deps.redis, prefix, 'calendar', account.id);
    }
    return reply.code(204).send();
  });

  return app;
}
