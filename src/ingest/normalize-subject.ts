/**
 * Reduces a subject to what stays the same across a thread, so replies and forwards can
 * be matched to the message they answer when References are missing.
 */

/**
 * Reply and forward markers mail clients add: English (Re, Fw, Fwd), German (AW, WG),
 * Nordic (SV, VS, VB, VL), Dutch (Antw, Doorst), French (Réf, TR), Italian (R, RIF, I),
 * Spanish (RV), Portuguese (Enc), Polish (Odp, PD), Turkish (YNT), Latvian (Atb),
 * Hungarian (Vá), Chinese (回复, 答复, 转发, 回覆, 轉寄), Japanese (返信, 転送), optionally
 * counted (`Re[2]`, `Re(2)`, `Re^2`). Only these words count, and only before a colon,
 * so "Class: ..." or "ENRON: ..." subjects keep their first word.
 */
const PREFIX = new RegExp(
  '^(?:re|fwd?|aw|wg|sv|vs|vb|vl|antw|antwort|doorst|réf|ref|tr|r|rif|i|rv|enc|odp|pd|ynt|' +
    'atb|vá|továbbítás|回复|答复|转发|回覆|轉寄|轉發|返信|転送)' +
    '\\.?(?:\\[\\d+\\]|\\(\\d+\\)|\\^\\d+)?\\s*[:：]\\s*',
  'iu',
);
/** `[list-name] `: a tag a mailing list adds in front, with more subject after it. */
const LIST_TAG = /^\[[^\]]*\]\s*(?=\S)/u;
/** `[Fwd: original subject]`: Netscape wrapped the whole forwarded subject in brackets. */
const WRAPPED_FORWARD = /^\[(?:fwd?|re)\s*:\s*(.*)\]$/isu;
/** `Subject (fwd)`: Pine marks forwards at the end. */
const TRAILING_FWD = /\s*\(fwd?\)$/iu;

/**
 * Normalises a subject for thread matching: strips any number of leading reply/forward
 * prefixes ("Re: FW: Re:", "AW:", "回复:", "Re[2]:"), mailing-list tags ("[list] ") and
 * forward wrappers ("[Fwd: …]", "… (fwd)"), collapses whitespace and lower-cases.
 *
 * @example normalizeSubject('Re: FW: Re: Weather and energy price Data') // 'weather and energy price data'
 */
export function normalizeSubject(subject: string): string {
  let value = subject.replace(/\s+/g, ' ').trim();
  for (;;) {
    const next = value
      .replace(PREFIX, '')
      .replace(LIST_TAG, '')
      .replace(WRAPPED_FORWARD, '$1')
      .replace(TRAILING_FWD, '')
      .trim();
    if (next === value) break;
    value = next;
  }
  return value.toLowerCase();
}
