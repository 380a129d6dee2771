import { Client, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { OutlookTokenSource } from './outlook-auth.ts';

/** Runs a request while holding one of the mailbox's in-flight slots. */
export interface InFlightGate {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export const UNGATED: InFlightGate = { run: (task) => task() };

export interface GraphClientOptions {
  /** Empty for Graph itself; otherwise an emulator's root (`http://127.0.0.1:4020/`). */
  graphUrl: string;
  tokens: OutlookTokenSource;
  gate: InFlightGate;
}

/** Set by the caller after a 401, so the next request asks MSAL for a fresh token. */
export interface TokenRefresh {
  forceNext: boolean;
}

/**
 * The access token the middleware sends. It is fetched before each call, outside the
 * Graph client, which would wrap MSAL's errors (invalid_grant) into anonymous ones.
 */
export interface TokenHolder extends TokenRefresh {
  current: string | null;
  load(): Promise<void>;
}

function tokenHolder(tokens: OutlookTokenSource): TokenHolder {
  const holder: TokenHolder = {
    forceNext: false,
    current: null,
    async load() {
      const force = holder.forceNext;
      holder.forceNext = false;
      holder.current = await tokens.accessToken(force);
    },
  };
  return holder;
}

/**
 * The Graph client of one mailbox. The default base URL stays, so the links Graph returns
 * (`https://graph.microsoft.com/v1.0/…`) are followed verbatim; the one middleware
 * sends each request (to the emulator when one is configured: the Graph client would
 * neither send a token to nor follow links on a plain-HTTP host), with the token, with
 * `Prefer: IdType="ImmutableId"` on every call so that ids survive moves, and inside a
 * slot of the mailbox's in-flight gate. The library's own retries are off: a retried
 * send could send twice, and retries must wait for the gate.
 */
export function createGraphClient(options: GraphClientOptions): { client: Client; token: TokenHolder } {
  const token = tokenHolder(options.tokens);
  const client = Client.initWithMiddleware({ middleware: new SendToGraph(options, token) });
  return { client, token };
}

class SendToGraph implements Middleware {
  constructor(
    private readonly options: GraphClientOptions,
    private readonly token: TokenHolder,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = new URL(typeof context.request === 'string' ? context.request : context.request.url);
    if (this.options.graphUrl) {
      const target = new URL(this.options.graphUrl);
      url.protocol = target.protocol;
      url.host = target.host;
    }
    if (!this.token.current) await this.token.load();
    const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${this.token.current}`);
    const prefer = headers.get('Prefer');
    if (!prefer?.includes('IdType=')) headers.set('Prefer', [prefer, 'IdType="ImmutableId"'].filter(Boolean).join(', '));
    context.response = await this.options.gate.run(async () => {
      const response = await fetch(url.toString(), { ...(context.options as RequestInit), headers });
      // Read whole while the slot is held: the request is in flight until its body is in.
      const body = [204, 205, 304].includes(response.status) ? null : await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    });
  }
}
