import { describe, expect, it } from 'vitest';
import { ProviderBusyError, ProviderRequestError, ReauthRequiredError } from '../../../src/core/errors.ts';
import { callGoogle, isNotFound, toProviderError } from '../../../src/integrations/google/google-call.ts';

const target = { provider: 'gmail' as const, address: 'sam@example.com' };

/** An error shaped as gaxios reports an HTTP failure: status, headers and the parsed body. */
function httpError(status: number, data: unknown, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    status,
    response: { status, headers: new Headers(headers), data },
  });
}

const envelope = (code: number, reason: string, message = 'x') => ({ error: { code, message, errors: [{ domain: 'usageLimits', reason, message }] } });

describe('mapping Google errors', () => {
  it('429 and rate-limit 403s are busy, with Retry-After in seconds or as a date in the message', () => {
    const seconds = toProviderError(httpError(429, envelope(429, 'rateLimitExceeded'), { 'retry-after': '7' }), target);
    expect(seconds).toBeInstanceOf(ProviderBusyError);
    expect((seconds as ProviderBusyError).retryAfterMs).toBe(7000);
    const at = new Date(Date.now() + 30_000).toISOString();
    const inText = toProviderError(httpError(429, envelope(429, 'rateLimitExceeded', `User-rate limit exceeded.  Retry after ${at}`)), target);
    expect((inText as ProviderBusyError).retryAfterMs).toBeGreaterThan(25_000);
    expect(toProviderError(httpError(403, envelope(403, 'userRateLimitExceeded')), target)).toBeInstanceOf(ProviderBusyError);
  });

  it('a 403 for missing permission is not retried, 5xx are, 404 is recognised', () => {
    const denied = toProviderError(httpError(403, envelope(403, 'insufficientPermissions')), target);
    expect(denied).toBeInstanceOf(ProviderRequestError);
    expect(toProviderError(httpError(503, envelope(503, 'backendError')), target)).toBeInstanceOf(ProviderBusyError);
    expect(isNotFound(toProviderError(httpError(404, envelope(404, 'notFound')), target))).toBe(true);
  });

  it('invalid_grant asks the user to connect again, naming the account', () => {
    const err = toProviderError(httpError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }), target);
    expect(err).toBeInstanceOf(ReauthRequiredError);
    expect(err.message).toContain('sam@example.com');
    expect(err.message).toContain('rapport accounts connect gmail');
  });
});

describe('callGoogle', () => {
  const gate = { taken: 0, async take(units: number) { this.taken += units; } };
  const policy = { gate, maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

  it('retries busy answers, spending quota for each attempt, then returns the data', async () => {
    gate.taken = 0;
    let calls = 0;
    const data = await callGoogle(5, policy, target, async () => {
      calls += 1;
      if (calls < 3) throw httpError(500, envelope(500, 'backendError'));
      return { data: 'ok' };
    });
    expect(data).toBe('ok');
    expect(calls).toBe(3);
    expect(gate.taken).toBe(15);
  });

  it('gives up after the last attempt with the busy error, and never retries a refused request', async () => {
    let calls = 0;
    await expect(callGoogle(5, policy, target, async () => {
      calls += 1;
      throw httpError(429, envelope(429, 'rateLimitExceeded'));
    })).rejects.toBeInstanceOf(ProviderBusyError);
    expect(calls).toBe(4);
    calls = 0;
    await expect(callGoogle(5, policy, target, async () => {
      calls += 1;
      throw httpError(400, envelope(400, 'invalidArgument'));
    })).rejects.toBeInstanceOf(ProviderRequestError);
    expect(calls).toBe(1);
  });

  it('after a 401 forgets the access token once and tries again', async () => {
    let forgotten = 0;
    let calls = 0;
    const data = await callGoogle(1, { ...policy, forgetAccessToken: () => (forgotten += 1) }, target, async () => {
      calls += 1;
      if (calls === 1) throw httpError(401, envelope(401, 'authError'));
      return { data: 'fresh' };
    });
    expect(data).toBe('fresh');
    expect(forgotten).toBe(1);
  });
});
