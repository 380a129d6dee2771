#!/usr/bin/env -S node --max-semi-space-size=4 --max-old-space-size=1024
// The flags on the first line apply when this file is executed (`npx rapport`, `rapport`
// once installed, `bin/rapport.js`), not under `node bin/rapport.js`. Without them V8 sizes
// its heap for the machine's RAM and lets garbage build up: a long import peaked at 445 MB;
// with them at 290 MB, for about a tenth more CPU (bench/README.md). 1 GB of JS heap is far
// more than any one message needs; attachments are buffers, outside that limit.
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
