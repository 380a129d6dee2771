import fs from 'node:fs';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { openApp } from '../main.ts';
import { exportContacts, loadContactLog, type ExportFormat } from '../store/contact-export.ts';
import { contactTimeline, findContact, listContacts } from '../store/contact-queries.ts';
import { listMeetings } from '../store/meeting-queries.ts';
import { formatDay, formatTable, formatTime, toJson } from './format.ts';

/** `rapport contacts [--json]`. */
export async function contactsCommand(config: Config, json: boolean): Promise<void> {
  await withApp(config, async (app) => {
    const contacts = await listContacts(app.db);
    if (json) return print(toJson({ contacts }));
    print(
      formatTable(
        ['ID', 'NAME', 'EMAIL', 'COMPANY', 'FIRST', 'LAST', 'COUNT', 'REFERRED BY'],
        contacts.map((c) => [
          String(c.id), c.name ?? '', c.addresses.join(', '), c.company ?? '',
          formatDay(c.firstContactAt), formatDay(c.lastContactAt), String(c.interactionCount), c.referredBy ?? '',
        ]),
      ),
    );
    print(`${contacts.length} contacts`);
  });
}

/** `rapport log CONTACT [--json]`. */
export async function logCommand(config: Config, query: string, json: boolean): Promise<void> {
  await withApp(config, async (app) => {
    const contact = await findContact(app.db, query);
    const timeline = await contactTimeline(app.db, contact.id);
    if (json) return print(toJson({ contact, interactions: timeline }));
    const who = `${contact.name ?? contact.addresses[0]} <${contact.addresses.join(', ')}>`;
    print(`${who}${contact.company ? `, ${contact.company}` : ''}`);
    print(
      formatTable(
        ['WHEN', 'KIND', 'STATE', 'LABELS', 'SUMMARY'],
        timeline.map((t) => [
          formatTime(t.at), t.kind, t.threadState ?? (t.meetingStatus ?? ''), t.labels.join(','), t.summary,
        ]),
      ),
    );
  });
}

/** `rapport meetings [--json]`. */
export async function meetingsCommand(config: Config, json: boolean): Promise<void> {
  await withApp(config, async (app) => {
    const meetings = await listMeetings(app.db);
    if (json) return print(toJson({ meetings }));
    print(
      formatTable(
        ['START', 'STATUS', 'TITLE', 'WITH'],
        meetings.map((m) => [
          m.allDay ? formatDay(m.startAt) : formatTime(m.startAt), m.status, m.summary,
          m.attendees.map((a) => a.name ?? a.address).join(', '),
        ]),
      ),
    );
  });
}

/** `rapport export --format csv|json|vcf [--out FILE]`. */
export async function exportCommand(config: Config, format: ExportFormat, out: string | undefined): Promise<void> {
  await withApp(config, async (app) => {
    const contacts = await loadContactLog(app.db);
    const text = exportContacts(format, contacts);
    if (out) {
      try {
        fs.writeFileSync(out, text);
      } catch (err) {
        throw new InvalidInputError(`Cannot write ${out}: ${(err as Error).message}`, { cause: err });
      }
      process.stderr.write(`Wrote ${contacts.length} contacts to ${out}\n`);
    } else {
      process.stdout.write(text);
    }
  });
}

async function withApp(config: Config, work: (app: Awaited<ReturnType<typeof openApp>>) => Promise<void>) {
  const app = await openApp(config);
  try {
    await work(app);
  } finally {
    await app.close();
  }
}

function print(text: string): void {
  process.stdout.write(text + '\n');
}
