import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { InvalidInputError } from '../core/errors.ts';
import { listAccountStates } from '../store/approval-queries.ts';
import { formOf } from './form-body.ts';
import { beginGoogleConnect } from './google-connect.ts';
import { beginOutlookConnect } from './outlook-connect.ts';
import { pageRenderer, type OverviewDeps } from './overview-routes.ts';
import { accountsView, type ConnectableProvider } from './views/accounts-view.ts';

export interface AccountRouteDeps extends OverviewDeps {
  redis: Redis;
}

/**
 * The accounts page, and connecting an account from it: the button sends the browser to
 * the provider's consent page, which comes back to the same OAuth callback the CLI uses.
 */
export function registerAccountRoutes(scope: FastifyInstance, deps: AccountRouteDeps): void {
  const render = pageRenderer(deps);
  const { config } = deps;

  scope.get('/accounts', async (request, reply) => {
    const connectable: Record<ConnectableProvider, boolean> = {
      gmail: Boolean(config.google.clientId && config.google.clientSecret),
      outlook: Boolean(config.microsoft.clientId && config.microsoft.clientSecret),
    };
    const view = accountsView(await listAccountStates(deps.db), config.user.timeZone, { csrfToken: request.webSession!.csrfToken, connectable });
    return render(request, reply, { title: 'Accounts', section: 'accounts' }, view);
  });

  scope.post<{ Params: { provider: string } }>('/accounts/connect/:provider', async (request, reply) => {
    // The address of an account being connected again, so the provider offers that one.
    const hint = formOf(request.body).address?.trim().slice(0, 320) || undefined;
    const { provider } = request.params;
    if (provider !== 'gmail' && provider !== 'outlook') throw new InvalidInputError(`rapport connects Gmail and Outlook accounts, not “${provider}”.`);
    const { url } = provider === 'gmail'
      ? await beginGoogleConnect(config, deps.redis, hint)
      : await beginOutlookConnect(config, deps.redis, hint);
    return reply.redirect(url, 303);
  });
}
