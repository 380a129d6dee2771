// Whether dist/ (`npm run build`) holds a compiled file at least as new as every source
// file it is built from. Shared by bin/rapport.js and the benchmarks that report which ran.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILT_FOLDERS = ['src', 'test/emulators']; // tsconfig.build.json's "include"

/** True when every .ts file under the built folders has a compiled .js at least as new. */
export function buildIsCurrent() {
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
