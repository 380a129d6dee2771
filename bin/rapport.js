#!/usr/bin/env node
// Runs the compiled build in dist/ (`npm run build`, which `npm ci` and `npm install` run)
// when it is newer than every source file it comes from; otherwise the TypeScript sources
// through tsx, so an edit never runs stale code. Plain node starts faster and holds about
// 100 MB less than node with tsx (bench/README.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILT_FOLDERS = ['src', 'test/emulators']; // tsconfig.build.json's "include"

/** True when every .ts file under the built folders has a compiled .js at least as new. */
function buildIsCurrent() {
  for (const folder of BUILT_FOLDERS) {
    const entries = fs.readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      const source = path.join(entry.parentPath, entry.name);
      const compiled = path.join(root, 'dist', path.relative(root, source)).replace(/\.ts$/, '.js');
      const built = fs.statSync(compiled, { throwIfNoEntry: false });
      if (!built || built.mtimeMs < fs.statSync(source).mtimeMs) return false;
    }
  }
  return true;
}

if (process.env.RAPPORT_FROM_SOURCE !== '1' && buildIsCurrent()) {
  await import('../dist/src/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
