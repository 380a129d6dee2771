import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/load-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { openApp } from '../main.ts';
import { rendererForConfig } from '../templates/index.ts';
import { noScheduler } from '../workers/planner-jobs.ts';
import { draftOutreachBatch } from '../workers/planner-outreach.ts';
import { importTargets, type TargetImportReport } from '../workers/planner-targets.ts';

/**
 * `rapport targets import FILE.csv`: puts the people of a target list on it, drafts
 * today's first requests (at most `drafts.outreachPerDay`), and says what waits. Bad rows
 * are listed with their line numbers and the rest are imported (exit code 3 when any).
 */
export async function targetsImportCommand(
  config: Config,
  file: string,
  options: { out?: NodeJS.WritableStream; now?: () => Date } = {},
): Promise<void> {
  const out = options.out ?? process.stdout;
  const now = options.now ?? (() => new Date());
  const text = readList(file);
  const app = await openApp(config);
  try {
    const report = await importTargets(app, file, text);
    const batch = await draftOutreachBatch({
      db: app.db,
      config,
      renderer: rendererForConfig(config),
      // Later days are the running service's (`rapport start`): its scan drafts them.
      scheduler: noScheduler,
      now,
      log: (line) => process.stderr.write(`rapport: ${line}\n`),
    });
    out.write(formatReport(path.basename(file), report, batch.created, batch.waiting, config.drafts.outreachPerDay));
    if (report.problems.length > 0) process.exitCode = 3;
  } finally {
    await app.close();
  }
}

function readList(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidInputError(
      `Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Give the path of a CSV file with the columns name, email, company, source, referrer, field.`,
    );
  }
}

/** The summary a user reads after an import. */
export function formatReport(file: string, r: TargetImportReport, drafted: number, waiting: number, perDay: number): string {
  const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;
  const lines = [`Read ${people(r.read)} from ${file}: ${r.added} added to your target list, ${r.known} already on it.`];
  if (r.problems.length > 0) {
    lines.push(`Could not use ${r.problems.length} ${r.problems.length === 1 ? 'row' : 'rows'}:`);
    for (const p of r.problems) lines.push(`  line ${p.line}: ${p.message}`);
  }
  const requests = (n: number) => `${n} ${n === 1 ? 'request' : 'requests'}`;
  const later = waiting > 0 ? `; ${waiting} wait for the next days, and \`rapport start\` drafts them, ${perDay} a day` : '';
  lines.push(
    drafted > 0 || waiting === 0
      ? `Drafted ${requests(drafted)} for today (at most ${perDay} a day)${later}.`
      : `Today's ${requests(perDay)} are drafted already${later}.`,
  );
  if (drafted > 0) lines.push('Review them with `rapport drafts`.');
  return `${lines.join('\n')}\n`;
}
