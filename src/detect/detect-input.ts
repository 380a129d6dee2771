import type { DetectInput } from '../core/detection.ts';
import type { ParsedMessage } from '../core/types.ts';

const REPLY_PREFIX = /^\s*(re|aw|sv|antw|odp|r)\s*(\[\d+\]|\(\d+\))?\s*:/i;
const FORWARD_PREFIX = /^\s*(fw|fwd|wg|tr|pd)\s*:/i;

/** What the classifier needs from a parsed message. */
export function detectInputOf(message: ParsedMessage, isBulk: boolean): DetectInput {
  return {
    subject: message.subject,
    text: message.text,
    isReply: message.inReplyTo.length > 0 || REPLY_PREFIX.test(message.subject),
    recipientCount: message.to.length + message.cc.length,
    isBulk: isBulk || isSentToSelfOnly(message),
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

/**
 * A first message whose only visible recipient is its sender went to a hidden list (Bcc),
 * which is how announcements go out; a reply, or a forward kept for oneself, is not that.
 */
function isSentToSelfOnly(message: ParsedMessage): boolean {
  const recipients = [...message.to, ...message.cc];
  if (!message.from || recipients.length !== 1 || message.inReplyTo.length > 0 || REPLY_PREFIX.test(message.subject) || FORWARD_PREFIX.test(message.subject)) {
    return false;
  }
  return recipients[0]!.address.toLowerCase() === message.from.address.toLowerCase();
}
