import { fillDraft, type FillValues } from '../approval/fill-draft.ts';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { parseLocalTime } from '../http/local-time.ts';
import { missingFieldLabel } from '../http/unfilled-placeholders.ts';
import { openApp } from '../main.ts';
import { getDraft } from '../store/draft-repository.ts';
import { rendererForConfig, type RequiredFieldPath } from '../templates/index.ts';
import { joinNames } from '../templates/person-name.ts';
import { parseDraftId } from './drafts-command.ts';

/** The options of `rapport fill`, and the merge field each gives. */
export interface FillOptions {
  takeaway?: string;
  update?: string;
  firstName?: string;
  source?: string;
  referrer?: string;
  yourName?: string;
  field?: string;
  metAt?: string;
}

const OPTION_OF: Record<RequiredFieldPath, { flag: string; key: keyof FillOptions }> = {
  takeaway: { flag: '--takeaway', key: 'takeaway' },
  update: { flag: '--update', key: 'update' },
  'contact.firstName': { flag: '--first-name', key: 'firstName' },
  'contact.source': { flag: '--source', key: 'source' },
  'referrer.name': { flag: '--referrer', key: 'referrer' },
  'user.name': { flag: '--your-name', key: 'yourName' },
  'user.fieldOfInterest': { flag: '--field', key: 'field' },
  'meeting.start': { flag: '--met-at', key: 'metAt' },
};

/**
 * `rapport fill ID [--takeaway T] [--update U] ...`: gives a draft what it waited for, as
 * the Fill in form of its page does. Without options it says what the draft needs and
 * which option gives each.
 */
export async function fillCommand(config: Config, idText: string, options: FillOptions): Promise<void> {
  const id = parseDraftId(idText);
  const app = await openApp(config);
  try {
    const draft = await getDraft(app.db, id);
    if (!draft) throw new NotFoundError('draft', String(id));
    const given = Object.values(OPTION_OF).some(({ key }) => options[key] !== undefined);
    if (!given) {
      if (draft.status !== 'needs_input') return print(`Draft ${id} is ${draft.status}: it needs nothing filled in.`);
      return print(`Draft ${id} needs ${needsText(draft.missingFields)}.`);
    }
    const filled = await fillDraft({ db: app.db, renderer: rendererForConfig(config) }, id,
      fillValues(options, config.user.timeZone));
    if (filled.status === 'pending') print(`Draft ${id} is filled in and ready: \`rapport approve ${id}\` sends it.`);
    else print(`Draft ${id} is filled in; it still needs ${needsText(filled.missingFields)}.`);
  } finally {
    await app.close();
  }
}

function fillValues(options: FillOptions, timeZone: string): FillValues {
  const values: FillValues = {};
  for (const [path, { key }] of Object.entries(OPTION_OF) as [RequiredFieldPath, { key: keyof FillOptions }][]) {
    const value = options[key];
    if (value === undefined || path === 'meeting.start') continue;
    values[path as Exclude<RequiredFieldPath, 'meeting.start'>] = value;
  }
  if (options.metAt !== undefined && options.metAt.trim()) {
    const at = parseLocalTime(options.metAt, timeZone);
    if (!at) throw new InvalidInputError(`--met-at takes "YYYY-MM-DD HH:MM" in your time zone (${timeZone}) or an ISO 8601 time; got "${options.metAt}".`);
    values['meeting.start'] = at;
  }
  return values;
}

/** "what you took from the conversation (--takeaway)", listed with commas and "and". */
function needsText(missing: readonly string[]): string {
  return joinNames(missing.map((path) => `${missingFieldLabel(path)} (${OPTION_OF[path as RequiredFieldPath]?.flag ?? 'edit the text'})`));
}

function print(text: string): void {
  process.stdout.write(text + '\n');
}
