import { describe, expect, it } from 'vitest';
import { normalizeMessageId, parseMessageIdList } from '../../../src/ingest/message-id.ts';

describe('normalizeMessageId', () => {
  it.each<[string | null | undefined, string | null]>([
    ['<30793580.1075856598068.JavaMail.evans@thyme>', '30793580.1075856598068.JavaMail.evans@thyme'],
    ['  <AANLkTinUdYK2NpEiYCKGnCEp_OXKqst_bWNdBVHsfDVh@mail.gmail.com> ', 'AANLkTinUdYK2NpEiYCKGnCEp_OXKqst_bWNdBVHsfDVh@mail.gmail.com'],
    ['8787KJKJ3K4J3K4J3K4J3.mail@example.net', '8787KJKJ3K4J3K4J3K4J3.mail@example.net'],
    ['<11107978796724623>', '11107978796724623'],
    ['&lt;20171013111011.20866.254C2F3A4D7AA526@ninomail.com&gt;', '20171013111011.20866.254C2F3A4D7AA526@ninomail.com'],
    ['<tickets/35323930373635@pobo.intra.proxmox.com>', 'tickets/35323930373635@pobo.intra.proxmox.com'],
    ['<1234@local.machine.example> (comment)', '1234@local.machine.example'],
    ['<>', null],
    ['   ', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeMessageId(raw)).toBe(expected);
  });
});

describe('parseMessageIdList', () => {
  it.each<[string, string | string[] | null | undefined, string[]]>([
    ['nothing', undefined, []],
    ['null', null, []],
    ['an empty header', '', []],
    ['one id', '<1234@local.machine.example>', ['1234@local.machine.example']],
    ['ids separated by spaces', '<1234@local.machine.example> <3456@example.net>', ['1234@local.machine.example', '3456@example.net']],
    ['ids separated by a comma and folding', '<473FF3B8.9020707@xxx.org>,\r\n <348F04F142D69C21-291E56D292BC@xxxx.net>', ['473FF3B8.9020707@xxx.org', '348F04F142D69C21-291E56D292BC@xxxx.net']],
    ['a truncated last id', '<baz@bar.net>, <invalid.', ['baz@bar.net']],
    ['an array from mailparser', ['<a@x.example>', '<b@y.example>'], ['a@x.example', 'b@y.example']],
    ['repeats', ['<a@x.example> <b@y.example>', '<a@x.example>'], ['a@x.example', 'b@y.example']],
    ['a bare id', 'someone@yahoo.com', ['someone@yahoo.com']],
    ['a bare id without @', '11107978796724623', ['11107978796724623']],
    ['prose around an id', '<id1@host.example> (message from John Doe <john@x.example> on Tue)', ['id1@host.example']],
    ['prose without brackets', 'Your message of Tue, 5 Mar 2002 10:00:00 -0500', []],
    ['case kept', '<F6E2D0B4-CC35-4A91-BA4C-C7C712B10C13@mac.com>', ['F6E2D0B4-CC35-4A91-BA4C-C7C712B10C13@mac.com']],
  ])('%s', (_label, raw, expected) => {
    expect(parseMessageIdList(raw)).toEqual(expected);
  });
});
