import { describe, expect, it } from 'vitest';
import { looksLikeMailing } from '../../../src/detect/mailing-shape.ts';

const shape = { minLinks: 5, minHeadings: 4 };

describe('looksLikeMailing', () => {
  it('knows an event notice set out under headings in capitals', () => {
    const notice = 'TOPIC\nGas supply\n\nFORMAT\nA call.\n\nSPEAKERS\nJane Doe\n\nTO ENROLL\nReply by fax.';
    expect(looksLikeMailing(notice, shape)).toBe(true);
  });

  it('knows a digest of links', () => {
    const digest = Array.from({ length: 5 }, (_, i) => `Story ${i}: https://news.example/${i}`).join('\n');
    expect(looksLikeMailing(digest, shape)).toBe(true);
  });

  it('leaves a personal note with a link or two and a shouted word alone', () => {
    const note = 'Hi Dana,\n\nURGENT: my portfolio is at https://dana.example and my CV at https://cv.example.\nCan we talk Tuesday?';
    expect(looksLikeMailing(note, shape)).toBe(false);
  });
});
