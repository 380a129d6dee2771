import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { redactUrl } from '../core/errors.ts';
import { redisErrorLogger } from '../observability/job-events.ts';
import { describeError } from '../observability/log-safety.ts';
import { logger } from '../observability/logger.ts';
import { metricsText } from '../observability/state-metrics.ts';
import type { Queryable } from '../store/database.ts';
import type { QueueName } from '../workers/queue-map.ts';
import { openQueue, type TypedQueue } from '../workers/queues.ts';
import { installWebGuard, isHttps, sameSecret } from './web-guard.ts';
import { parseCookies, SESSION_COOKIE, type SessionStore } from './web-session.ts';

/** Every queue of rapport: what the metrics count and the dashboard shows. */
export const OPS_QUEUES = ['sync', 'ingest', 'plan', 'deliver'] as const satisfies readonly QueueName[];

/** Where the queue dashboard is served. */
export const DASHBOARD_PATH = '/queues';

/** How long /readyz waits for Redis and the database before calling them down. */
const READY_TIMEOUT_MS = 2_000;

/**
 * The dashboard is bull-board's own script, which must run: scripts and styles from
 * itself (its inline styles too), its API on the same origin, and still never framed.
 */
const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
].join('; ');

/** The cookie the dashboard's script reads and sends back as `X-XSRF-TOKEN` (axios does this by itself). */
const XSRF_COOKIE = 'XSRF-TOKEN';

export interface OpsDeps {
  config: Config;
  db: Queryable;
  redis: Redis;
  /** The approval page's sessions: the dashboard and /metrics accept the same sign-in. */
  sessions?: SessionStore;
  /** Serve the queue dashboard (it needs `sessions`). */
  dashboard?: boolean;
}

/**
 * `/healthz` (the process answers), `/readyz` (Redis and the database answer), `/metrics`
 * (Prometheus) and, behind the approval page's login, the queue dashboard at `/queues`.
 */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  const queues: TypedQueue<QueueName>[] = OPS_QUEUES.map((name) => openQueue(name, deps.redis, deps.config.queuePrefix));
  for (const queue of queues) queue.on('error', redisErrorLogger(queue.name));
  app.addHook('onClose', async () => {
    for (const queue of queues) await queue.close();
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_request, reply) => {
    const [redis, database] = await Promise.all([
      check(() => deps.redis.ping()),
      check(() => deps.db.query('select 1')),
    ]);
    if (redis === null && database === null) return { ok: true, redis: 'ok', database: 'ok' };
    return reply.code(503).send({
      ok: false,
      redis: redis === null ? 'ok' : `Redis at ${redactUrl(deps.config.redisUrl)} did not answer (${redis}): start it, or check REDIS_URL.`,
      database: database === null ? 'ok' : `The database did not answer (${database}): start PostgreSQL, or check DATABASE_URL.`,
    });
  });

  app.get('/metrics', async (request, reply) => {
    const refusal = await metricsRefusal(request, deps);
    if (refusal) return reply.code(refusal.status).type('text/plain; charset=utf-8').send(`${refusal.message}\n`);
    const { contentType, text } = await metricsText({ db: deps.db, queues });
    return reply.type(contentType).send(text);
  });

  if (deps.dashboard && deps.sessions) registerDashboard(app, { config: deps.config, sessions: deps.sessions }, queues);
}

/**
 * A server of the ops routes alone (no page, no dashboard), for a `rapport worker` process:
 * its job counters live in its own memory, so Prometheus scrapes each worker.
 */
export function buildOpsServer(deps: Omit<OpsDeps, 'sessions' | 'dashboard'>): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  registerOpsRoutes(app, deps);
  return app;
}

/** Null when the call answered in time, else why not. */
async function check(call: () => Promise<unknown>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([call(), timeout]);
    return null;
  } catch (err) {
    logger('http').warn({ err: describeError(err) }, 'readiness check failed');
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Who may read /metrics: a scraper with `Authorization: Bearer <http.metricsToken>`, a
 * signed-in browser, or, while no token is set, anyone who can reach a server bound to
 * a loopback address without a public URL (that is, only this machine).
 */
async function metricsRefusal(request: FastifyRequest, deps: OpsDeps): Promise<{ status: number; message: string } | null> {
  const token = deps.config.http.metricsToken;
  const bearer = /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
  if (token && bearer && sameSecret(bearer, token)) return null;
  const sessionId = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
  if (sessionId && deps.sessions && (await deps.sessions.find(sessionId))) return null;
  if (token) return { status: 401, message: 'Send the metrics token (http.metricsToken) as "Authorization: Bearer <token>".' };
  if (isLocalOnly(deps.config)) return null;
  return {
    status: 403,
    message: 'rapport serves /metrics without a token only on a loopback address. Set RAPPORT_METRICS_TOKEN and scrape with "Authorization: Bearer <token>".',
  };
}

function isLocalOnly(config: Config): boolean {
  return !config.http.publicUrl && ['127.0.0.1', 'localhost', '::1'].includes(config.http.host);
}

/**
 * bull-board at /queues, behind the approval page's login: no session, no dashboard (a
 * page load goes to the sign-in page, an API call is refused). Its changes (retry, clean,
 * remove) pass the same guard as the page's forms: same origin and the session's CSRF
 * token, which the dashboard's script sends from the `XSRF-TOKEN` cookie as `X-XSRF-TOKEN`.
 */
function registerDashboard(app: FastifyInstance, deps: { config: Config; sessions: SessionStore }, queues: TypedQueue<QueueName>[]): void {
  const board = new FastifyAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'rapport queues' } },
  });
  void app.register(async (scope) => {
    installWebGuard(scope, deps);
    scope.addHook('onRequest', async (request) => {
      // The guard reads `X-CSRF-TOKEN`; the dashboard's script names it `X-XSRF-TOKEN`.
      const xsrf = request.headers['x-xsrf-token'];
      if (request.headers['x-csrf-token'] === undefined && typeof xsrf === 'string') request.headers['x-csrf-token'] = xsrf;
    });
    scope.addHook('onSend', async (request, reply) => {
      reply.header('Content-Security-Policy', DASHBOARD_CSP);
      const session = request.webSession;
      if (session && (request.method === 'GET' || request.method === 'HEAD')) {
        const attributes = [`Path=${DASHBOARD_PATH}`, 'SameSite=Strict', ...(isHttps(request, deps.config) ? ['Secure'] : [])];
        reply.header('Set-Cookie', [`${XSRF_COOKIE}=${session.csrfToken}`, ...attributes].join('; '));
      }
    });
    await scope.register(board.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
