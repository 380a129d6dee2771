import type { MeetingRecord, MessageRecord, SourceRef } from '../core/types.ts';
import { readSources } from '../integrations/mailbox/index.ts';
import { analyseCalendar, analyseMessage, type AnalysisContext } from './analyse-message.ts';
import { parseMessage } from './parse-message.ts';

/** One message or calendar file to ingest, already read: from an export or a provider. */
export interface RawItem {
  /** Where it came from, stored on the message: `path`, `path#index`, `gmail:<account>/<id>`. */
  source: string;
  format: 'mbox' | 'raw' | 'ics';
  /** Its bytes, or why they could not be read. */
  raw: Buffer | Error;
  /** Where a failure is recorded: the file (or provider) and the position in it. */
  failure: { path: string; position: number };
}

/** What reading, parsing and analysing one item gave: records to store, or why not. */
export type PreparedItem =
  | { ok: true; message: MessageRecord | null; meetings: MeetingRecord[] }
  | { ok: false; reason: string };

/** The raw items behind an `ingest-batch` job's references, read from disk. */
export async function readRawItems(refs: readonly SourceRef[]): Promise<RawItem[]> {
  const raws = await readSources(refs);
  return refs.map((ref, i): RawItem => ({
    source: ref.format === 'mbox' ? `${ref.path}#${ref.index}` : ref.path,
    format: ref.format,
    raw: raws[i]!,
    failure: { path: ref.path, position: ref.index },
  }));
}

/** Parses and analyses each item; one that cannot be read or parsed gives its reason. */
export async function prepareItems(items: readonly RawItem[], ctx: AnalysisContext): Promise<PreparedItem[]> {
  const out: PreparedItem[] = [];
  for (const item of items) {
    try {
      if (item.raw instanceof Error) throw item.raw;
      out.push({ ok: true, ...(await prepareItem(item, item.raw, ctx)) });
    } catch (err) {
      out.push({ ok: false, reason: reasonOf(err) });
    }
  }
  return out;
}

async function prepareItem(
  item: RawItem,
  raw: Buffer,
  ctx: AnalysisContext,
): Promise<{ message: MessageRecord | null; meetings: MeetingRecord[] }> {
  if (item.format === 'ics') {
    const { meetings, errors } = analyseCalendar(raw.toString('utf8'), item.source, ctx);
    // A calendar of only tasks or time zones has nothing to import; that is not an error.
    if (meetings.length === 0 && errors.length > 0) throw new Error(errors[0]);
    return { message: null, meetings };
  }
  const { message, meetings } = analyseMessage(await parseMessage(raw), item.source, ctx);
  return { message, meetings };
}

/** The first line of an error's message, short enough to store and show. */
export function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 500);
}
