import path from 'node:path';
import { parseTargetsCsv, type TargetProblem, type TargetRow } from '../approval/plan-targets-csv.ts';
import type { Config } from '../config/load-config.ts';
import type { CompanyRef } from '../core/types.ts';
import { companyFromAddress, DEFAULT_FREE_MAIL_DOMAINS } from '../ingest/company-from-domain.ts';
import { countNames, upsertContacts } from '../store/contact-repository.ts';
import type { Database } from '../store/database.ts';
import { addTarget, knownTargetEmails } from '../store/planner-target-queries.ts';

/** What importing a target list did. */
export interface TargetImportReport {
  /** Rows that could be read. */
  read: number;
  /** New people on the target list. */
  added: number;
  /** People already on it (imported before). */
  known: number;
  /** Rows that could not be used, with their line numbers. */
  problems: TargetProblem[];
}

/**
 * Puts the people of a target list (see src/approval/plan-targets-csv.ts for the format)
 * on the list: each becomes a contact, with their company when their address is a work
 * one, and a `queued` target that the planner drafts a request for on its day. Importing
 * the same list again adds nothing.
 */
export async function importTargets(
  deps: { db: Database; config: Config },
  file: string,
  text: string,
): Promise<TargetImportReport> {
  const parsed = parseTargetsCsv(text);
  const known = await knownTargetEmails(deps.db, parsed.rows.map((r) => r.email));
  const fresh = parsed.rows.filter((r) => !known.has(r.email));
  const freeMail = [...DEFAULT_FREE_MAIL_DOMAINS, ...deps.config.contacts.extraFreeMailDomains];
  const added = await deps.db.transaction(async (tx) => {
    const ids = await upsertContacts(
      tx,
      fresh.map((r) => ({ address: r.email, name: r.name, company: companyOf(r, freeMail) })),
    );
    const named: { contactId: number; name: string }[] = [];
    for (const row of fresh) {
      const contactId = ids.get(row.email)!;
      const isNew = await addTarget(tx, {
        contactId, email: row.email, name: row.name, company: row.company, title: row.title, source: row.source,
        referrer: row.referrer, field: row.field, importFile: path.basename(file), importLine: row.line,
      });
      if (isNew) named.push({ contactId, name: row.name });
    }
    await countNames(tx, named);
    return named.length;
  });
  return { read: parsed.rows.length, added, known: parsed.rows.length - added, problems: parsed.problems };
}

/** The company of a work address, named as the user wrote it when they did. */
function companyOf(row: TargetRow, freeMail: readonly string[]): CompanyRef | null {
  const fromDomain = companyFromAddress(row.email, freeMail);
  if (!fromDomain) return null;
  return row.company ? { domain: fromDomain.domain, name: row.company } : fromDomain;
}
