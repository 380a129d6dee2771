import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { targetsImportCommand } from '../../src/cli/targets-command.ts';
import { listDrafts } from '../../src/store/draft-repository.ts';
import { openStore } from '../../src/store/open-store.ts';
import { countTargets } from '../../src/store/planner-target-queries.ts';
import { planJobId } from '../../src/workers/planner-jobs.ts';
import { importTargets } from '../../src/workers/planner-targets.ts';
import { testConfig } from '../helpers/test-config.ts';
import { FIXTURES, openScenario, until, type PlannerScenario } from './planner-harness.ts';

const LIST = path.join(FIXTURES, 'targets.csv');
const BAD_LINES = [6, 7, 10]; // no name, "gus@", Dana twice

async function requests(s: PlannerScenario) {
  return (await s.drafts()).filter((d) => d.kind === 'outreach_request' || d.kind === 'referral_intro');
}

describe('the target list (real Redis, PostgreSQL, a clock the test moves)', () => {
  let s: PlannerScenario;
  afterEach(async () => {
    await s.dispose();
  });

  it('drafts at most three requests a day, by the user midnight; the rest wait for the next days', async () => {
    s = await openScenario('postgres', '2026-04-06T03:59:58.500Z'); // Sunday, April 5, 23:59:58 in New York
    await s.ingest('request-bob.eml'); // Alex has already written to Bob
    const report = await importTargets({ db: s.store.db, config: s.config }, LIST, fs.readFileSync(LIST, 'utf8'));
    expect(report).toMatchObject({ read: 7, added: 7, known: 0 });
    expect(report.problems.map((p) => p.line)).toEqual(BAD_LINES);

    await s.service.scanNow();
    await s.service.scanNow();
    const today = await requests(s);
    expect(today.map((d) => [d.toName, d.kind, d.status])).toEqual([
      ['Dana Diaz', 'outreach_request', 'pending'],
      ['Eli Engel', 'referral_intro', 'pending'],
      ['Fay Fox', 'outreach_request', 'pending'],
    ]);
    expect(today[1]!.subject).toBe('Carol Chen suggested I get in touch');
    expect(today[2]!.body).toContain('exploring a career in supply chain analytics');
    expect(today[2]!.body).toContain('at Vandelay Industries');
    expect(today[0]!.reason).toBe('On your target list (targets.csv, line 2): Dana Diaz at Umbrella; you found them through the alumni directory.');
    expect(await (await s.queue.getJob(planJobId.outreachBatch('2026-04-06')))?.getState()).toBe('delayed');

    // Midnight in New York: the delayed batch drafts the next three.
    s.setClock('2026-04-06T04:00:30Z');
    await until(async () => (await requests(s)).length === 6);
    expect((await requests(s)).slice(3).map((d) => d.toName)).toEqual(['Hal Hart', 'Ivy Ito', 'Jo Jones']);
    expect(await countTargets(s.store.db)).toEqual({ queued: 0, drafted: 6, skipped: 1 });

    // Importing the list again adds no one, and nothing is drafted twice.
    expect(await importTargets({ db: s.store.db, config: s.config }, LIST, fs.readFileSync(LIST, 'utf8'))).toMatchObject({ read: 7, added: 0, known: 7 });
    s.setClock('2026-04-07T15:00:00Z');
    await s.service.scanNow();
    expect(await requests(s)).toHaveLength(6);
  });
});

describe('rapport targets import FILE.csv', () => {
  afterEach(() => {
    process.exitCode = 0;
  });

  it('reports bad rows with line numbers, imports the rest, and drafts the first day', async () => {
    const config = testConfig({ RAPPORT_CONFIG: path.join(FIXTURES, 'config.yaml') });
    let output = '';
    const out = new Writable({
      write(chunk, _encoding, done) {
        output += String(chunk);
        done();
      },
    });
    await targetsImportCommand(config, LIST, { out, now: () => new Date('2026-04-06T15:00:00Z') });
    expect(output).toBe(
      [
        'Read 7 people from targets.csv: 7 added to your target list, 0 already on it.',
        'Could not use 3 rows:',
        '  line 6: has no name; fill in the "name" column.',
        '  line 7: "gus@" is not an email address (expected something like jane.doe@example.com).',
        '  line 10: dana.diaz@umbrella.example is already on line 2; the first one is kept.',
        'Drafted 3 requests for today (at most 3 a day); 4 wait for the next days, and `rapport start` drafts them, 3 a day.',
        'Review them with `rapport drafts`.',
        '',
      ].join('\n'),
    );
    expect(process.exitCode).toBe(3);

    const db = await openStore({ databaseUrl: '', dataDir: config.dataDir });
    try {
      const drafts = await listDrafts(db);
      expect(drafts.map((d) => [d.toAddress, d.kind])).toEqual([
        ['dana.diaz@umbrella.example', 'outreach_request'],
        ['bob@initech.example', 'outreach_request'],
        ['eli@hooli.example', 'referral_intro'],
      ]);
      expect(await countTargets(db)).toEqual({ queued: 4, drafted: 3, skipped: 0 });
    } finally {
      await db.close();
    }
  });

  it('says what to do when the file cannot be read', async () => {
    const config = testConfig({ RAPPORT_CONFIG: path.join(FIXTURES, 'config.yaml') });
    await expect(targetsImportCommand(config, path.join(FIXTURES, 'missing.csv'))).rejects.toThrow(
      /Cannot read .*missing\.csv \(ENOENT\)\. Give the path of a CSV file with the columns name, email/,
    );
  });
});
