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
  };
}
