import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { TypedQueue } from '../workers/queues.ts';
import { requestSync } from '../workers/sync-worker.ts';
import type { ConnectedAccount } from './google-connect.ts';
import { html } from './views/html.ts';
import { plainPage } from './views/layout.ts';
import { pageBaseUrl } from './web-login.ts';

export interface ConsentCallbackDeps {
  config: Config;
  redis: Redis;
  syncQueue: TypedQueue<'sync'>;
  onConnected?: (account: ConnectedAccount) => void;
}

/**
 * The page a provider's consent screen sends the browser back to, the same for Google
 * and Microsoft: it finishes connecting (`finish` checks the state and exchanges the
 * code), starts the first mail and calendar sync, and tells the user what happened and,
 * when something went wrong, which command to run again.
 */
export function registerConsentCallback(
  app: FastifyInstance,
  deps: ConsentCallbackDeps,
  provider: { path: string; company: string; command: string; finish: (state: string, code: string) => Promise<ConnectedAccount> },
): void {
  const again = `Run \`${provider.command}\` to try again.`;
  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>(provider.path, async (request, reply) => {
    const { code, state, error } = request.query;
    reply.type('text/html; charset=utf-8');
    if (error || !code || !state) {
      return reply.code(400).send(plainPage('Not connected', html`<p>${provider.company} did not grant access (${error ?? 'no code'}). Run <code>${provider.command}</code> to try again.</p>`));
    }
    try {
      const account = await provider.finish(state, code);
      await requestSync(deps.syncQueue, deps.redis, deps.config.queuePrefix, 'mail', account.accountId);
      await requestSync(deps.syncQueue, deps.redis, deps.config.queuePrefix, 'calendar', account.accountId);
      deps.onConnected?.(account);
      const warning = account.missingScopes.length
        ? html`<p><strong>Some access was not granted:</strong> ${account.missingScopes.join(', ')}. rapport needs it to read your mail and calendar and to create drafts; connect again and accept every permission asked for.</p>`
        : '';
      // The page's own address: Microsoft's callback comes back on `localhost`, whose
      // cookies are not the page's.
      const accounts = `${pageBaseUrl(deps.config)}/accounts`;
      return plainPage('Connected', html`<p>${account.address} is connected. Your log is filling now: <a href="${accounts}">follow the sync on the accounts page</a>, or close this tab.</p>${warning}`);
    } catch (err) {
      const message = err instanceof InvalidInputError ? err.message : `${provider.company} did not accept the sign-in. ${again}`;
      return reply.code(400).send(plainPage('Not connected', html`<p>${message}</p>`));
    }
  });
}
