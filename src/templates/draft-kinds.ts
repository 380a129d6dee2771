/** The drafts rapport writes, one template each. */
export const DRAFT_KINDS = ['outreach_request', 'follow_up', 'thank_you', 'check_in', 'referral_intro'] as const;

export type DraftKind = (typeof DRAFT_KINDS)[number];

export function isDraftKind(value: string): value is DraftKind {
  return (DRAFT_KINDS as readonly string[]).includes(value);
}

/** Dotted paths of the fields a kind may require, as `needs_input` reports them. */
export type RequiredFieldPath =
  | 'user.name'
  | 'user.fieldOfInterest'
  | 'contact.firstName'
  | 'contact.source'
  | 'referrer.name'
  | 'meeting.start'
  | 'takeaway'
  | 'update';

export interface FieldRequirement {
  path: RequiredFieldPath;
  /** Another field that serves the same purpose (a referrer tells how we got the name). */
  orPath?: RequiredFieldPath;
}

/** What stands in the draft for a missing field, so the user sees what to fill in. */
export const PLACEHOLDER_LABELS: Readonly<Record<RequiredFieldPath, string>> = {
  'user.name': 'your name',
  'user.fieldOfInterest': 'the field you are exploring',
  'contact.firstName': 'contact first name',
  'contact.source': 'how you got their name',
  'referrer.name': 'who referred you',
  'meeting.start': 'meeting date',
  takeaway: 'what you took from the conversation',
  update: 'your news since you last spoke',
};

/**
 * The fields without which a kind's draft would be wrong: a greeting with no name, an
 * outreach that does not say how we got the name, a thank-you with nothing specific in it.
 */
export const REQUIRED_FIELDS: Readonly<Record<DraftKind, readonly FieldRequirement[]>> = {
  outreach_request: [
    { path: 'contact.firstName' },
    { path: 'user.name' },
    { path: 'user.fieldOfInterest' },
    { path: 'contact.source', orPath: 'referrer.name' },
  ],
  referral_intro: [
    { path: 'contact.firstName' },
    { path: 'user.name' },
    { path: 'user.fieldOfInterest' },
    { path: 'referrer.name' },
  ],
  follow_up: [{ path: 'contact.firstName' }, { path: 'user.name' }, { path: 'user.fieldOfInterest' }],
  thank_you: [{ path: 'contact.firstName' }, { path: 'user.name' }, { path: 'meeting.start' }, { path: 'takeaway' }],
  check_in: [{ path: 'contact.firstName' }, { path: 'user.name' }, { path: 'update' }],
};
