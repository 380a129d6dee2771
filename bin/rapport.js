#!/usr/bin/env node
// Runs the compiled build in dist/ (`npm run build`, which `npm ci` and `npm install` run)
// when it is newer than every source file it comes from; otherwise the TypeScript sources
// through tsx, so an edit never runs stale code. Plain node starts faster and holds about
// 65 MB less than node with tsx (bench/README.md). RAPPORT_FROM_SOURCE=1 forces tsx.
import { buildIsCurrent } from './build-is-current.js';

if (process.env.RAPPORT_FROM_SOURCE !== '1' && buildIsCurrent()) {
  await import('../dist/src/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
