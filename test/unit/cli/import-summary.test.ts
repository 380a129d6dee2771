import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../src/cli/import-command.ts';
import type { ImportSummary } from '../../../src/workers/import-runner.ts';

const summary = (over: Partial<ImportSummary> = {}): ImportSummary => ({
  found: 1200,
  done: 1200,
  stored: 1150,
  duplicates: 40,
  failed: 2,
  meetings: 8,
  elapsedMs: 2_000,
  failures: [
    { path: '/exports/all.mbox', position: 0, reason: 'no Message-ID or Date' },
    { path: '/exports/mail/broken.eml', position: 0, reason: 'not a mail message' },
  ],
  preparedHere: null,
  ...over,
});

describe('the import summary', () => {
  it('gives the counts, the rate and where each failure is', () => {
    expect(formatSummary(summary())).toBe(
      [
        'Read 1200 items in 2.0 s (600/s):',
        '  1150 new, 40 already in the log, 8 calendar events, 2 could not be read.',
        'Could not read:',
        '  /exports/all.mbox (message 1): no Message-ID or Date',
        '  /exports/mail/broken.eml: not a mail message',
        '',
      ].join('\n'),
    );
  });

  it('says when batches were parsed on the main thread because the parsing thread failed', () => {
    const text = formatSummary(summary({ preparedHere: { batches: 3, reason: 'The prepare thread exited with code 1' } }));
    expect(text).toContain(
      '  3 batches were parsed on the main thread, more slowly, because the parsing thread failed (The prepare thread exited with code 1); nothing was lost.\n',
    );
    expect(formatSummary(summary())).not.toContain('parsing thread');
  });
});
