import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, findDraftByKey, listDrafts, moveDraft, supersedeDrafts } from '../../src/store/draft-repository.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';

describe.each(ENGINES)('the draft store (%s)', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('creating a draft twice with one idempotency key keeps the first', async () => {
    const first = await createDraft(store.db, { kind: 'thank_you', subject: 'Thank you', body: 'Hi Jane,', idempotencyKey: 'thank_you:1' });
    const again = await createDraft(store.db, { kind: 'thank_you', subject: 'Other', body: 'Other', idempotencyKey: 'thank_you:1' });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, draft: { id: first.draft.id, subject: 'Thank you', status: 'pending' } });
  });

  it('a draft with missing fields waits for input, and lists them', async () => {
    const { draft } = await createDraft(store.db, {
      kind: 'thank_you', subject: 'Thank you', body: 'Hi [contact first name],', idempotencyKey: 'thank_you:2',
      missingFields: ['contact.firstName', 'takeaway'], fields: { takeaway: null },
    });
    expect(draft).toMatchObject({ status: 'needs_input', missingFields: ['contact.firstName', 'takeaway'], fields: { takeaway: null } });
    expect(await moveDraft(store.db, draft.id, 'approve')).toBeNull();
    const completed = await moveDraft(store.db, draft.id, 'complete', { body: 'Hi Jane,', missingFields: [] });
    expect(completed).toMatchObject({ status: 'pending', body: 'Hi Jane,', missingFields: [] });
  });

  it('moves only from the states the life cycle allows; of two racing moves one wins', async () => {
    const { draft } = await createDraft(store.db, { kind: 'follow_up', subject: 'Re: Coffee', body: 'Hi,', idempotencyKey: 'follow_up:7:1' });
    const approved = await moveDraft(store.db, draft.id, 'approve', { deliveryMode: 'send', rfcMessageId: 'rapport.1@example.com' });
    expect(approved).toMatchObject({ status: 'approved', deliveryMode: 'send', rfcMessageId: 'rapport.1@example.com' });
    const [a, b] = await Promise.all([moveDraft(store.db, draft.id, 'start_delivery'), moveDraft(store.db, draft.id, 'start_delivery')]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await moveDraft(store.db, draft.id, 'supersede')).toBeNull(); // too late: it is going out
    expect(await moveDraft(store.db, draft.id, 'delivered', { providerId: 'm1', deliveredAt: new Date() })).toMatchObject({ status: 'delivered', providerId: 'm1' });
  });

  it('supersedes the open drafts of a kind, and lists by status', async () => {
    await createDraft(store.db, { kind: 'check_in', subject: 'Hello again', body: 'Hi,', idempotencyKey: 'check_in:9', contactId: null });
    const superseded = await supersedeDrafts(store.db, { kind: 'thank_you' });
    expect(superseded.map((d) => d.idempotencyKey).sort()).toEqual(['thank_you:1', 'thank_you:2']);
    expect((await findDraftByKey(store.db, 'thank_you:1'))!.status).toBe('superseded');
    expect((await listDrafts(store.db, ['pending'])).map((d) => d.kind)).toEqual(['check_in']);
  });
});
