/**
 * The benchmarks' corpus: Vince Kaminski's mailbox from the shared Enron files, and a way
 * to make copy N of a message a different message of a longer mailbox.
 */
import fs from 'node:fs';
import path from 'node:path';

const ENRON_DIR = path.resolve(process.cwd(), '../shared/data/enron/kaminski-v');
export const ME = 'vince.kaminski@enron.com';

/** The raw RFC 822 files `kaminski-v/<folder>/<file>`, sorted so every run builds the same mbox. */
export function readSources(): Buffer[] {
  if (!fs.existsSync(ENRON_DIR)) {
    console.error(`The shared Enron files are missing: ${ENRON_DIR} (the benchmark needs ../shared/data).`);
    process.exit(1);
  }
  const dirs = fs.readdirSync(ENRON_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
  const files = dirs.flatMap((d) =>
    fs.readdirSync(path.join(ENRON_DIR, d.name), { withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => path.join(ENRON_DIR, d.name, f.name)),
  );
  return files.sort().map((f) => fs.readFileSync(f));
}

const COPY_SPACING_MS = 120 * 86_400_000;

/**
 * Makes copy N a different message of a longer mailbox rather than a duplicate: every id in
 * Message-ID, In-Reply-To and References gets `.copyN` (`<x@y>` → `<x.copyN@y>`), so
 * copies thread among themselves, and the Date moves N × 120 days on, past the window in
 * which replies join a thread by subject. Otherwise every copy would pile into the
 * original's threads, which no real mailbox does.
 */
export function renameMessageId(text: string, copy: number): string {
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd === -1 ? text : text.slice(0, headerEnd);
  const renamed = head
    .replace(/^(Message-ID|In-Reply-To|References):[^\r\n]*(\r?\n[ \t][^\r\n]*)*/gim, (header) =>
      header.replace(/<([^@>\s]+)@/g, `<$1.copy${copy}@`),
    )
    .replace(/^Date:[ \t]*([^\r\n]*)/im, (line, value: string) => {
      const time = Date.parse(value.replace(/\s*\([A-Z]+\)\s*$/, ''));
      return Number.isNaN(time) ? line : `Date: ${new Date(time + copy * COPY_SPACING_MS).toUTCString()}`;
    });
  return renamed + text.slice(head.length);
}

