/**
 * Scans the real mail and calendar files in ../shared/data when they are there (they are
 * not part of the project); see ../shared/data/README.md for what they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSource, scanExport, type ScanItem } from '../../../src/integrations/mailbox/index.ts';
import { collect } from './temp-files.ts';

const shared = path.resolve(process.cwd(), '../shared/data');

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

const scan = (dir: string): Promise<ScanItem[]> => collect(scanExport([dir]));

describe.runIf(fs.existsSync(shared))('scanExport on the shared data', () => {
  it('finds the 2013 Enron messages of kaminski-v as raw refs, and reads them', async () => {
    const items = await scan(path.join(shared, 'enron/kaminski-v'));
    const failures = items.filter((i) => 'failure' in i);
    expect(failures).toEqual([]);
    const refs = items.flatMap((i) => ('ref' in i ? [i.ref] : []));
    expect(refs).toHaveLength(2013);
    expect(refs.every((r) => r.format === 'raw' && r.start === 0 && r.index === 0)).toBe(true);
    const first = refs[0];
    if (first) expect((await readSource(first)).length).toBe(first.end);
  });

  it('accounts for every .eml/.txt file as a ref or a failure, without throwing', async () => {
    const root = path.join(shared, 'eml');
    const items = await scan(root);
    const seen = new Set(items.map((i) => ('ref' in i ? i.ref.path : i.failure.path)));
    // Only the licence notes (COPYING) that travel with the fixtures are skipped by name.
    const expected = filesUnder(root).filter((f) => path.basename(f) !== 'COPYING');
    expect([...seen].sort()).toEqual(expected.sort());
    const failures = items.flatMap((i) => ('failure' in i ? [i.failure] : []));
    expect(failures.every((f) => f.reason.length > 0)).toBe(true);
    for (const item of items) if ('ref' in item) await readSource(item.ref);
  });

  it('gives every .ics file one ics ref', async () => {
    const root = path.join(shared, 'ics');
    const items = await scan(root);
    const icsFiles = filesUnder(root).filter((f) => f.endsWith('.ics'));
    expect(icsFiles.length).toBeGreaterThan(0);
    const icsRefs = items.flatMap((i) => ('ref' in i && i.ref.format === 'ics' ? [i.ref.path] : []));
    expect(icsRefs.sort()).toEqual(icsFiles.sort());
  });
});
