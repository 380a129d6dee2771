import { describe, expect, it } from 'vitest';
import { normalizeAddress } from '../../../src/ingest/normalize-address.ts';

describe('normalizeAddress', () => {
  it.each([
    // Shapes from the Enron kaminski-v headers and the parser fixtures.
    ['vince.kaminski@enron.com', 'vince.kaminski@enron.com'],
    ['Vince.J.Kaminski@enron.com', 'vince.j.kaminski@enron.com'],
    ['  <Shirley.Crenshaw@enron.com>  ', 'shirley.crenshaw@enron.com'],
    ['mailto:Vince.J.Kaminski@enron.com', 'vince.j.kaminski@enron.com'],
    ['<mailto:OREN@IEOR.Berkeley.edu>', 'oren@ieor.berkeley.edu'],
    ["'vkamins@enron.com'", 'vkamins@enron.com'],
    ['MAILER-DAEMON@AOL.com', 'mailer-daemon@aol.com'],
    ['j..kaminski@enron.com', 'j..kaminski@enron.com'],
    ["brian.o'rourke@enron.com", "brian.o'rourke@enron.com"],
    ['"michael.enbar"@enron.com', 'michael.enbar@enron.com'],
    ['R-Allen.Bryson@usa.conoco.com', 'r-allen.bryson@usa.conoco.com'],
    ['Vince_J_Kaminski@enron.com', 'vince_j_kaminski@enron.com'],
    ['notification+45b0d380@blah.com', 'notification+45b0d380@blah.com'],
    ['kaminski@enron.com.', 'kaminski@enron.com'],
    ['jdöe@mächine.example', 'jdöe@mächine.example'],
  ])('keeps the mailbox of %j as %j', (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });

  it.each([
    ['IMCEANOTES-VKaminski+40aol+2Ecom+40ENRON@ENRON.com', 'vkaminski@aol.com'],
    ['IMCEANOTES-webmaster+40cera+2Ecom+40ENRON@ENRON.com', 'webmaster@cera.com'],
    [
      'IMCEANOTES-+22Steve+20Mitnick+22+20+3CSMitnick+40earthlink+2Enet+3E+40ENRON@ENRON.com',
      'smitnick@earthlink.net',
    ],
    [
      'IMCEANOTES-Thaleia+20Zariphopoulou+20+3Czariphop+40math+2Eutexas+2Eedu+3E+40ENRON@ENRON.com',
      'zariphop@math.utexas.edu',
    ],
  ])('finds the real address inside the Notes wrapper %j', (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['no @', 'Vince J Kaminski'],
    ['empty local part', '@enron.com'],
    ['empty domain', 'vkamins@'],
    ['space inside', 'vince kaminski@enron.com'],
    ['Lotus Notes name', 'Vince J Kaminski/HOU/ECT@ECT'],
    ['Notes name without path', 'Sandeep Kohli@Enron'],
    ['Notes domain only', 'vkamins@ECT'],
    ['X.400 path', '/O=ENRON/OU=NA/CN=RECIPIENTS/CN=VKAMINS'],
    ['Notes mailbox in a Notes domain', 'jhenders@newpower@EES'],
    ['suppressed list', '(Recipient list suppressed)@ECT'],
    ['group syntax', 'Undisclosed-Recipient:@mailman.enron.com;'],
    ['Exchange X.400 wrapper', 'IMCEAEX-_O=ENRON_OU=NA_CN=RECIPIENTS_CN=NOTESADDR_CN=839D9422-C86E146D@ENRON.com'],
    ['fax wrapper', 'IMCEAFAXSR-ashley+20baxter+407136463011@travelpark.com'],
    ['Notes wrapper around a Notes name', 'IMCEANOTES-Vince+20J+20Kaminski+2FHOU+2FECT+40ECT@ENRON.com'],
    ['placeholder domain without dot', 'xxxxx@xxxxx'],
    ['bracketed Notes leftover', '[No.email.address.found'],
  ])('rejects %s', (_label, raw) => {
    expect(normalizeAddress(raw)).toBeNull();
  });
});
