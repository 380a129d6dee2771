import { describe, expect, it } from 'vitest';
import { splitBody } from '../../../src/detect/split-body.ts';

describe('splitBody', () => {
  it('drops the empty "Please respond to" header Notes puts before the text', () => {
    expect(splitBody('Please respond to Hello Vince,\n\nCan we meet?').newText).toBe('Hello Vince,\n\nCan we meet?');
  });

  it('ends the new text at a rule of stars or equals signs above a signature block', () => {
    const text = 'Thanks for your help.\nDave\n***********************************\nProf. David Ikenberry\nRice University';
    expect(splitBody(text).newText).toBe('Thanks for your help.\nDave');
  });

  it('keeps a quoted reply apart from the new text', () => {
    const parts = splitBody('Works for me.\n\n-----Original Message-----\nFrom: Dana\n\nThursday at 10?');
    expect(parts.newText).toBe('Works for me.');
    expect(parts.quoted).toContain('Thursday at 10?');
    expect(parts.isForward).toBe(false);
  });
});

describe('splitBody: Notes headers', () => {
  it('knows a Notes header wrapped before its date', () => {
    const text = 'Thanks for the invitation.\nI shall attend.\n\nMarc Epstein <epstein@rice.edu> (by way of Kathy <spradlin on\n01/22/2001 03:41:13 PM\nTo: (Recipient list suppressed)\n\nDear faculty';
    expect(splitBody(text).newText).toBe('Thanks for the invitation.\nI shall attend.');
  });
});
