import { describe, expect, it } from 'vitest';
import { isRoleAddress, ROLE_LOCAL_PARTS } from '../../../src/ingest/role-address.ts';

describe('isRoleAddress', () => {
  it.each([
    // Seen in the Enron kaminski-v mailbox.
    'perfmgmt@enron.com',
    'perfmgmt@ect.enron.com',
    'webmaster@cera.com',
    'info@cera.com',
    'register@cera.com',
    'enron.announcements@enron.com',
    'ect.admin@enron.com',
    'enron-admin@fsddatasvc.com',
    'listserv@peach.ease.lsoft.com',
    'custserv@hbsp.harvard.edu',
    'orders@nber.org',
    'www@cup.cam.ac.uk',
    'all.houston@enron.com',
    'messaging.agent@enron.com',
    // Seen in the parser fixtures.
    'mailer-daemon@googlemail.com',
    'postmaster@example.no',
    'noreply@insideicloud.icloud.com',
    'no-reply@crm.el-example.org',
    'gmail-noreply@google.com',
    'calendar-notification@google.com',
    'owner-new-httpd@apache.org',
    'ubuntu-bugs-request@lists.ubuntu.com',
    'csail-announce-bounces@lists.csail.mit.edu',
    'notification+45b0d380@blah.com',
    'feedback@arf.mail.yahoo.com',
    // Common elsewhere.
    'do-not-reply@bank.example',
    'DoNotReply@Example.com',
    'support@company.example',
    'careers@company.example',
    'calendar-server@apple.com',
  ])('%s is not a person', (address) => {
    expect(isRoleAddress(address)).toBe(true);
  });

  it.each([
    'vince.kaminski@enron.com',
    'j..kaminski@enron.com',
    'sinfo@example.com',
    'steve.jobs@apple.com',
    'amy.root@example.com',
    'jane.sales@example.com',
    'newsom@example.com',
    'alla.gil@ssmb.com',
    'allan.roberts@uk.arthurandersen.com',
    'christie.patrick@enron.com',
    'j_martin@baylor.edu',
    'castro@rice.edu',
    'helpern@example.com',
    'teamster.joe@example.com',
    'vkaminski@aol.com',
  ])('%s is a person', (address) => {
    expect(isRoleAddress(address)).toBe(false);
  });

  it('takes extra local parts, with wildcards, from configuration', () => {
    expect(isRoleAddress('ecthou-domweb1@enron.com')).toBe(false);
    expect(isRoleAddress('ecthou-domweb1@enron.com', ['ecthou-*'])).toBe(true);
    expect(isRoleAddress('Research.Group@enron.com', ['research.group'])).toBe(true);
  });

  it('exposes its list, in the same form as the extras, for configuration to show or extend', () => {
    expect(ROLE_LOCAL_PARTS).toEqual(expect.arrayContaining(['postmaster', '*noreply*', 'owner-*', '*-request']));
  });
});
