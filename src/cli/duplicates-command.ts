import type { Config } from '../config/load-config.ts';
import { openApp } from '../main.ts';
import { listDuplicateGroups, type DuplicateGroup } from '../store/possible-duplicates.ts';
import { formatTable, toJson } from './format.ts';

/**
 * `rapport duplicates [--json]`: contacts that may be one person (the same full name, or
 * addresses that differ only in punctuation), each group with the `rapport merge` that
 * joins it into its most active contact. It changes nothing.
 */
export async function duplicatesCommand(config: Config, json: boolean): Promise<void> {
  const app = await openApp(config);
  try {
    const groups = await listDuplicateGroups(app.db);
    process.stdout.write(json ? toJson(groups.map(groupJson)) + '\n' : formatGroups(groups));
  } finally {
    await app.close();
  }
}

/** The JSON shape of a group: the contact to keep first, why they look alike, the merges to run. */
function groupJson(g: DuplicateGroup) {
  const [kept, ...others] = g.contacts;
  return {
    reasons: g.reasons,
    contacts: g.contacts.map((c) => ({ id: c.id, name: c.name, addresses: c.addresses, interactionCount: c.interactionCount })),
    merge: others.map((o) => `rapport merge ${kept!.id} ${o.id}`),
  };
}

function formatGroups(groups: readonly DuplicateGroup[]): string {
  if (groups.length === 0) return 'No two contacts look like one person.\n';
  const rows = groups.flatMap((g, i) => g.contacts.map((c, j) => [
    j === 0 ? String(i + 1) : '', String(c.id), c.name ?? '', c.addresses.join(', '), String(c.interactionCount),
    j === 0 ? g.reasons.join(', ') : `rapport merge ${g.contacts[0]!.id} ${c.id}`,
  ]));
  const contacts = groups.reduce((n, g) => n + g.contacts.length, 0);
  return formatTable(['GROUP', 'ID', 'NAME', 'ADDRESSES', 'INTERACTIONS', 'WHY / TO MERGE'], rows) + '\n' +
    `\n${groups.length} group${groups.length === 1 ? '' : 's'} of ${contacts} contacts that may be one person. ` +
    'Run the merge shown to join a contact into the first of its group; nothing changes until you do.\n';
}
