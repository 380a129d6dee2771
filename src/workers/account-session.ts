import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import type { GoogleTokens } from '../integrations/google/google-auth.ts';
import { DEFAULT_CALL_POLICY, type CallPolicy } from '../integrations/google/google-call.ts';
import { openGoogleSession, type GoogleSession } from '../integrations/google/google-session.ts';
import type { OutlookTokens } from '../integrations/outlook/outlook-auth.ts';
import { DEFAULT_GRAPH_CALL_POLICY } from '../integrations/outlook/graph-call.ts';
import type { InFlightGate } from '../integrations/outlook/graph-client.ts';
import { openOutlookSession, type OutlookSession } from '../integrations/outlook/outlook-session.ts';
import { observeQuotaWait } from '../observability/metrics.ts';
import { saveAccountTokens, type AccountRow } from '../store/account-repository.ts';
import type { Database } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { redisConcurrencyGate } from './redis-concurrency-gate.ts';
import { redisQuotaGate } from './redis-quota-gate.ts';

export interface AccountSessionDeps {
  config: Config;
  db: Database;
  redis: Redis;
  secrets: SecretBox;
  /** Tests shorten the back-off; everything else uses the defaults. */
  callPolicy?: Partial<Omit<CallPolicy, 'gate'>>;
}

/**
 * The Google clients of a connected account: its sealed tokens opened, its share of the
 * quota drawn from the one budget in Redis, refreshed tokens sealed and stored again.
 */
export function openAccountSession(deps: AccountSessionDeps, account: AccountRow): GoogleSession {
  const google = deps.config.google;
  return openGoogleSession({
    settings: google,
    tokens: deps.secrets.open<GoogleTokens>(account.tokensSealed!),
    address: account.address,
    policy: {
      ...DEFAULT_CALL_POLICY,
      ...deps.callPolicy,
      gate: redisQuotaGate(deps.redis, `${deps.config.queuePrefix}:quota:${account.id}`, {
        unitsPerSecond: google.quotaUnitsPerSecond * google.quotaShare,
      }),
    },
    onTokens: (tokens) => void saveAccountTokens(deps.db, account.id, deps.secrets.seal(tokens)).catch(() => undefined),
  });
}

/**
 * The Graph client of a connected Outlook account: its sealed MSAL cache opened, its
 * requests held to `microsoft.maxConcurrent` in flight and paced to
 * `microsoft.rateShare` of `microsoft.requestsPer10Minutes`, both across every worker
 * (in Redis), the changed cache sealed and stored again.
 */
export function openOutlookAccountSession(deps: AccountSessionDeps, account: AccountRow): OutlookSession {
  const microsoft = deps.config.microsoft;
  const { maxAttempts, baseDelayMs, maxDelayMs } = { ...DEFAULT_GRAPH_CALL_POLICY, ...deps.callPolicy };
  return openOutlookSession({
    settings: microsoft,
    tokens: deps.secrets.open<OutlookTokens>(account.tokensSealed!),
    address: account.address,
    policy: { maxAttempts, baseDelayMs, maxDelayMs },
    gate: outlookRequestGate(deps, account.id),
    onTokens: (tokens) => void saveAccountTokens(deps.db, account.id, deps.secrets.seal(tokens)).catch(() => undefined),
  });
}

/**
 * Each Graph request (a retry too) takes an in-flight slot, then waits inside it for
 * its turn on the account's even schedule of requests (the quota gate's, one unit a
 * request). Slot first: a request then leaves when its turn comes, not a slot-wait later,
 * so Graph's window sees the schedule; and at most `maxConcurrent` turns are booked ahead.
 */
function outlookRequestGate(deps: AccountSessionDeps, accountId: number): InFlightGate {
  const { microsoft, queuePrefix } = deps.config;
  const inFlight = redisConcurrencyGate(deps.redis, `${queuePrefix}:inflight:${accountId}`, { limit: microsoft.maxConcurrent });
  const pace = redisQuotaGate(deps.redis, `${queuePrefix}:rate:${accountId}`, {
    unitsPerSecond: (microsoft.requestsPer10Minutes * microsoft.rateShare) / 600,
  });
  return {
    run: (task) =>
      inFlight.run(async () => {
        const waitFrom = Date.now();
        await pace.take(1);
        observeQuotaWait('outlook', 'quota', Date.now() - waitFrom);
        return task();
      }),
  };
}
