import type { DetectInput } from '../core/detection.ts';
import type { ParsedMessage } from '../core/types.ts';

const REPLY_PREFIX = /^\s*(re|aw|sv|antw|odp|r)\s*(\[\d+\]|\(\d+\))?\s*:/i;

/** What the classifier needs from a parsed message. */
export function detectInputOf(message: ParsedMessage, isBulk: boolean): DetectInput {
  return {
    subject: message.subject,
    text: message.text,
    isReply: message.inReplyTo.length > 0 || REPLY_PREFIX.test(message.subject),
    recipientCount: message.to.length + message.cc.length,
    isBulk,
    hasCalendar: message.calendarParts.length > 0,
    isInternal: isInternal(message),
  };
}

function isInternal(message: ParsedMessage): boolean {
  const domainOf = (address: string) => address.split('@')[1]?.split('.').slice(-2).join('.') ?? '';
  const recipients = [...message.to, ...message.cc];
  if (!message.from || recipients.length === 0) return false;
  const home = domainOf(message.from.address);
  return recipients.every((r) => domainOf(r.address) === home);
}
