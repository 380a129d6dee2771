/**
 * Mailbox exports (mbox, maildir, .eml folders, .ics files): find the messages with
 * {@link scanExport}, then read each one's bytes with {@link readSource}.
 */
export { scanExport, type ScanItem } from './scan-export.ts';
export { readSource, readSources } from './read-source.ts';
