/**
 * `rapport drafts`, `approve`, `reject` and `edit`: the approval queue from a terminal,
 * through the same actions as the web page.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { approveDraft, editDraft, rejectDraft, type ApprovalDeps } from '../approval/approval-actions.ts';
import { canMove, DRAFT_STATUSES, type DraftStatus } from '../approval/draft-lifecycle.ts';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { formatLocalTime, parseLocalTime } from '../http/local-time.ts';
import { missingFieldLabel, requirePlaceholdersFilled } from '../http/unfilled-placeholders.ts';
import { openApp, openQueueApp } from '../main.ts';
import { getDraft, listDrafts, type DraftRecord } from '../store/draft-repository.ts';
import { scheduleDelivery } from '../workers/deliver-service.ts';
import { openQueue } from '../workers/queues.ts';
import { formatTable, toJson } from './format.ts';

/** What `rapport drafts` lists without `--status`: everything not finished. */
const UNFINISHED: readonly DraftStatus[] = ['needs_input', 'pending', 'approved', 'delivering'];

/** `rapport drafts [--json] [--status S]...`: `S` repeated or comma separated, or `all`. */
export async function draftsCommand(config: Config, options: { json: boolean; status: string[] }): Promise<void> {
  const statuses = parseStatuses(options.status);
  await withApp(config, async (app) => {
    const drafts = await listDrafts(app.db, statuses);
    if (options.json) return print(toJson({ drafts: drafts.map(draftJson) }));
    const zone = config.user.timeZone;
    print(formatTable(
      ['ID', 'KIND', 'TO', 'STATUS', 'DUE', 'SUBJECT', 'WHY'],
      drafts.map((d) => [
        String(d.id), d.kind, oneLine(recipient(d), 40), statusText(d, zone), formatLocalTime(d.dueAt, zone),
        oneLine(d.subject, 60), oneLine(d.reason, 70),
      ]),
    ));
    const waiting = drafts.filter((d) => d.status === 'needs_input').length;
    if (waiting > 0) print(`${waiting === 1 ? '1 waits' : `${waiting} wait`} for input: \`rapport fill ID\` says what, and fills it in.`);
    const hint = options.status.length === 0 ? ' (--status all shows sent, rejected and superseded ones too)' : '';
    print(`${drafts.length} draft${drafts.length === 1 ? '' : 's'}; times in ${zone}${hint}`);
  });
}

/** `rapport approve ID [--send|--to-mailbox] [--at TIME]`. */
export async function approveCommand(config: Config, idText: string, options: { send?: boolean; toMailbox?: boolean; at?: string }): Promise<void> {
  const id = parseDraftId(idText);
  if (options.send && options.toMailbox) throw new InvalidInputError('Choose one of --send and --to-mailbox.');
  if (options.at && options.toMailbox) throw new InvalidInputError('--at applies to --send only: a draft in your mailbox goes out when you send it.');
  const zone = config.user.timeZone;
  const at = options.at === undefined ? null : parseLocalTime(options.at, zone);
  if (options.at !== undefined && !at) {
    throw new InvalidInputError(`--at takes an ISO 8601 time (2026-03-06T09:00:00Z) or "YYYY-MM-DD HH:MM" in your time zone (${zone}); got "${options.at}".`);
  }
  const app = await openQueueApp(config);
  const queue = openQueue('deliver', app.redis, config.queuePrefix);
  try {
    const draft = await approveDraft(
      { db: app.db, scheduleDelivery: scheduleDelivery(queue) },
      id,
      { mode: options.toMailbox ? 'mailbox' : 'send', at },
    );
    const what = `Approved draft ${id} (${draft.kind} to ${recipient(draft)})`;
    if (draft.deliveryMode === 'mailbox') print(`${what}: it goes to your mailbox's Drafts folder; send it from there.`);
    else if (draft.sendAt) print(`${what}: it will be sent at ${formatLocalTime(draft.sendAt, zone)} (${zone}).`);
    else print(`${what}: queued to be sent now.`);
    print('Delivery runs in `rapport start`; keep it running.');
  } finally {
    await queue.close();
    await app.close();
  }
}

/** `rapport reject ID`. */
export async function rejectCommand(config: Config, idText: string): Promise<void> {
  const id = parseDraftId(idText);
  await withApp(config, async (app) => {
    await rejectDraft(offlineActions(app.db), id);
    print(`Rejected draft ${id}: nothing will be sent.`);
  });
}

/**
 * `rapport edit ID [--subject S] [--body-file F]`: with neither, opens `editor` on a file
 * holding the subject and body, as `git commit` does; the database is not held open
 * while the user types.
 */
export async function editCommand(
  config: Config,
  idText: string,
  options: { subject?: string; bodyFile?: string; editor?: string },
): Promise<void> {
  const id = parseDraftId(idText);
  const before = await withApp(config, (app) => existingDraft(app.db, id));
  if (!canMove(before.status, 'edit')) throw new InvalidInputError(`Draft ${id} is ${before.status}; it cannot be edited now.`);
  let edit: { subject: string; body: string };
  let keptFile: string | null = null;
  if (options.subject !== undefined || options.bodyFile !== undefined) {
    edit = { subject: options.subject ?? before.subject, body: options.bodyFile !== undefined ? readBodyFile(options.bodyFile) : before.body };
  } else {
    const edited = editInEditor(before, options.editor || 'vi');
    if (!edited) return print(`Draft ${id} is unchanged.`);
    ({ edit, file: keptFile } = edited);
  }
  try {
    await withApp(config, async (app) => {
      const now = await existingDraft(app.db, id);
      if (keptFile && now.updatedAt.getTime() !== before.updatedAt.getTime()) {
        throw new InvalidInputError(`Draft ${id} changed while you were editing it, so your text was not saved.`);
      }
      requirePlaceholdersFilled(now, edit);
      const saved = await editDraft(offlineActions(app.db), id, edit);
      print(`Saved draft ${id}: it is ${saved.status}${before.status === 'approved' ? ' again; approve the new text with `rapport approve ' + id + '`' : ''}.`);
    });
  } catch (err) {
    // The user's typing is not thrown away with the error.
    if (keptFile && err instanceof InvalidInputError) throw new InvalidInputError(`${err.message} Your text is kept in ${keptFile}.`);
    throw err;
  }
  if (keptFile) fs.rmSync(path.dirname(keptFile), { recursive: true, force: true });
}

/** Statuses from `--status` values (repeated or comma separated); `all` or none: see UNFINISHED. */
export function parseStatuses(values: readonly string[]): DraftStatus[] {
  const names = values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) return [...UNFINISHED];
  if (names.includes('all')) return [];
  const unknown = names.filter((n) => !(DRAFT_STATUSES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new InvalidInputError(`Unknown status ${unknown.join(', ')}; use ${DRAFT_STATUSES.join(', ')} or all.`);
  return [...new Set(names)] as DraftStatus[];
}

const SCISSORS = '# ------------------------ >8 ------------------------';

/** The file the editor opens: the subject line, a blank line, the body, then help below the scissors. */
export function editorText(d: DraftRecord): string {
  return [
    `Subject: ${d.subject}`, '', d.body.replace(/\s+$/, ''), SCISSORS,
    '# Edit the subject and the message above this line; everything from the line above down is ignored.',
    `# Draft ${d.id}, ${d.kind} to ${recipient(d)}.${d.reason ? ` ${d.reason}` : ''}`,
    ...(d.missingFields.length ? [`# It needs: ${d.missingFields.map((f) => `[${missingFieldLabel(f)}]`).join(', ')}. Replace them with your own words.`] : []),
    '# Leave it unchanged to keep the draft as it is.', '',
  ].join('\n');
}

/** The subject and body of an edited file; an error says what is wrong with it. */
export function parseEditorText(text: string): { subject: string; body: string } {
  const kept = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = kept.indexOf(SCISSORS);
  const lines = cut >= 0 ? kept.slice(0, cut) : kept;
  const first = lines.findIndex((l) => l.trim() !== '');
  const subject = /^subject:(.*)$/i.exec(lines[first] ?? '');
  if (!subject) throw new InvalidInputError('The first line must be "Subject: …", followed by a blank line and the message.');
  const body = lines.slice(first + 1).join('\n').replace(/^\s*\n/, '').replace(/\s+$/, '');
  if (!body) throw new InvalidInputError('The message is empty, so the draft was left as it was.');
  return { subject: subject[1]!.trim(), body: `${body}\n` };
}

function editInEditor(draft: DraftRecord, editor: string): { edit: { subject: string; body: string }; file: string } | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-edit-'));
  const file = path.join(dir, `draft-${draft.id}.txt`);
  const original = editorText(draft);
  fs.writeFileSync(file, original, { mode: 0o600 });
  // Through the shell, as git does, so EDITOR may carry arguments ("code --wait").
  const run = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, editor, file], { stdio: 'inherit' });
  if (run.status !== 0) {
    throw new InvalidInputError(`The editor (${editor}) ${run.error ? `could not start: ${run.error.message}` : `exited with status ${run.status}`}; the draft was left as it was. Set EDITOR to the editor you use.`);
  }
  const text = fs.readFileSync(file, 'utf8');
  if (text === original) {
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  try {
    return { edit: parseEditorText(text), file };
  } catch (err) {
    if (err instanceof InvalidInputError) throw new InvalidInputError(`${err.message} Your text is kept in ${file}.`);
    throw err;
  }
}

function readBodyFile(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new InvalidInputError(`Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export function parseDraftId(text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) throw new InvalidInputError(`"${text}" is not a draft id; \`rapport drafts\` lists them.`);
  return Number(text.trim());
}

async function existingDraft(db: ApprovalDeps['db'], id: number): Promise<DraftRecord> {
  const draft = await getDraft(db, id);
  if (!draft) throw new NotFoundError('draft', String(id));
  return draft;
}

/** Rejecting and editing schedule nothing. */
function offlineActions(db: ApprovalDeps['db']): ApprovalDeps {
  return { db, scheduleDelivery: () => Promise.reject(new Error('nothing to schedule')) };
}

function draftJson(d: DraftRecord) {
  return {
    id: d.id, kind: d.kind, status: d.status, to: { name: d.toName, address: d.toAddress }, contactId: d.contactId,
    subject: d.subject, body: d.body, missingFields: d.missingFields, dueAt: d.dueAt, reason: d.reason,
    remindedAt: d.remindedAt, snoozedUntil: d.snoozedUntil, deliveryMode: d.deliveryMode, sendAt: d.sendAt,
    deliveredAt: d.deliveredAt, lastError: d.lastError,
  };
}

function recipient(d: DraftRecord): string {
  if (d.toName && d.toAddress) return `${d.toName} <${d.toAddress}>`;
  return d.toAddress ?? d.toName ?? '(no recipient)';
}

function statusText(d: DraftRecord, zone: string): string {
  const open = d.status === 'pending' || d.status === 'needs_input';
  const marks = [
    open && d.remindedAt ? 'REMINDED' : '',
    open && d.snoozedUntil && d.snoozedUntil > new Date() ? `snoozed to ${formatLocalTime(d.snoozedUntil, zone)}` : '',
    d.status === 'approved' && d.deliveryMode === 'mailbox' ? 'to mailbox' : '',
  ].filter(Boolean);
  return marks.length ? `${d.status} (${marks.join(', ')})` : d.status;
}

/** Text from mail on one terminal line: no control characters (no escape sequences), cut to `max`. */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

async function withApp<T>(config: Config, work: (app: Awaited<ReturnType<typeof openApp>>) => Promise<T>): Promise<T> {
  const app = await openApp(config);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

function print(text: string): void {
  process.stdout.write(text + '\n');
}
