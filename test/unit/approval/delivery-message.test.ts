import { describe, expect, it } from 'vitest';
import { outgoingMessageOf } from '../../../src/approval/delivery-message.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { composeMessage } from '../../../src/delivery/compose-message.ts';
import type { DraftRecord } from '../../../src/store/draft-repository.ts';

const AT = new Date('2026-06-01T12:00:00Z');

function draft(overrides: Partial<DraftRecord> = {}): DraftRecord {
  return {
    id: 7, kind: 'thank_you', status: 'delivering', contactId: 1, threadId: 2, meetingId: 3, accountId: 1,
    toAddress: 'jane.doe@firm.example', toName: 'Jane Doe', subject: 'Re: Coffee chat', body: 'Hi Jane,\n\nThank you.\n',
    html: '<p>Hi Jane,</p><p>Thank you.</p>', missingFields: [], fields: null, reason: '', followUpNumber: null,
    dueAt: null, sendAt: null, snoozedUntil: null, remindedAt: null, deliveryMode: 'send', idempotencyKey: 'thank_you:3',
    rfcMessageId: 'rapport.0123abcd@university.example', inReplyTo: 'CAJane1@mail.firm.example',
    references: ['CAAlex0@mail.gmail.com', 'CAJane1@mail.firm.example'], providerThreadId: '18f00001', providerId: null,
    lastError: null, createdAt: AT, updatedAt: AT, deliveredAt: null, ...overrides,
  };
}

const SENDER = { address: 'alex.student@university.example', name: 'Alex Student' };

describe('the message a draft becomes', () => {
  it('goes from the account with the user’s name, to the recipient, threaded under the answered message', () => {
    const raw = composeMessage(outgoingMessageOf(draft(), SENDER, AT)).toString('utf8');
    expect(raw).toContain('From: Alex Student <alex.student@university.example>');
    expect(raw).toContain('To: Jane Doe <jane.doe@firm.example>');
    expect(raw).toContain('Subject: Re: Coffee chat');
    expect(raw).toContain('Message-ID: <rapport.0123abcd@university.example>');
    expect(raw).toContain('In-Reply-To: <CAJane1@mail.firm.example>');
    expect(raw).toContain('References: <CAAlex0@mail.gmail.com> <CAJane1@mail.firm.example>');
    expect(raw).toContain('multipart/alternative');
  });

  it('without a configured name, From is the bare address; without HTML, the body is plain text', () => {
    const message = outgoingMessageOf(draft({ html: null, inReplyTo: null, references: [] }), { ...SENDER, name: '  ' }, AT);
    const raw = composeMessage(message).toString('utf8');
    expect(raw).toContain('From: alex.student@university.example\r\n');
    expect(raw).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(raw).not.toContain('In-Reply-To');
  });

  it('a draft without a recipient or without its own Message-ID cannot become a message', () => {
    expect(() => outgoingMessageOf(draft({ toAddress: null }), SENDER)).toThrow(InvalidInputError);
    expect(() => outgoingMessageOf(draft({ toAddress: null }), SENDER)).toThrow(/edit it to add one/);
    expect(() => outgoingMessageOf(draft({ rfcMessageId: null }), SENDER)).toThrow(InvalidInputError);
  });

  it('a recipient name or subject with line breaks cannot add a header', () => {
    const raw = composeMessage(
      outgoingMessageOf(draft({ toName: 'Jane\r\nBcc: evil@example.com', subject: 'Hi\r\nBcc: evil@example.com' }), SENDER, AT),
    ).toString('utf8');
    expect(raw).not.toMatch(/^Bcc:/m);
  });
});
