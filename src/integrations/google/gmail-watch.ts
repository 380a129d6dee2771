import type { GoogleSession } from './google-session.ts';

const WATCH_UNITS = 100;

/**
 * Asks Gmail to publish the mailbox's changes to the Pub/Sub topic; returns when that
 * lapses. Calling it again renews it (Google recommends daily; it lasts 7 days).
 */
export async function renewGmailWatch(session: GoogleSession, topicName: string): Promise<Date> {
  const reply = await session.call(WATCH_UNITS, () =>
    session.gmail.users.watch({ userId: 'me', requestBody: { topicName, labelFilterBehavior: 'INCLUDE', labelIds: ['INBOX', 'SENT'] } }),
  );
  // int64 values come as a string or a number.
  return new Date(Number(reply.expiration ?? Date.now() + 7 * 86_400_000));
}

/** What a Pub/Sub push from Gmail carries: whose mailbox changed, and its new history id. */
export interface GmailPush {
  emailAddress: string;
  historyId: string;
}

/** Reads a Pub/Sub push body; null when it is not a Gmail notification. */
export function readGmailPush(body: unknown): GmailPush | null {
  const data = (body as { message?: { data?: unknown } } | null)?.message?.data;
  if (typeof data !== 'string') return null;
  try {
    const decoded = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as Partial<GmailPush>;
    if (typeof decoded.emailAddress !== 'string') return null;
    return { emailAddress: decoded.emailAddress.toLowerCase(), historyId: String(decoded.historyId ?? '') };
  } catch {
    return null;
  }
}
