import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hasSharedData, SHARED_DATA } from '../helpers/test-config.ts';

const run = promisify(execFile);
const rapport = (args: string[]) =>
  run(process.execPath, ['bin/rapport.js', ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

interface Line {
  path: string;
  messageId: string | null;
  labels: string[];
  scores: Record<string, number>;
  signals: string[];
}

describe('rapport classify', () => {
  it('prints one JSON object per message, mbox messages as FILE#index', async () => {
    const mbox = path.join('test', 'fixtures', 'export', 'takeout.mbox');
    const result = await rapport(['classify', mbox, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.path)).toEqual([`${mbox}#0`, `${mbox}#1`, `${mbox}#2`]);
    expect(lines[0]).toMatchObject({ messageId: 'req-1@university.example', labels: ['outreach_request'] });
    expect(lines[0]!.signals).toContain('outreach_request:informational_interview');
    expect(lines[2]).toMatchObject({ messageId: 'thanks-1@gmail.com', labels: ['thank_you'] });
    for (const line of lines) expect(Object.keys(line.scores).sort()).toEqual(
      ['follow_up', 'outreach_reply', 'outreach_request', 'referral', 'scheduling', 'thank_you'],
    );
  });

  it.runIf(hasSharedData)('labels every message under the shared data without crashing', async () => {
    const result = await rapport(['classify', path.join(SHARED_DATA, 'enron'), path.join(SHARED_DATA, 'eml'), '--json']);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.length).toBeGreaterThan(2013 + 190);
    // Only unreadable items are reported, each on its own line, and they set the exit code.
    const reported = result.stderr.trim() ? result.stderr.trim().split('\n') : [];
    expect(result.code).toBe(reported.length > 0 ? 3 : 0);
    for (const line of reported) expect(line).toMatch(/^\S.*: .+/);
  });
});
