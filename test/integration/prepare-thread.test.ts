/**
 * An import reads, parses and analyses its batches on a thread of its own while the main
 * thread writes. What the thread hands back must be what the main thread would have made
 * itself, and a batch the thread cannot finish (out of memory) must still be stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDetectConfig } from '../../src/config/load-detect-config.ts';
import type { SourceRef } from '../../src/core/types.ts';
import { RuleClassifier } from '../../src/detect/rule-classifier.ts';
import { prepareItems, readRawItems } from '../../src/ingest/prepare-item.ts';
import { PrepareThread, type AnalysisSettings } from '../../src/ingest/prepare-thread.ts';
import { scanExport } from '../../src/integrations/mailbox/index.ts';
import { ensureAccount } from '../../src/store/account-repository.ts';
import { processIngestBatch } from '../../src/workers/ingest-worker.ts';
import { testConfig } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const ME = 'alex.student@university.example';
const SETTINGS: AnalysisSettings = {
  userAddresses: new Set([ME, 'alex@gmail.com']),
  freeMailDomains: ['gmail.com'],
  extraRoleLocalParts: [],
  maxParticipantsPerMessage: 20,
};
// Enough for the thread's modules and ordinary mail, too little for a 6 MB body.
const SMALL_HEAP = { maxOldGenerationSizeMb: 32 };

async function refsOf(paths: string[]): Promise<SourceRef[]> {
  const refs: SourceRef[] = [];
  for await (const item of scanExport(paths)) if ('ref' in item) refs.push(item.ref);
  return refs;
}

function message(id: string, subject: string, body: string): string {
  return [
    'From kim@initech.example Mon Mar  2 14:15:00 2026',
    `Message-ID: <${id}>`,
    'Date: Mon, 02 Mar 2026 14:15:00 +0000',
    'From: Kim Lee <kim.lee@initech.example>',
    `To: Alex Student <${ME}>`,
    `Subject: ${subject}`,
    '',
    body,
    '',
  ].join('\n');
}

describe('the prepare thread', () => {
  let dir: string;
  let bigMbox: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-prepare-'));
    bigMbox = path.join(dir, 'minutes.mbox');
    const line = 'Item: the committee discussed the budget for next year and agreed to meet again.\n';
    fs.writeFileSync(bigMbox, message('minutes@initech.example', 'Full minutes', line.repeat(80_000)) + message('short@initech.example', 'Short note', 'Hi Alex, see you Tuesday.'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives for every item of an export what this thread would make of it', async () => {
    const refs = await refsOf([path.resolve('test/fixtures/export')]);
    const thread = new PrepareThread();
    try {
      const onThread = await thread.prepare(refs, SETTINGS);
      const here = await prepareItems(await readRawItems(refs), { ...SETTINGS, classifier: new RuleClassifier(loadDetectConfig()) });
      expect(onThread).toEqual(here);
      expect(onThread.filter((r) => r.ok && r.message).length).toBeGreaterThan(5);
      expect(onThread.filter((r) => r.ok && r.meetings.length > 0).length).toBeGreaterThan(2);
    } finally {
      await thread.close();
    }
  });

  it('rejects a batch it runs out of memory on, then starts again for the next', async () => {
    const [big, small] = await refsOf([bigMbox]);
    const thread = new PrepareThread(SMALL_HEAP);
    try {
      await expect(thread.prepare([big!, small!], SETTINGS)).rejects.toThrow(/memory/);
      const [result] = await thread.prepare([small!], SETTINGS);
      expect(result).toMatchObject({ ok: true, message: { subject: 'Short note' } });
    } finally {
      await thread.close();
    }
  });

  describe('in an ingest job', () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await openTestStore('pglite');
    });
    afterAll(() => store.dispose());

    it('stores a batch the thread could not finish, preparing it on the job’s own thread', async () => {
      const refs = await refsOf([bigMbox]);
      const thread = new PrepareThread(SMALL_HEAP);
      try {
        const fallbacks: string[] = [];
        const deps = {
          db: store.db,
          config: testConfig({ RAPPORT_ME: ME }),
          classifier: new RuleClassifier(loadDetectConfig()),
          prepareThread: thread,
          onPrepareFallback: (reason: string) => fallbacks.push(reason),
        };
        const accountId = await ensureAccount(store.db, 'mailbox', ME);
        const result = await processIngestBatch(deps, { data: { accountId, refs } });
        expect(result).toEqual({ stored: 2, duplicates: 0, failed: 0, meetings: 0 });
        expect(fallbacks).toEqual([expect.stringMatching(/memory/)]);
        const rows = await store.db.query<{ subject: string }>('select subject from message order by subject');
        expect(rows.map((r) => r.subject)).toEqual(['Full minutes', 'Short note']);
      } finally {
        await thread.close();
      }
    });
  });
});
