/**
 * Correcting a contact's name or title after rapport drafted to them: the drafts still
 * waiting are written again with it (one that waited only for their name becomes ready),
 * while a draft whose words the user changed keeps them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { editDraft } from '../../src/approval/approval-actions.ts';
import { redraftRenamedContact } from '../../src/approval/redraft-renamed.ts';
import { setContactDetails, type ContactDetails } from '../../src/store/contact-details.ts';
import { findContact } from '../../src/store/contact-queries.ts';
import { setNurture } from '../../src/store/planner-contact-queries.ts';
import { importTargets } from '../../src/workers/planner-targets.ts';
import { createRenderer } from '../../src/templates/index.ts';
import { ENGINES } from '../helpers/test-store.ts';
import { openScenario, type PlannerScenario } from './planner-harness.ts';

const renderer = createRenderer();

async function rename(s: PlannerScenario, address: string, details: ContactDetails): Promise<number> {
  const { id } = await findContact(s.store.db, address);
  await setContactDetails(s.store.db, id, details);
  return redraftRenamedContact({ db: s.store.db, renderer }, id);
}

describe('waiting drafts after the user corrects a name', () => {
  let s: PlannerScenario;
  afterEach(async () => {
    await s.dispose();
  });

  it.each(ENGINES)('a follow-up that waited for a first name is ready once the contact is named (%s)', async (engine) => {
    // Alex wrote to an address with no name on Tuesday, March 3; seven business days have gone by.
    s = await openScenario(engine, '2026-03-13T12:00:00Z');
    await s.ingest('request-dana.eml');
    const [waiting] = await s.drafts('follow_up');
    expect(waiting).toMatchObject({ status: 'needs_input', missingFields: ['contact.firstName'], toAddress: 'dpark@initech.example' });
    expect(waiting!.body).toMatch(/^Hi \[contact first name\],/);

    expect(await rename(s, 'dpark@initech.example', { name: 'Dana Park' })).toBe(1);
    const [ready] = await s.drafts('follow_up');
    expect(ready).toMatchObject({ id: waiting!.id, status: 'pending', missingFields: [], toName: 'Dana Park', subject: waiting!.subject });
    expect(ready!.body).toMatch(/^Hi Dana,/);
    expect(ready!.body).not.toContain('[');
    expect(ready!.html).toContain('Hi Dana,');
    // The same again changes nothing.
    expect(await rename(s, 'dpark@initech.example', { name: 'Dana Park' })).toBe(0);
  });

  it('a check-in greets the new name and its reason names them; an edited draft keeps the user’s words', async () => {
    s = await openScenario('pglite', '2026-03-01T12:00:00Z');
    await s.ingest('hello-carol.eml');
    const { id } = await findContact(s.store.db, 'carol.chen@globex.example');
    await setNurture(s.store.db, id, true);
    await s.service.scanNow();
    s.setClock('2026-04-06T12:00:00Z');
    await s.service.scanNow();
    const [before] = await s.drafts('check_in');
    expect(before!.body).toMatch(/^(Hi|Dear) Carol,/);

    expect(await rename(s, 'carol.chen@globex.example', { name: 'Caroline Chen-Park', title: 'Head of Partnerships' })).toBe(1);
    const [after] = await s.drafts('check_in');
    expect(after).toMatchObject({
      status: 'needs_input', missingFields: ['update'], toName: 'Caroline Chen-Park',
      reason: expect.stringContaining('Last in touch with Caroline Chen-Park on January 5, 2026'),
    });
    expect(after!.body).toMatch(/^(Hi|Dear) Caroline,/);
    expect(after!.fields).toMatchObject({ contact: { fullName: 'Caroline Chen-Park', title: 'Head of Partnerships' } });

    const typed = 'Hi Caroline,\n\nI started at Globex last week and thought of you.\n\nAlex\n';
    await editDraft({ db: s.store.db, scheduleDelivery: async () => {} }, after!.id, { subject: after!.subject, body: typed });
    expect(await rename(s, 'carol.chen@globex.example', { name: 'Carol Chen' })).toBe(0);
    const [kept] = await s.drafts('check_in');
    expect(kept).toMatchObject({ status: 'pending', body: typed, toName: 'Caroline Chen-Park' });
  });
});

describe('a waiting request to meet after the user says how they got the name', () => {
  let s: PlannerScenario;
  afterEach(async () => {
    await s.dispose();
  });

  it('waited for “how you got their name”, and is ready once the user gives it', async () => {
    s = await openScenario('pglite', '2026-04-06T15:00:00Z');
    const list = 'name,email,company,source,referrer,field\nKim Park,kim.park@globex.example,Globex,,,\n';
    expect(await importTargets({ db: s.store.db, config: s.config }, 'targets.csv', list)).toMatchObject({ added: 1 });
    await s.service.scanNow();
    const [waiting] = await s.drafts('outreach_request');
    expect(waiting).toMatchObject({ status: 'needs_input', missingFields: ['contact.source'] });
    expect(waiting!.body).toContain('[how you got their name]');

    expect(await rename(s, 'kim.park@globex.example', { source: 'the State University alumni directory' })).toBe(1);
    const [ready] = await s.drafts('outreach_request');
    expect(ready).toMatchObject({ id: waiting!.id, status: 'pending', missingFields: [], toName: 'Kim Park' });
    expect(ready!.body).toContain('I came across your name through the State University alumni directory');
    expect(ready!.body).not.toContain('[');
  });
});

describe('waiting drafts after the user renames the person who referred someone', () => {
  let s: PlannerScenario;
  afterEach(async () => {
    await s.dispose();
  });

  it('a follow-up that says who suggested the contact names the referrer anew', async () => {
    s = await openScenario('postgres', '2026-03-13T12:00:00Z');
    await s.ingest('referral-bob.eml', 'request-dana.eml');
    const [before] = await s.drafts('follow_up');
    expect(before!.body).toContain('(Bob Lumbergh suggested I contact you)');

    expect(await rename(s, 'bob@initech.example', { name: 'Robert Lumbergh' })).toBe(1);
    const [after] = await s.drafts('follow_up');
    expect(after).toMatchObject({ id: before!.id, toAddress: 'dpark@initech.example', status: before!.status });
    expect(after!.body).toContain('(Robert Lumbergh suggested I contact you)');
    expect(after!.body).not.toContain('Bob Lumbergh');
  });
});
