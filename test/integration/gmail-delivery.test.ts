import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderBusyError } from '../../src/core/errors.ts';
import { OPEN_GATE } from '../../src/core/quota.ts';
import { composeMessage, newMessageId } from '../../src/delivery/compose-message.ts';
import {
  createGmailDraft,
  deleteGmailDraft,
  findGmailMessageByRfcId,
  getGmailDraft,
  replyContext,
  sendGmailDraft,
  sendGmailMessage,
  updateGmailDraft,
} from '../../src/integrations/google/gmail-delivery.ts';
import { DEFAULT_CALL_POLICY } from '../../src/integrations/google/google-call.ts';
import { openGoogleSession, type GoogleSession } from '../../src/integrations/google/google-session.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';

const USER = 'alex.student@university.example';
const ANA = 'ana@example.org';

/** An incoming message the tests answer, in a thread of its own. */
function incoming(messageId: string, subject: string): string {
  return [
    `From: Ana Ruiz <${ANA}>`,
    `To: Alex Student <${USER}>`,
    `Subject: ${subject}`,
    'Date: Mon, 03 Jun 2024 09:00:00 +0000',
    `Message-ID: <${messageId}>`,
    'References: <CAE999@mail.example.org>',
    'In-Reply-To: <CAE999@mail.example.org>',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Would you have time for a coffee chat next week?',
  ].join('\r\n');
}

describe('Gmail drafts and sending through the emulator', () => {
  let emulator: GoogleEmulator;
  let session: GoogleSession;

  beforeAll(async () => {
    // Quota off: the session's gate is open, and the tests inject rate limits themselves.
    emulator = await startGoogleEmulator({ unitsPerSecond: null });
    emulator.addUser(USER);
    session = openGoogleSession({
      settings: { clientId: 'rapport-test', clientSecret: 'rapport-test-secret', apiUrl: emulator.url },
      tokens: { refresh_token: emulator.issueRefreshToken(USER) },
      address: USER,
      policy: { ...DEFAULT_CALL_POLICY, baseDelayMs: 5, gate: OPEN_GATE },
    });
  });
  afterEach(() => emulator.clearFaults());
  afterAll(async () => {
    await emulator.close();
  });

  /** A reply to a new incoming message, composed from what Gmail tells about it. */
  async function replyTo(rfcId: string, subject: string, text = 'Thursday at 10 works for me.') {
    const answered = emulator.insertMessage(USER, incoming(rfcId, subject));
    const context = await replyContext(session, answered.id);
    const messageId = newMessageId(USER);
    const compose = (body: string) =>
      composeMessage({
        from: { address: USER, name: 'Alex Student' },
        to: context.replyTo.map((address) => ({ address, name: 'Ana Ruiz' })),
        subject: `Re: ${context.subject}`,
        text: body,
        messageId,
        inReplyTo: context.messageId,
        references: context.references,
      });
    return { answered, context, messageId, raw: compose(text), compose };
  }

  const thread = (threadId: string) => emulator.messages(USER).filter((m) => m.threadId === threadId);
  const sendsLogged = (suffix: string) => emulator.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith(suffix)).length;

  it('reads what a reply needs from the answered message', async () => {
    const { answered, context } = await replyTo('CAF100@mail.example.org', 'Coffee chat?');
    expect(context).toEqual({
      messageId: 'CAF100@mail.example.org',
      references: ['CAE999@mail.example.org'],
      subject: 'Coffee chat?',
      threadId: answered.threadId,
      replyTo: [ANA],
    });
  });

  it('answers Reply-To over From, and takes a lone In-Reply-To as the References', async () => {
    const raw = [
      'From: "Ruiz, Ana" <ana@example.org>',
      'Reply-To: Career Office <careers@example.org>, jobs@example.org',
      `To: ${USER}`,
      'Subject: =?UTF-8?B?Q2Fmw6k/?=',
      'Message-ID: <CAF200@mail.example.org>',
      'In-Reply-To: <CAE200@mail.example.org>',
      '',
      'Hello',
    ].join('\r\n');
    const answered = emulator.insertMessage(USER, raw);
    expect(await replyContext(session, answered.id)).toEqual({
      messageId: 'CAF200@mail.example.org',
      references: ['CAE200@mail.example.org'],
      subject: 'Café?',
      threadId: answered.threadId,
      replyTo: ['careers@example.org', 'jobs@example.org'],
    });
  });

  it('puts a reply draft in the answered thread, updates it, and sends it once', async () => {
    const { answered, messageId, raw, compose } = await replyTo('CAF101@mail.example.org', 'Coffee chat?');

    const draft = await createGmailDraft(session, raw, answered.threadId);
    expect(draft.threadId).toBe(answered.threadId);
    expect(thread(answered.threadId).find((m) => m.id === draft.messageId)?.labelIds).toContain('DRAFT');
    expect(await getGmailDraft(session, draft.draftId)).toEqual(draft);

    const updated = await updateGmailDraft(session, draft.draftId, compose('Thursday at 11 works better.'), answered.threadId);
    expect(updated.draftId).toBe(draft.draftId);
    expect(updated.messageId).not.toBe(draft.messageId);
    expect(updated.threadId).toBe(answered.threadId);
    expect(emulator.messages(USER).some((m) => m.id === draft.messageId)).toBe(false);

    const sent = await sendGmailDraft(session, draft.draftId);
    expect(sent.threadId).toBe(answered.threadId);
    const sentInThread = thread(answered.threadId).filter((m) => m.labelIds.includes('SENT'));
    expect(sentInThread).toHaveLength(1);
    expect(thread(answered.threadId).some((m) => m.labelIds.includes('DRAFT'))).toBe(false);
    const mail = await simpleParser(sentInThread[0]!.raw);
    expect(mail.messageId).toBe(`<${messageId}>`);
    expect(mail.inReplyTo).toBe('<CAF101@mail.example.org>');
    expect(mail.text?.trim()).toBe('Thursday at 11 works better.');
    expect(await getGmailDraft(session, draft.draftId)).toBeNull();

    const found = await findGmailMessageByRfcId(session, messageId);
    expect(found).toEqual({ id: sent.messageId, threadId: answered.threadId, labelIds: expect.arrayContaining(['SENT']) });
    expect(await findGmailMessageByRfcId(session, `<${messageId}>`)).toEqual(found);
  });

  it('finds a draft by its Message-ID until it is sent, and nothing for an unknown id', async () => {
    const { answered, messageId, raw } = await replyTo('CAF102@mail.example.org', 'Next steps');
    await createGmailDraft(session, raw, answered.threadId);
    expect((await findGmailMessageByRfcId(session, messageId))?.labelIds).toContain('DRAFT');
    expect(await findGmailMessageByRfcId(session, newMessageId(USER))).toBeNull();
  });

  it('deletes a draft, and deleting it again is fine', async () => {
    const { answered, raw } = await replyTo('CAF103@mail.example.org', 'Résumé feedback');
    const draft = await createGmailDraft(session, raw, answered.threadId);
    await deleteGmailDraft(session, draft.draftId);
    await deleteGmailDraft(session, draft.draftId);
    expect(await getGmailDraft(session, draft.draftId)).toBeNull();
    expect(emulator.messages(USER).some((m) => m.id === draft.messageId)).toBe(false);
  });

  it('sends a reply directly into the thread', async () => {
    const { answered, messageId, raw } = await replyTo('CAF104@mail.example.org', 'Thank you!');
    const sent = await sendGmailMessage(session, raw, answered.threadId);
    expect(sent.threadId).toBe(answered.threadId);
    expect((await findGmailMessageByRfcId(session, messageId))?.id).toBe(sent.messageId);
  });

  it('makes one send attempt under a 500 and reports a busy provider; the caller checks before resending', async () => {
    const { answered, messageId, raw } = await replyTo('CAF105@mail.example.org', 'Coffee chat?');
    emulator.addFault({ match: /^POST .*\/messages\/send$/, kind: '500' });
    const before = sendsLogged('/messages/send');
    const failure = await sendGmailMessage(session, raw, answered.threadId).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ProviderBusyError);
    expect((failure as ProviderBusyError).status).toBe(500);
    expect(sendsLogged('/messages/send') - before).toBe(1);

    emulator.clearFaults();
    expect(await findGmailMessageByRfcId(session, messageId)).toBeNull();
    await sendGmailMessage(session, raw, answered.threadId);
    expect(thread(answered.threadId).filter((m) => m.labelIds.includes('SENT'))).toHaveLength(1);
  });

  it('makes one drafts.send attempt under a 503 or a dropped connection', async () => {
    const { answered, raw } = await replyTo('CAF106@mail.example.org', 'Coffee chat?');
    const draft = await createGmailDraft(session, raw, answered.threadId);
    for (const kind of ['503', 'drop'] as const) {
      emulator.addFault({ match: /^POST .*\/drafts\/send$/, kind });
      const before = sendsLogged('/drafts/send');
      await expect(sendGmailDraft(session, draft.draftId)).rejects.toBeInstanceOf(ProviderBusyError);
      expect(sendsLogged('/drafts/send') - before).toBe(1);
      emulator.clearFaults();
    }
    expect(thread(answered.threadId).some((m) => m.labelIds.includes('SENT'))).toBe(false);
  });

  it('still retries calls that are safe to repeat, such as creating a draft', async () => {
    const { answered, raw } = await replyTo('CAF107@mail.example.org', 'Coffee chat?');
    emulator.addFault({ match: /^POST .*\/drafts$/, kind: '500', count: 1 });
    const before = sendsLogged('/drafts');
    const draft = await createGmailDraft(session, raw, answered.threadId);
    expect(sendsLogged('/drafts') - before).toBe(2);
    expect(draft.threadId).toBe(answered.threadId);
  });

  it('retries a send Google turned away with a rate limit, since it was not sent', async () => {
    const { answered, raw } = await replyTo('CAF109@mail.example.org', 'Coffee chat?');
    emulator.addFault({ match: /^POST .*\/messages\/send$/, kind: '429', retryAfterSeconds: 0, count: 1 });
    const before = sendsLogged('/messages/send');
    await sendGmailMessage(session, raw, answered.threadId);
    expect(sendsLogged('/messages/send') - before).toBe(2);
    expect(thread(answered.threadId).filter((m) => m.labelIds.includes('SENT'))).toHaveLength(1);
  });

  it('refreshes an expired access token and sends once when Gmail refuses the old one', async () => {
    const { answered, messageId, raw } = await replyTo('CAF108@mail.example.org', 'Coffee chat?');
    emulator.advanceClock(2 * 3_600_000);
    const logged = emulator.requestLog.length;
    const sent = await sendGmailMessage(session, raw, answered.threadId);
    const sends = emulator.requestLog.slice(logged).filter((r) => r.path.endsWith('/messages/send'));
    expect(sends.map((r) => r.status)).toEqual([401, 200]);
    expect((await findGmailMessageByRfcId(session, messageId))?.id).toBe(sent.messageId);
    expect(thread(answered.threadId).filter((m) => m.labelIds.includes('SENT'))).toHaveLength(1);
  });
});
