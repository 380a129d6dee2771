import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceFailure, SourceRef } from '../../../src/core/types.ts';
import { readSource, scanExport, type ScanItem } from '../../../src/integrations/mailbox/index.ts';
import { collect, tempDir, toMboxrd, writeFile } from './temp-files.ts';

const dir = tempDir();

const mail = (subject: string, eol = '\r\n'): string =>
  ['Received: from mx.example.com by mail.example.org', 'From: Ada <ada@example.com>', 'To: me@example.org',
    `Subject: ${subject}`, '', 'Hello.', ''].join(eol);

const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

const refs = (items: ScanItem[]): SourceRef[] => items.flatMap((i) => ('ref' in i ? [i.ref] : []));
const failures = (items: ScanItem[]): SourceFailure[] => items.flatMap((i) => ('failure' in i ? [i.failure] : []));
const scan = async (...paths: string[]): Promise<ScanItem[]> => collect(scanExport(paths));

describe('scanExport', () => {
  it('walks a folder of .eml files recursively, in name order, skipping dotfiles and non-mail', async () => {
    const root = path.join(dir, 'eml-folder');
    writeFile(root, 'b.eml', mail('b'));
    writeFile(root, 'a.eml', mail('a'));
    writeFile(root, 'sub/c.eml', mail('c', '\n'));
    writeFile(root, '.DS_Store', Buffer.from([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31]));
    writeFile(root, '.hidden/d.eml', mail('d'));
    writeFile(root, 'notes.json', '{"not": "mail"}');
    writeFile(root, 'photo.png', Buffer.from('89504e470d0a1a0a0000', 'hex'));
    writeFile(root, 'README.md', '# My export\n');
    const items = await scan(root);
    expect(failures(items)).toEqual([]);
    expect(refs(items)).toEqual(['a.eml', 'b.eml', 'sub/c.eml'].map((name) => ({
      path: path.join(root, name), format: 'raw', start: 0,
      end: fs.statSync(path.join(root, name)).size, index: 0,
    })));
  });

  it('reads a maildir tree: cur/ and new/ and Maildir++ subfolders, not tmp/', async () => {
    const root = path.join(dir, 'Maildir');
    writeFile(root, 'cur/1700000000.M1P1.host:2,S', mail('seen'));
    writeFile(root, 'new/1700000001.M2P2.host', mail('new'));
    writeFile(root, 'tmp/1700000002.M3P3.host', 'From: half-writ');
    writeFile(root, '.Sent/cur/1700000003.M4P4.host:2,S', mail('sent'));
    writeFile(root, '.Sent/tmp/1700000004.M5P5.host', 'partial');
    writeFile(root, 'dovecot-uidlist', '3 V1700000000 N4\n');
    writeFile(root, 'dovecot.index', Buffer.from([7, 2, 0, 0, 0x14, 0, 0, 0]));
    writeFile(root, '.Sent/maildirfolder', '');
    const items = await scan(root);
    expect(refs(items).map((r) => path.relative(root, r.path))).toEqual([
      '.Sent/cur/1700000003.M4P4.host:2,S', 'cur/1700000000.M1P1.host:2,S', 'new/1700000001.M2P2.host',
    ]);
    expect(refs(items).every((r) => r.format === 'raw')).toBe(true);
    expect(failures(items)).toEqual([]);
  });

  it('classifies by content, not by name', async () => {
    const root = path.join(dir, 'by-content');
    const mboxrd = toMboxrd([Buffer.from(mail('m1', '\n')), Buffer.from(mail('m2', '\n'))]);
    writeFile(root, 'calendar.txt', `\ufeff\r\n${ICS}`);
    writeFile(root, 'export', mboxrd);
    writeFile(root, 'message.txt', `  \n${mail('raw as txt')}`);
    writeFile(root, 'saved.msg', mail('a text .msg'));
    writeFile(root, 'obsolete.eml', 'From  : John <j@example.com>\r\nSubject : hi\r\n\r\nbody\r\n');
    const byName = Object.fromEntries(refs(await scan(root)).map((r) => [`${path.basename(r.path)}#${r.index}`, r.format]));
    expect(byName).toEqual({
      'calendar.txt#0': 'ics', 'export#0': 'mbox', 'export#1': 'mbox', 'message.txt#0': 'raw', 'obsolete.eml#0': 'raw',
      'saved.msg#0': 'raw',
    });
  });

  it('yields every message of an mbox, readable with readSource', async () => {
    const messages = [mail('one', '\n'), mail('two', '\n'), mail('three', '\n')].map((m) => Buffer.from(m));
    const file = writeFile(dir, 'Inbox.mbox', toMboxrd(messages));
    const found = refs(await scan(file));
    expect(found.map((r) => [r.format, r.index])).toEqual([['mbox', 0], ['mbox', 1], ['mbox', 2]]);
    const read = await Promise.all(found.map((r) => readSource(r)));
    expect(read.map((b) => b.toString())).toEqual(messages.map((b) => b.toString()));
  });

  it('gives an .ics file one ref covering the whole file', async () => {
    const file = writeFile(dir, 'invite.ics', ICS);
    expect(await scan(file)).toEqual([{ ref: { path: file, format: 'ics', start: 0, end: ICS.length, index: 0 } }]);
  });

  it('reports problems and goes on with the other paths', async () => {
    const missing = path.join(dir, 'does-not-exist');
    const empty = writeFile(dir, 'problems/empty.eml', '');
    const binary = writeFile(dir, 'problems/blob.bin', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x7f]));
    const badMbox = writeFile(dir, 'problems/fake.mbox', mail('not an mbox'));
    const text = writeFile(dir, 'problems/notes.txt', 'Shopping list\neggs\nmilk\n');
    const outlook = writeFile(dir, 'problems/old.msg', Buffer.from('d0cf11e0a1b11ae1000000000000', 'hex'));
    const good = writeFile(dir, 'problems-good.eml', mail('fine'));
    const items = await scan(missing, empty, binary, badMbox, text, outlook, good);
    const reasons = Object.fromEntries(failures(items).map((f) => [path.basename(f.path), f.reason]));
    expect(reasons).toEqual({
      'does-not-exist': expect.stringMatching(/^ENOENT: no such file or directory/),
      'empty.eml': 'empty file',
      'blob.bin': expect.stringMatching(/^binary file/),
      'fake.mbox': expect.stringMatching(/mbox.*"From "/),
      'notes.txt': expect.stringMatching(/^not a mail message/),
      'old.msg': expect.stringMatching(/Outlook \.msg/),
    });
    expect(failures(items).every((f) => f.position === 0)).toBe(true);
    expect(refs(items).map((r) => r.path)).toEqual([good]);
  });

  it('reports an mbox that turns out to be broken as a failure, not a throw', async () => {
    // A form feed counts as blank when sniffing, but an mbox allows only blank lines first.
    const file = writeFile(dir, 'odd/form-feed', '\f\nFrom a@example.com Mon Jan  1 00:00:00 2024\n\nbody\n');
    const items = await scan(file);
    expect(refs(items)).toEqual([]);
    expect(failures(items)).toEqual([{ path: file, position: 0, reason: expect.stringMatching(/not an mbox/) }]);
  });

  it('reports a broken symbolic link in a folder and follows a link loop only once', async () => {
    const root = path.join(dir, 'links');
    writeFile(root, 'a.eml', mail('a'));
    fs.symlinkSync(path.join(root, 'nowhere.eml'), path.join(root, 'broken.eml'));
    fs.symlinkSync(root, path.join(root, 'loop'));
    const items = await scan(root);
    expect(refs(items).map((r) => path.basename(r.path))).toEqual(['a.eml']);
    expect(failures(items).map((f) => [path.basename(f.path), f.reason.split(':')[0]])).toEqual([['broken.eml', 'ENOENT']]);
  });

  it('gives the same items in the same order on every scan', async () => {
    const root = path.join(dir, 'eml-folder');
    expect(await scan(root, dir)).toEqual(await scan(root, dir));
  });
});
