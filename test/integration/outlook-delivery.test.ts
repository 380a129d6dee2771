import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { UNGATED } from '../../src/integrations/outlook/graph-client.ts';
import {
  createOutlookDraft,
  createOutlookReplyDraft,
  deleteOutlookDraft,
  getOutlookMessage,
  sendOutlookDraft,
  updateOutlookDraft,
  wasOutlookDraftSent,
} from '../../src/integrations/outlook/outlook-delivery.ts';
import { openOutlookSession, type OutlookSession } from '../../src/integrations/outlook/outlook-session.ts';
import { findAccount } from '../../src/store/account-repository.ts';
import { startGraphEmulator, type GraphEmulator } from '../emulators/graph/index.ts';
import { rawMessage } from '../helpers/google.ts';
import { connectSeededOutlookAccount, outlookTestConfig } from '../helpers/outlook.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const USER = 'sam.lee@contoso.example';

/** The text of a single-part message, base64 or not. */
function bodyText(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  return (/content-transfer-encoding:\s*base64/i.test(head!) ? Buffer.from(body, 'base64').toString('utf8') : body).trim();
}

describe('Outlook provider methods for delivery', () => {
  let emulator: GraphEmulator;
  let store: TestStore;
  let config: Config;
  let session: OutlookSession;
  let received: { id: string; immutableId: string; conversationId: string };

  beforeAll(async () => {
    emulator = await startGraphEmulator({ now: new Date('2026-06-01T12:00:00Z') });
    emulator.addUser(USER);
    received = emulator.insertMessage(
      USER,
      rawMessage({ from: 'Ana Ruiz <ana@fabrikam.example>', to: USER, subject: 'Informational interview', date: new Date('2026-05-30T10:00:00Z'), messageId: 'ask-1@fabrikam.example' }),
    );
    store = await openTestStore('pglite');
    config = outlookTestConfig(emulator);
    const { accountId, secrets } = await connectSeededOutlookAccount(store.db, config, emulator, USER);
    const account = (await findAccount(store.db, accountId))!;
    session = openOutlookSession({
      settings: config.microsoft,
      tokens: secrets.open(account.tokensSealed!),
      address: USER,
      policy: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      gate: UNGATED,
    });
  });
  afterAll(async () => {
    await store.dispose();
    await emulator.close();
  });

  it('a reply draft joins the conversation, is updated, sent, and keeps its id in Sent Items', async () => {
    const draft = await createOutlookReplyDraft(session, received.immutableId, { text: 'Thank you, Tuesday works.' });
    expect(draft).toMatchObject({ isDraft: true, conversationId: received.conversationId });
    const raw = () => emulator.messages(USER).find((m) => m.immutableId === draft.id)!.raw.toString('latin1');
    expect(raw()).toMatch(/In-Reply-To:\s*<ask-1@fabrikam\.example>/i);
    expect(raw()).toMatch(/Subject: RE: Informational interview/i);

    await updateOutlookDraft(session, draft.id, { text: 'Thank you, Wednesday works better.' });
    expect(bodyText(raw())).toBe('Thank you, Wednesday works better.');
    expect(await wasOutlookDraftSent(session, draft)).toBe(false);

    await sendOutlookDraft(session, draft.id);
    const sent = await getOutlookMessage(session, draft.id);
    expect(sent).toMatchObject({ id: draft.id, isDraft: false });
    expect(emulator.messages(USER).find((m) => m.immutableId === draft.id)?.folder).toBe('sentitems');
    // After a crash: the same immutable id, or the Message-ID, says it went out.
    expect(await wasOutlookDraftSent(session, draft)).toBe(true);
    expect(await wasOutlookDraftSent(session, { id: 'AAkALgGone', internetMessageId: draft.internetMessageId })).toBe(true);
  });

  it('a MIME draft keeps its threading headers; a deleted draft is gone, and deleting again is fine', async () => {
    const raw = Buffer.from(
      rawMessage({ from: USER, to: 'ana@fabrikam.example', subject: 'Re: Informational interview', date: new Date('2026-05-31T09:00:00Z'), messageId: 'rapport-1@contoso.example', inReplyTo: 'ask-1@fabrikam.example' }),
    );
    const draft = await createOutlookDraft(session, raw);
    expect(draft.isDraft).toBe(true);
    expect(emulator.messages(USER).find((m) => m.immutableId === draft.id)!.raw.toString('latin1')).toMatch(/In-Reply-To:\s*<ask-1@fabrikam\.example>/i);
    await deleteOutlookDraft(session, draft.id);
    // Graph's DELETE moves a message to Deleted Items (which rapport does not sync).
    const deleted = await getOutlookMessage(session, draft.id);
    expect(deleted === null || emulator.messages(USER).find((m) => m.immutableId === draft.id)?.folder === 'deleteditems').toBe(true);
    await deleteOutlookDraft(session, draft.id);
    expect(await wasOutlookDraftSent(session, draft)).toBe(false);
  });
});
