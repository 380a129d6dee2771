import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { readGmailPush } from '../integrations/google/gmail-watch.ts';
import { findAccount } from '../store/account-repository.ts';
import type { Database } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { TypedQueue } from '../workers/queues.ts';
import { requestSync } from '../workers/sync-worker.ts';
import { finishGoogleConnect, GOOGLE_CALLBACK_PATH, type ConnectedAccount } from './google-connect.ts';

export interface HttpDeps {
  config: Config;
  db: Database;
  redis: Redis;
  secrets: SecretBox;
  syncQueue: TypedQueue<'sync'>;
  /** Told when an account has been connected (the CLI waits for this). */
  onConnected?: (account: ConnectedAccount) => void;
}

/**
 * rapport's web server: OAuth callbacks and provider webhooks. Mail content is never
 * logged; request logging is off.
 */
export function buildHttpServer(deps: HttpDeps): FastifyInstance {
  // Closing must not wait for a browser's idle keep-alive connection.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  const prefix = deps.config.queuePrefix;

  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>(GOOGLE_CALLBACK_PATH, async (request, reply) => {
    const { code, state, error } = request.query;
    reply.type('text/html; charset=utf-8');
    if (error || !code || !state) {
      return reply.code(400).send(page('Not connected', `Google did not grant access (${escapeHtml(error ?? 'no code')}). Run <code>rapport accounts connect gmail</code> to try again.`));
    }
    try {
      const account = await finishGoogleConnect(deps, state, code);
      await requestSync(deps.syncQueue, deps.redis, prefix, 'mail', account.accountId);
      await requestSync(deps.syncQueue, deps.redis, prefix, 'calendar', account.accountId);
      deps.onConnected?.(account);
      const warning = account.missingScopes.length
        ? `<p><strong>Some access was not granted:</strong> ${account.missingScopes.map(escapeHtml).join(', ')}. rapport needs it to read your mail and calendar and to create drafts; connect again and leave every box ticked.</p>`
        : '';
      return page('Connected', `<p>${escapeHtml(account.address)} is connected. Your log is filling now; you can close this tab.</p>${warning}`);
    } catch (err) {
      const message = err instanceof InvalidInputError ? err.message : 'Google did not accept the sign-in. Run `rapport accounts connect gmail` to try again.';
      return reply.code(400).send(page('Not connected', escapeHtml(message)));
    }
  });

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
    if (!account?.calendarChannel || !sameSecret(token, account.calendarChannel.token)) return reply.code(204).send();
    if (request.headers['x-goog-resource-state'] === 'exists') {
      await requestSync(deps.syncQueue, deps.redis, prefix, 'calendar', account.id);
    }
    return reply.code(204).send();
  });

  return app;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rapport: ${title}</title></head>` +
    `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto"><h1>${title}</h1>${body.startsWith('<') ? body : `<p>${body}</p>`}</body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
