/**
 * Recognises mailboxes that belong to a function or a machine rather than a person, so
 * they are not logged as contacts.
 */

/**
 * Local parts of role and system mailboxes. Each entry matches the whole local part
 * (before any `+tag`), case-insensitively; `*` stands for any run of characters, so
 * `owner-*` matches `owner-energy-l`. Whole-part matching is what keeps people out:
 * `info` must not catch `sinfo@`, nor `jobs` catch `steve.jobs@`. Configuration extends
 * this list with entries of the same form.
 */
export const ROLE_LOCAL_PARTS: readonly string[] = [
  // Machines that never read replies.
  '*noreply*', '*no-reply*', '*no_reply*', '*no.reply*', '*donotreply*', '*do-not-reply*',
  '*do_not_reply*', 'mailer-daemon', 'mailerdaemon', 'postmaster', 'daemon', 'root',
  'bounce', 'bounces', 'bounce-*', 'bounces-*', '*-bounces', 'automated', 'www',
  'notification', 'notifications', 'notify', 'alert', 'alerts',
  'calendar-notification', 'calendar-server', 'messaging.agent',
  // Mailing-list software.
  'listserv', 'majordomo', 'mailman', 'owner-*', '*-owner', '*-request',
  // Functions staffed by whoever is on duty.
  'info', 'support', 'help', 'helpdesk', 'admin', 'administrator', '*.admin', '*-admin',
  'webmaster', 'newsletter', 'newsletters', 'news', 'enews', 'marketing', 'sales',
  'billing', 'invoice', 'invoices', 'receipt', 'receipts', 'orders', 'orderreceipt',
  '*custserv*', 'customerservice', 'customer-service', 'customer.service', 'feedback',
  'abuse', 'security', 'team', '*-team', '*.team', 'hello', 'contact', 'office', 'hr',
  'jobs', 'careers', 'recruiting', 'registrar', 'register', 'registration', 'techhelp',
  'mail', 'web',
  // Distribution lists: everyone in a group, nobody in particular (all.houston@enron.com).
  'all', 'all.*', 'all-*', 'everyone', 'staff', 'faculty', 'students', 'seminars',
  'announcement', 'announcements', '*.announcement', '*.announcements',
  // Enron's performance-review system, a large share of the sample mailbox.
  'perfmgmt',
];

const patternCache = new Map<string, RegExp>();

/**
 * Tells whether an address is a no-reply, role or system mailbox (noreply@, postmaster@,
 * info@, owner-list@, list-request@, perfmgmt@…) rather than a person.
 *
 * @param address a normalised address (see `normalizeAddress`).
 * @param extraLocalParts more entries of the {@link ROLE_LOCAL_PARTS} form, from config.
 */
export function isRoleAddress(address: string, extraLocalParts: readonly string[] = []): boolean {
  const at = address.lastIndexOf('@');
  const local = (at < 0 ? address : address.slice(0, at)).toLowerCase();
  // Sub-addressing (`notifications+abc@`) names the same mailbox.
  const mailbox = local.replace(/\+.*$/s, '');
  if (!mailbox) return false;
  const matches = (entry: string) => patternOf(entry).test(mailbox);
  return ROLE_LOCAL_PARTS.some(matches) || extraLocalParts.some(matches);
}

function patternOf(entry: string): RegExp {
  let pattern = patternCache.get(entry);
  if (!pattern) {
    const body = entry.trim().toLowerCase().split('*').map(escapeRegExp).join('.*');
    pattern = new RegExp(`^${body}$`, 's');
    patternCache.set(entry, pattern);
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
