import type { Client } from '@microsoft/microsoft-graph-client';
import { outlookTokenSource, type OutlookClientSettings, type OutlookTokens } from './outlook-auth.ts';
import { callGraph, type GraphCallPolicy } from './graph-call.ts';
import { createGraphClient, type InFlightGate } from './graph-client.ts';

/** The Graph client of one connected Outlook mailbox, with its in-flight limit and retries. */
export interface OutlookSession {
  address: string;
  graph: Client;
  /** Makes one request, retried while Graph is busy. `retry: false` for sends. */
  call<T>(request: (graph: Client) => Promise<T>, options?: { retry?: boolean }): Promise<T>;
}

export function openOutlookSession(options: {
  settings: OutlookClientSettings & { graphUrl: string };
  tokens: OutlookTokens;
  address: string;
  policy: GraphCallPolicy;
  gate: InFlightGate;
  /** Called with the account's changed token cache, to seal and store it. */
  onTokens?: (tokens: OutlookTokens) => void;
}): OutlookSession {
  const tokens = outlookTokenSource(options.settings, options.tokens, options.address, options.onTokens);
  const { client, token } = createGraphClient({ graphUrl: options.settings.graphUrl, tokens, gate: options.gate });
  return {
    address: options.address,
    graph: client,
    call: (request, callOptions) =>
      callGraph(
        options.policy,
        token,
        options.address,
        async () => {
          // MSAL answers from its cache until the token is close to expiry.
          await token.load();
          return request(client);
        },
        callOptions?.retry ?? true,
      ),
  };
}
