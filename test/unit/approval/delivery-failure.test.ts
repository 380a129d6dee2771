import { describe, expect, it } from 'vitest';
import { classifyDeliveryFailure, planAfterFailure, type DeliveryFailureKind } from '../../../src/approval/delivery-failure.ts';
import { InvalidInputError, ProviderBusyError, ProviderRequestError, ReauthRequiredError } from '../../../src/core/errors.ts';

const reauth = new ReauthRequiredError('gmail', 'alex@example.com', 'invalid_grant');
const rateLimited = new ProviderBusyError('gmail', 429, 1000, 'Google is rate-limiting alex@example.com: slow down');
const rateLimited403 = new ProviderBusyError('gmail', 403, null, 'Google is rate-limiting alex@example.com: userRateLimitExceeded');
const serverError = new ProviderBusyError('gmail', 500, null, 'Google failed (500): Backend Error');
const dropped = new ProviderBusyError('gmail', null, null, 'Could not reach Google: socket hang up');
const badRecipient = new ProviderRequestError('gmail', 400, 'invalidArgument', 'Google refused the request (400 invalidArgument): Invalid To header');
const badAddress = new InvalidInputError('To address 1 is not a valid address: "jane@"');

describe('reading a delivery failure', () => {
  it.each<[string, unknown, DeliveryFailureKind]>([
    ['revoked access', reauth, 'reauth'],
    ['a 429', rateLimited, 'busy'],
    ['a rate-limit 403', rateLimited403, 'busy'],
    ['a 500', serverError, 'uncertain'],
    ['a dropped connection', dropped, 'uncertain'],
    ['a 400 refusal', badRecipient, 'refused'],
    ['a bad address in the draft', badAddress, 'refused'],
    ['anything unforeseen', new Error('connection terminated unexpectedly'), 'uncertain'],
    ['a thrown string', 'boom', 'uncertain'],
  ])('%s is %s', (_what, err, kind) => {
    expect(classifyDeliveryFailure(err).kind).toBe(kind);
  });

  it('the message says what happened and what to do', () => {
    expect(classifyDeliveryFailure(reauth).message).toMatch(/^Not sent: .*rapport accounts connect gmail/);
    expect(classifyDeliveryFailure(rateLimited).message).toBe('Not sent yet: Google is rate-limiting alex@example.com: slow down. rapport tries again shortly.');
    expect(classifyDeliveryFailure(badRecipient).message).toMatch(/^Not sent: .*Invalid To header\. Edit the draft and approve it again\.$/);
    expect(classifyDeliveryFailure(serverError).message).toMatch(/never goes out twice/);
  });
});

describe('where a failed attempt leaves the draft', () => {
  const fresh = { mayHaveSentBefore: false, sendStarted: false };
  const sending = { mayHaveSentBefore: false, sendStarted: true };
  const resumed = { mayHaveSentBefore: true, sendStarted: false };
  const plan = (err: unknown, progress: typeof fresh) => planAfterFailure(classifyDeliveryFailure(err), progress);

  it('a send refused unread goes back to approved; only a rate limit is retried', () => {
    expect(plan(rateLimited, sending)).toEqual({ draftStatus: 'approved', retry: true });
    expect(plan(badRecipient, sending)).toEqual({ draftStatus: 'approved', retry: false });
    expect(plan(reauth, sending)).toEqual({ draftStatus: 'approved', retry: false });
  });

  it('a send that failed after Gmail may have acted stays delivering, for the retry to check', () => {
    expect(plan(serverError, sending)).toEqual({ draftStatus: 'delivering', retry: true });
    expect(plan(dropped, sending)).toEqual({ draftStatus: 'delivering', retry: true });
  });

  it('before any send, nothing went out: approved again, whatever failed', () => {
    expect(plan(serverError, fresh)).toEqual({ draftStatus: 'approved', retry: true });
    expect(plan(reauth, fresh)).toEqual({ draftStatus: 'approved', retry: false });
  });

  it('a resumed delivery whose check did not finish stays delivering: an earlier attempt may have sent', () => {
    expect(plan(serverError, resumed)).toEqual({ draftStatus: 'delivering', retry: true });
    expect(plan(reauth, resumed)).toEqual({ draftStatus: 'delivering', retry: false });
  });
});
