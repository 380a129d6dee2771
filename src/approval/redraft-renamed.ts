import type { Queryable } from '../store/database.ts';
import { openDraftsNaming, rewriteUnchangedDraft, type DraftRecord } from '../store/draft-repository.ts';
import { loadContactProfile } from '../store/planner-contact-queries.ts';
import type { DraftFields, DraftRenderer } from '../templates/index.ts';
import { readableName } from './plan-fields.ts';
import { fieldsOfUntouchedDraft, renderIfValid } from './stored-draft.ts';

export interface RedraftDeps {
  db: Queryable;
  renderer: DraftRenderer;
}

/**
 * After the user corrects a contact's name, title or how they got their name, writes
 * again the drafts still waiting that name them: the greeting, the To name and the reason
 * of drafts to them, and the referrer's name in drafts to the people they referred. A
 * draft is rewritten only while its text is what rapport rendered, so words the user
 * typed are never replaced; one that had waited only for their name (or for how the user
 * got it) becomes ready to approve. Returns how many drafts changed. Running it again
 * changes nothing more.
 */
export async function redraftRenamedContact(deps: RedraftDeps, contactId: number): Promise<number> {
  let changed = 0;
  for (const draft of await openDraftsNaming(deps.db, contactId)) {
    if (await redraft(deps, draft)) changed += 1;
  }
  return changed;
}

async function redraft(deps: RedraftDeps, draft: DraftRecord): Promise<boolean> {
  const was = fieldsOfUntouchedDraft(deps.renderer, draft);
  if (!was || draft.contactId === null) return false;
  const profile = await loadContactProfile(deps.db, draft.contactId);
  if (!profile) return false;
  const name = readableName(profile.name);
  const next: DraftFields = {
    ...was,
    contact: { ...was.contact, fullName: name, title: profile.title, source: profile.source },
    // Only drafts that mention a referrer name one (the planner's rule).
    ...(was.referrer && profile.referrerName ? { referrer: { name: profile.referrerName } } : {}),
  };
  const after = renderIfValid(deps.renderer, draft, next);
  if (!after || (after.draft.subject === draft.subject && after.draft.text === draft.body)) return false;
  const missing = after.status === 'needs_input' ? after.missing : [];
  if (missing.length > 0 && draft.status !== 'needs_input') return false;
  const rewritten = await rewriteUnchangedDraft(deps.db, draft.id, { subject: draft.subject, body: draft.body }, {
    subject: after.draft.subject,
    body: after.draft.text,
    html: after.draft.html,
    missingFields: missing,
    fields: { ...next },
    toName: draft.toName === was.contact.fullName ? name : draft.toName,
    reason: renamedIn(renamedIn(draft.reason, was.contact.fullName, name), was.referrer?.name, next.referrer?.name),
  });
  return rewritten !== null;
}

/** `text` with one person's old name replaced by the new one, where it names them. */
function renamedIn(text: string, before: string | null | undefined, after: string | null | undefined): string {
  return before && after && before !== after ? text.split(before).join(after) : text;
}
