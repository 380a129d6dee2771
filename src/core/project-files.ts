import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The files that ship beside the code (configuration, draft templates, migrations) are
 * read from the source tree whether the code runs from `src/` through tsx or compiled in
 * `dist/src/`: the folder holding package.json is found by walking up from here, so
 * both find the same files and the build copies nothing.
 */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`rapport's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot();

/** A path under the project's root, e.g. `projectFile('config', 'default.yaml')`. */
export function projectFile(...segments: string[]): string {
  return path.join(PROJECT_ROOT, ...segments);
}
