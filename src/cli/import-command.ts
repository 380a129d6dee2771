import cliProgress from 'cli-progress';
import type { Config } from '../config/load-config.ts';
import { openQueueApp } from '../main.ts';
import { runImport, type ImportProgress, type ImportSummary } from '../workers/import-runner.ts';

const MAX_FAILURES_SHOWN = 20;

/** `rapport import PATH... [--me ADDRESS]...`: a progress bar, then a summary. */
export async function importCommand(config: Config, paths: string[], me: string[]): Promise<void> {
  const app = await openQueueApp(config);
  const bar = new cliProgress.SingleBar(
    {
      format: 'importing |{bar}| {value}/{total} messages | {rate}/s | {failed} errors',
      stream: process.stderr,
      hideCursor: true,
      // Before the scan has counted anything the total is 0, which would draw a full bar.
      emptyOnZero: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  const startedAt = Date.now();
  bar.start(0, 0, { rate: 0, failed: 0 });
  const update = (p: ImportProgress) => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
    bar.setTotal(p.found);
    bar.update(p.done, { rate: Math.round(p.done / seconds), failed: p.failed });
  };
  let summary: ImportSummary;
  try {
    summary = await runImport(app, paths, me.map((a) => a.trim().toLowerCase()), update);
    update(summary);
  } finally {
    bar.stop();
    await app.close();
  }
  process.stdout.write(formatSummary(summary));
  if (summary.failed > 0) process.exitCode = 3;
}

/** The summary printed when an import ends. */
export function formatSummary(s: ImportSummary): string {
  const seconds = s.elapsedMs / 1000;
  const lines = [
    `Read ${s.done} ${s.done === 1 ? 'item' : 'items'} in ${seconds.toFixed(1)} s (${Math.round(s.done / Math.max(seconds, 0.001))}/s):`,
    `  ${s.stored} new, ${s.duplicates} already in the log, ${s.meetings} calendar events, ${s.failed} could not be read.`,
  ];
  if (s.preparedHere) {
    const { batches, reason } = s.preparedHere;
    lines.push(
      `  ${batches} ${batches === 1 ? 'batch was' : 'batches were'} parsed on the main thread, more slowly, because the parsing thread failed (${reason}); nothing was lost.`,
    );
  }
  if (s.failures.length > 0) {
    lines.push('Could not read:');
    for (const f of s.failures.slice(0, MAX_FAILURES_SHOWN)) {
      // Inside an mbox the position says which message; other files hold one item.
      const where = f.position > 0 || /\.mbox$/i.test(f.path) ? ` (message ${f.position + 1})` : '';
      lines.push(`  ${f.path}${where}: ${f.reason}`);
    }
    if (s.failures.length > MAX_FAILURES_SHOWN) {
      lines.push(`  … and ${s.failures.length - MAX_FAILURES_SHOWN} more.`);
    }
  }
  return lines.join('\n') + '\n';
}
