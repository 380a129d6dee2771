import { loadDetectConfig } from '../config/load-detect-config.ts';
import { detectInputOf } from '../detect/detect-input.ts';
import { RuleClassifier } from '../detect/rule-classifier.ts';
import { isBulkMail } from '../ingest/bulk-mail.ts';
import { parseMessage } from '../ingest/parse-message.ts';
import { readSource, scanExport } from '../integrations/mailbox/index.ts';

/**
 * `rapport classify PATH... [--json]`: labels every message found, without touching the
 * store. JSON mode prints one object per message per line; unreadable items go to stderr.
 */
export async function classifyCommand(paths: string[], json: boolean): Promise<void> {
  const classifier = new RuleClassifier(loadDetectConfig());
  let failed = 0;
  for await (const item of scanExport(paths)) {
    if ('failure' in item) {
      failed += 1;
      process.stderr.write(`${item.failure.path}: ${item.failure.reason}\n`);
      continue;
    }
    const { ref } = item;
    if (ref.format === 'ics') continue;
    const where = ref.format === 'mbox' ? `${ref.path}#${ref.index}` : ref.path;
    try {
      const parsed = await parseMessage(await readSource(ref));
      const result = classifier.classify(detectInputOf(parsed, isBulkMail(parsed.bulk)));
      const line = json
        ? JSON.stringify({ path: where, messageId: parsed.messageId, ...result })
        : `${where}\t${result.labels.join(',') || 'other'}\t${parsed.subject}`;
      process.stdout.write(line + '\n');
    } catch (err) {
      failed += 1;
      process.stderr.write(`${where}: ${(err as Error).message}\n`);
    }
  }
  if (failed > 0) process.exitCode = 3;
}
