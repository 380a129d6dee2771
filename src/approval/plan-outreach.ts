/**
 * First requests to people on the user's target list: which template, how many today,
 * and why, in words. Pure.
 */

export interface TargetFacts {
  name: string;
  company: string | null;
  source: string | null;
  referrer: string | null;
  importFile: string;
  importLine: number;
}

/** Someone who gave the user the name is the reason to write: the referral intro says so first. */
export function outreachKind(target: Pick<TargetFacts, 'referrer'>): 'outreach_request' | 'referral_intro' {
  return target.referrer?.trim() ? 'referral_intro' : 'outreach_request';
}

/** How many more requests may be drafted today, when `draftedToday` already were. */
export function outreachRoomToday(draftedToday: number, perDay: number): number {
  return Math.max(0, perDay - draftedToday);
}

/** `outreach_request:<contact>` or `referral_intro:<contact>`: one first request per person. */
export function outreachKey(kind: 'outreach_request' | 'referral_intro', contactId: number): string {
  return `${kind}:${contactId}`;
}

/** "On your target list (targets.csv, line 4): Jane Doe at Acme; Sam Lee gave you the name." */
export function outreachReason(target: TargetFacts): string {
  const at = target.company ? ` at ${target.company}` : '';
  const how = target.referrer?.trim()
    ? `; ${target.referrer.trim()} gave you the name`
    : target.source?.trim()
      ? `; you found them through ${target.source.trim()}`
      : '';
  return `On your target list (${target.importFile}, line ${target.importLine}): ${target.name}${at}${how}.`;
}
