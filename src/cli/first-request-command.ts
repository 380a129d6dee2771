import type { Config } from '../config/load-config.ts';
import { missingFieldLabel } from '../http/unfilled-placeholders.ts';
import { openApp } from '../main.ts';
import { findContact } from '../store/contact-queries.ts';
import { rendererForConfig } from '../templates/index.ts';
import { joinNames } from '../templates/person-name.ts';
import { draftFirstRequest } from '../workers/planner-first-request.ts';

/**
 * `rapport request CONTACT`: drafts a first request to meet someone the user has not
 * written to (naming who referred them, when someone did), as the button on their page
 * does. Asked again, it shows the draft there is.
 */
export async function firstRequestCommand(config: Config, query: string): Promise<void> {
  const app = await openApp(config);
  try {
    const contact = await findContact(app.db, query);
    const renderer = rendererForConfig(config);
    const { draft, created } = await draftFirstRequest({ config, renderer, now: () => new Date() }, app.db, contact.id);
    const who = `${draft.toName ? `${draft.toName} ` : ''}<${draft.toAddress}>`;
    const lines = [created ? `Drafted a first request to ${who}: draft ${draft.id}, “${draft.subject}”.` : `There is a first request to ${who} already: draft ${draft.id} (${draft.status}).`];
    if (draft.status === 'needs_input') {
      lines.push(`It needs ${joinNames(draft.missingFields.map(missingFieldLabel))}: \`rapport fill ${draft.id}\` says how to give it.`);
    } else if (draft.status === 'pending') {
      lines.push(`Read it with \`rapport drafts --json\` or on the page; \`rapport approve ${draft.id}\` sends it.`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await app.close();
  }
}
