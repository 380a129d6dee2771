import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimDelivery,
  markDraftsSentByUser,
  releaseDelivery,
  renewDeliveryLease,
  returnToApproved,
} from '../../src/store/delivery-queries.ts';
import { createDraft, getDraft, moveDraft } from '../../src/store/draft-repository.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';

describe.each(ENGINES)('claims on a draft being delivered (%s)', (engine) => {
  let store: TestStore;
  let n = 0;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store.dispose();
  });

  async function approved(mode: 'send' | 'mailbox' = 'send'): Promise<number> {
    n += 1;
    const { draft } = await createDraft(store.db, { kind: 'follow_up', subject: 'Re: Coffee', body: 'Hi,', toAddress: 'jane@firm.example', idempotencyKey: `claims:${n}` });
    await moveDraft(store.db, draft.id, 'approve', { deliveryMode: mode });
    return draft.id;
  }
  const status = async (id: number) => (await getDraft(store.db, id))!;

  it('the first claim moves the draft to delivering with its Message-ID; a live claim keeps others off', async () => {
    const id = await approved();
    const claim = await claimDelivery(store.db, id, 'rapport.a@university.example', 60_000);
    expect(claim).toEqual({ draftId: id, attempt: 1, rfcMessageId: 'rapport.a@university.example', resumed: false });
    expect(await status(id)).toMatchObject({ status: 'delivering', rfcMessageId: 'rapport.a@university.example' });
    expect(await claimDelivery(store.db, id, 'rapport.b@university.example', 60_000)).toBeNull();
  });

  it('of claims racing for one draft, one wins', async () => {
    const id = await approved();
    const claims = await Promise.all([1, 2, 3, 4].map((i) => claimDelivery(store.db, id, `rapport.${i}@university.example`, 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('a lapsed claim is taken over, keeping the Message-ID; the old holder can no longer write', async () => {
    const id = await approved();
    const old = (await claimDelivery(store.db, id, 'rapport.first@university.example', 1))!;
    await new Promise((r) => setTimeout(r, 20));
    const taken = await claimDelivery(store.db, id, 'rapport.second@university.example', 60_000);
    expect(taken).toEqual({ draftId: id, attempt: 2, rfcMessageId: 'rapport.first@university.example', resumed: true });

    expect(await renewDeliveryLease(store.db, old, 60_000)).toBe(false);
    await returnToApproved(store.db, old, 'stale');
    await releaseDelivery(store.db, old, 'stale');
    expect(await status(id)).toMatchObject({ status: 'delivering', lastError: null });
    expect(await renewDeliveryLease(store.db, taken!, 60_000)).toBe(true);
  });

  it('a released claim may be taken at once; one returned to approved starts afresh with the same Message-ID', async () => {
    const id = await approved();
    const first = (await claimDelivery(store.db, id, 'rapport.keep@university.example', 60_000))!;
    await releaseDelivery(store.db, first, 'Sending did not finish.');
    expect(await status(id)).toMatchObject({ status: 'delivering', lastError: 'Sending did not finish.' });
    const second = (await claimDelivery(store.db, id, 'rapport.other@university.example', 60_000))!;
    expect(second).toMatchObject({ attempt: 2, resumed: true });
    await returnToApproved(store.db, second, 'Not sent yet.');
    expect(await status(id)).toMatchObject({ status: 'approved', lastError: 'Not sent yet.' });
    expect(await claimDelivery(store.db, id, 'rapport.other@university.example', 60_000)).toMatchObject({
      attempt: 3, resumed: false, rfcMessageId: 'rapport.keep@university.example',
    });
  });

  it('a stored message with a draft’s Message-ID completes it; others are left alone', async () => {
    const inMailbox = await approved('mailbox');
    const sending = await approved('send');
    const untouched = await approved('send');
    await claimDelivery(store.db, inMailbox, 'rapport.mbox@university.example', 60_000);
    await moveDraft(store.db, inMailbox, 'delivered', { providerId: 'g1', deliveredAt: null });
    await claimDelivery(store.db, sending, 'rapport.sending@university.example', 60_000);
    await claimDelivery(store.db, untouched, 'rapport.untouched@university.example', 60_000);
    const rows = await store.db.query<{ id: number }>(
      `insert into message (message_key, rfc_message_id, direction, source)
       values ('rapport.mbox@university.example', 'rapport.mbox@university.example', 'sent', 'gmail:1/a'),
              ('rapport.sending@university.example', 'rapport.sending@university.example', 'sent', 'gmail:1/b'),
              ('unrelated@example.org', 'unrelated@example.org', 'received', 'gmail:1/c')
       returning id`,
    );

    expect(await markDraftsSentByUser(store.db, [])).toEqual([]);
    expect((await markDraftsSentByUser(store.db, [rows[0]!.id, rows[2]!.id]))).toEqual([inMailbox]);
    expect(await markDraftsSentByUser(store.db, null)).toEqual([sending]);
    expect(await markDraftsSentByUser(store.db, null)).toEqual([]);
    expect(await status(inMailbox)).toMatchObject({ status: 'delivered', providerId: 'g1' });
    expect((await status(inMailbox)).deliveredAt).toBeInstanceOf(Date);
    expect((await status(sending)).status).toBe('delivered');
    expect((await status(untouched)).status).toBe('delivering');
  });
});
