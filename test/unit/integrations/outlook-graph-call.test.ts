import { GraphError } from '@microsoft/microsoft-graph-client';
import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { ProviderBusyError, ProviderRequestError, ReauthRequiredError } from '../../../src/core/errors.ts';
import { callGraph, isSyncStateGone, toGraphError } from '../../../src/integrations/outlook/graph-call.ts';
import { toAuthError } from '../../../src/integrations/outlook/outlook-auth.ts';

const ADDRESS = 'sam@contoso.example';

/** A failure as the Graph client reports it: status, code from the envelope, headers. */
function graphError(status: number, code: string, headers: Record<string, string> = {}): GraphError {
  const error = new GraphError(status, `${code} happened`);
  error.code = code;
  error.headers = new Headers(headers);
  return error;
}

describe('mapping Graph errors', () => {
  it('429, 503 and 504 are busy, with Retry-After in seconds or as a date', () => {
    const throttled = toGraphError(graphError(429, 'ApplicationThrottled', { 'retry-after': '3' }), ADDRESS);
    expect(throttled).toBeInstanceOf(ProviderBusyError);
    expect((throttled as ProviderBusyError).retryAfterMs).toBe(3000);
    const at = new Date(Date.now() + 20_000).toUTCString();
    const unavailable = toGraphError(graphError(503, 'ServiceUnavailable', { 'retry-after': at }), ADDRESS);
    expect((unavailable as ProviderBusyError).retryAfterMs).toBeGreaterThan(15_000);
    expect(toGraphError(graphError(504, 'GatewayTimeout'), ADDRESS)).toBeInstanceOf(ProviderBusyError);
  });

  it('401 asks for a reconnect; 410 SyncStateNotFound is a gone delta state; 403 is not retried', () => {
    expect(toGraphError(graphError(401, 'InvalidAuthenticationToken'), ADDRESS)).toBeInstanceOf(ReauthRequiredError);
    const gone = toGraphError(graphError(410, 'SyncStateNotFound'), ADDRESS);
    expect(gone).toBeInstanceOf(ProviderRequestError);
    expect(isSyncStateGone(gone)).toBe(true);
    const denied = toGraphError(graphError(403, 'ErrorAccessDenied'), ADDRESS);
    expect(denied).toBeInstanceOf(ProviderRequestError);
    expect(isSyncStateGone(denied)).toBe(false);
    expect(denied.message).toMatch(/ErrorAccessDenied/);
  });

  it('MSAL: invalid_grant and interaction required ask for a reconnect; a failing token service is busy', () => {
    const grant = toAuthError(new ServerError('invalid_grant', 'corr', 'AADSTS700082: expired', undefined, '700082', 400), ADDRESS);
    expect(grant).toBeInstanceOf(ReauthRequiredError);
    expect(grant.message).toMatch(/rapport accounts connect outlook/);
    expect(toAuthError(new InteractionRequiredAuthError('interaction_required', 'sign in again'), ADDRESS)).toBeInstanceOf(ReauthRequiredError);
    expect(toAuthError(new ServerError('temporarily_unavailable', 'corr', 'x', undefined, '', 503), ADDRESS)).toBeInstanceOf(ProviderBusyError);
  });
});

describe('callGraph', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

  it('retries while busy, honouring Retry-After, then answers', async () => {
    let calls = 0;
    const started = Date.now();
    const result = await callGraph(policy, { forceNext: false }, ADDRESS, async () => {
      calls += 1;
      if (calls === 1) throw graphError(429, 'ApplicationThrottled', { 'retry-after': '0.2' });
      if (calls === 2) throw graphError(503, 'ServiceUnavailable');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('after a 401 retries once with a refreshed token, then gives up', async () => {
    const refresh = { forceNext: false };
    let calls = 0;
    await expect(
      callGraph(policy, refresh, ADDRESS, async () => {
        calls += 1;
        throw graphError(401, 'InvalidAuthenticationToken');
      }),
    ).rejects.toBeInstanceOf(ReauthRequiredError);
    expect(calls).toBe(2);
    expect(refresh.forceNext).toBe(true);
  });

  it('does not retry a call that must not run twice', async () => {
    let calls = 0;
    await expect(
      callGraph(policy, { forceNext: false }, ADDRESS, async () => {
        calls += 1;
        throw graphError(503, 'ServiceUnavailable');
      }, false),
    ).rejects.toBeInstanceOf(ProviderBusyError);
    expect(calls).toBe(1);
  });
});
