/** How a message laid out for many readers looks, from `config/detect.yaml`. */
export interface MailingShape {
  /** Links in the new text from which it reads as a newsletter or a web digest. */
  minLinks: number;
  /** Lines in capitals ("FORMAT", "TO ENROLL") from which it reads as an event notice. */
  minHeadings: number;
}

const LINK = /\bhttps?:\/\/|\bwww\.[a-z0-9-]+\./gi;
const HEADING = /^[A-Z][A-Z0-9 &'’:,/-]{3,60}$/;

/**
 * A newsletter, digest or event notice: many links, or a body set out under headings in
 * capitals. A note one person writes to another has neither, whatever it talks about.
 */
export function looksLikeMailing(newText: string, shape: MailingShape): boolean {
  if ((newText.match(LINK)?.length ?? 0) >= shape.minLinks) return true;
  if (!/[A-Z]{4}/.test(newText)) return false;
  let headings = 0;
  for (const line of newText.split('\n')) {
    const text = line.trim();
    if (HEADING.test(text) && /[A-Z]{4}/.test(text) && (headings += 1) >= shape.minHeadings) return true;
  }
  return false;
}
