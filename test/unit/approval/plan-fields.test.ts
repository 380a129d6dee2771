import { describe, expect, it } from 'vitest';
import { checkInFields, followUpFields, outreachFields, readableName, thankYouFields, type ContactProfile, type UserProfile } from '../../../src/approval/plan-fields.ts';
import { createRenderer } from '../../../src/templates/index.ts';

const user: UserProfile = {
  name: 'Alex Student', role: 'a second-year student at State University', field: 'product management',
  signature: '', timeZone: 'America/New_York',
};
const contact: ContactProfile = {
  contactId: 3, name: 'Doe, Jane', address: 'jane.doe@acme.example', title: null, source: null,
  company: 'Acme', referrerName: 'Professor Lee', field: null,
};
const now = new Date('2026-03-10T16:00:00Z');
const renderer = createRenderer();

describe('the fields the planner drafts from', () => {
  it('a thank-you names the meeting and replies in the request thread, and waits for the takeaway', () => {
    const fields = thankYouFields({
      user, userEmail: 'alex.student@university.example', contact, now,
      meeting: { start: new Date('2026-03-10T15:00:00Z'), end: new Date('2026-03-10T15:30:00Z'), summary: 'Coffee chat: Alex / Jane' },
      thread: { subject: 'Informational interview request', requestedAt: new Date('2026-03-02T14:15:00Z') },
      referrals: ['Sam Rivera'],
    });
    const result = renderer.render('thank_you', fields);
    expect(result.status).toBe('needs_input');
    expect(result.status === 'needs_input' && result.missing).toEqual(['takeaway']);
    expect(result.draft.subject).toBe('Re: Informational interview request');
    expect(result.draft.text).toMatch(/^Hi Jane,/);
    expect(result.draft.text).toContain('Thank you for our coffee today');
    expect(result.draft.text).toContain('speak with Sam Rivera');
    expect(result.draft.text).toContain('alex.student@university.example');
  });

  it('a follow-up is a reply that restates the request', () => {
    const result = renderer.render('follow_up', followUpFields({
      user, userEmail: null, contact, now,
      thread: { subject: 'Informational interview request', requestedAt: new Date('2026-03-02T14:15:00Z') },
      followUpNumber: 2,
    }));
    expect(result.status).toBe('ready');
    expect(result.draft.subject).toBe('Re: Informational interview request');
    expect(result.draft.text).toContain('one last time');
    expect(result.draft.text).toContain('product management');
  });

  it('a target list may name another field for one person; the referrer opens a referral intro', () => {
    const result = renderer.render('referral_intro', outreachFields({
      user, userEmail: null, contact: { ...contact, field: 'supply chain analytics' }, now,
    }));
    expect(result.status).toBe('ready');
    expect(result.draft.subject).toBe('Professor Lee suggested I get in touch');
    expect(result.draft.text).toContain('exploring a career in supply chain analytics');
    expect(result.draft.text).toContain('your work at Acme');
  });

  it('a check-in waits for the user news; an empty profile asks for the user name', () => {
    const result = renderer.render('check_in', checkInFields({
      user: { ...user, name: ' ' }, userEmail: null, contact, now, lastMeeting: null,
    }));
    expect(result.status === 'needs_input' && result.missing).toEqual(['user.name', 'update']);
  });
});

describe('names as a person reads them', () => {
  it('turns "Last, First" around and leaves everything else alone', () => {
    expect(readableName('Doe, Jane')).toBe('Jane Doe');
    expect(readableName('Jane Doe, PhD')).toBe('Jane Doe, PhD');
    expect(readableName('Jane Doe')).toBe('Jane Doe');
    expect(readableName('Acme, Inc., Sales')).toBe('Acme, Inc., Sales');
    expect(readableName(null)).toBeNull();
  });
});
