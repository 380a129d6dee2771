/**
 * What the delivery tests share: an inbound message to answer, an approved reply draft,
 * and the copies of a draft in the emulated mailbox.
 */
import { approveDraft } from '../../src/approval/approval-actions.ts';
import type { Database } from '../../src/store/database.ts';
import { createDraft, getDraft, type DeliveryMode, type DraftRecord } from '../../src/store/draft-repository.ts';
import type { ScheduleDelivery } from '../../src/workers/deliver-service.ts';
import type { EmulatedMessage, GoogleEmulator } from '../emulators/google/index.ts';
import { rawMessage } from './google.ts';

export const USER = 'alex.student@university.example';
export const CONTACT = 'jane.doe@firm.example';

/** A message from the contact in the user's inbox, in a thread of its own: what the draft answers. */
export interface Inbound {
  rfcMessageId: string;
  subject: string;
  threadId: string;
}

export function receiveInbound(emulator: GoogleEmulator, key: string, user = USER): Inbound {
  const rfcMessageId = `CAJane-${key}@mail.firm.example`;
  const subject = `Coffee chat (${key})`;
  const { threadId } = emulator.insertMessage(
    user,
    rawMessage({ from: `Jane Doe <${CONTACT}>`, to: user, subject, date: new Date(Date.now() - 3_600_000), messageId: rfcMessageId }),
    { labelIds: ['INBOX'] },
  );
  return { rfcMessageId, subject, threadId };
}

/** A thank-you answering `inbound`, approved by the user as they would from the page or the CLI. */
export async function approvedReply(
  db: Database,
  schedule: ScheduleDelivery,
  options: { key: string; accountId: number; inbound: Inbound; mode?: DeliveryMode; toAddress?: string; at?: Date },
): Promise<DraftRecord> {
  const { draft } = await createDraft(db, {
    kind: 'thank_you',
    accountId: options.accountId,
    toAddress: options.toAddress ?? CONTACT,
    toName: 'Jane Doe',
    subject: `Re: ${options.inbound.subject}`,
    body: 'Hi Jane,\n\nThank you for your time today.\n\nAlex\n',
    html: '<p>Hi Jane,</p><p>Thank you for your time today.</p><p>Alex</p>',
    idempotencyKey: `thank_you:${options.key}`,
    inReplyTo: options.inbound.rfcMessageId,
    references: [options.inbound.rfcMessageId],
    providerThreadId: options.inbound.threadId,
  });
  return approveDraft({ db, scheduleDelivery: schedule }, draft.id, { mode: options.mode ?? 'send', at: options.at ?? null });
}

/** A scheduler for tests that run the processor themselves: nothing is queued. */
export const NO_QUEUE: ScheduleDelivery = async () => undefined;

/** The messages of the mailbox that carry this Message-ID. */
export function copiesOf(emulator: GoogleEmulator, rfcMessageId: string | null, user = USER): EmulatedMessage[] {
  if (!rfcMessageId) return [];
  return emulator.messages(user).filter((m) => messageIdOf(m) === rfcMessageId);
}

export function sentCopiesOf(emulator: GoogleEmulator, rfcMessageId: string | null, user = USER): EmulatedMessage[] {
  return copiesOf(emulator, rfcMessageId, user).filter((m) => m.labelIds.includes('SENT'));
}

function messageIdOf(m: EmulatedMessage): string | null {
  return /^Message-ID:\s*<([^>]+)>/im.exec(m.raw.toString('latin1'))?.[1] ?? null;
}

export async function draftNow(db: Database, id: number): Promise<DraftRecord> {
  const draft = await getDraft(db, id);
  if (!draft) throw new Error(`draft ${id} is gone`);
  return draft;
}
