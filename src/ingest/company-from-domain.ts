/**
 * Infers the company behind a work address from its domain. Public-suffix logic comes
 * from `tldts` (the Mozilla Public Suffix List), used only through {@link registrableParts}.
 */
import { domainToUnicode } from 'node:url';
import { parse } from 'tldts';
import type { CompanyRef } from '../core/types.ts';

/**
 * Mail providers where anyone can get an address, so the domain says nothing about an
 * employer. An entry matches its domain and every subdomain (`email.msn.com`); an entry
 * ending in `.*` matches that name under any public suffix (`yahoo.co.uk`, `gmx.de`).
 */
export const DEFAULT_FREE_MAIL_DOMAINS: readonly string[] = [
  'gmail.com', 'googlemail.com', 'yahoo.*', 'ymail.com', 'rocketmail.com', 'hotmail.*',
  'outlook.*', 'live.*', 'msn.com', 'windowslive.com', 'passport.com', 'aol.*', 'aim.com',
  'icloud.com', 'me.com', 'mac.com', 'proton.me', 'pm.me', 'protonmail.com', 'protonmail.ch',
  'tutanota.com', 'tuta.io', 'fastmail.com', 'fastmail.fm', 'hey.com', 'zoho.com',
  'hushmail.com', 'mail.com', 'email.com', 'usa.net', 'gmx.*', 'web.de', 't-online.de',
  'freenet.de', 'mail.ru', 'inbox.ru', 'bk.ru', 'list.ru', 'rambler.ru', 'yandex.*', 'ya.ru',
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com',
  'naver.com', 'hanmail.net', 'daum.net', 'rediffmail.com', 'wp.pl', 'o2.pl', 'onet.pl',
  'interia.pl', 'seznam.cz', 'libero.it', 'virgilio.it', 'tiscali.*', 'orange.fr',
  'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'btinternet.com', 'ntlworld.com',
  'virginmedia.com', 'sky.com', 'talktalk.net', 'freeserve.co.uk', 'bigpond.com',
  'bigpond.net.au', 'shaw.ca', 'rogers.com', 'sympatico.ca', 'comcast.net', 'verizon.net',
  'att.net', 'sbcglobal.net', 'bellsouth.net', 'swbell.net', 'pacbell.net', 'prodigy.net',
  'earthlink.net', 'mindspring.com', 'netcom.com', 'juno.com', 'netzero.net', 'cox.net',
  'charter.net', 'optonline.net', 'rr.com', 'roadrunner.com', 'frontier.com', 'home.com',
  'compuserve.com', 'excite.com', 'lycos.com', 'netscape.net', 'altavista.com', 'psinet.com',
];

/**
 * Infers the company of a work address: its registrable domain (`ect.enron.com` →
 * `enron.com`, `cs.ox.ac.uk` → `ox.ac.uk`) and a readable name from the label before the
 * public suffix ("Enron", "Ox"; short labels read as acronyms: "MIT", "UH").
 *
 * @param freeMailDomains entries in the {@link DEFAULT_FREE_MAIL_DOMAINS} form.
 * @returns null for free-mail providers and for domains with no registrable part (IP
 *   addresses, single labels such as `localhost`).
 */
export function companyFromAddress(address: string, freeMailDomains: readonly string[]): CompanyRef | null {
  const at = address.lastIndexOf('@');
  if (at < 0) return null;
  const host = address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
  const parts = registrableParts(host);
  if (!parts) return null;
  if (freeMailDomains.some((entry) => matchesFreeMail(entry, host, parts.label))) return null;
  return { domain: parts.domain, name: companyName(parts.label) };
}

/** The registrable domain and the label before its public suffix, or null. */
function registrableParts(host: string): { domain: string; label: string } | null {
  // Private suffixes (github.io, blogspot.com…) are off: they name hosts, not employers.
  const { domain, domainWithoutSuffix, isIp } = parse(host, { allowPrivateDomains: false });
  if (isIp || !domain || !domainWithoutSuffix) return null;
  return { domain, label: domainWithoutSuffix };
}

function matchesFreeMail(entry: string, host: string, label: string): boolean {
  const pattern = entry.trim().toLowerCase();
  if (pattern.endsWith('.*')) return label === pattern.slice(0, -2);
  return host === pattern || host.endsWith(`.${pattern}`);
}

/** "enron" → "Enron", "coral-energy" → "Coral Energy" (a hyphen in a domain stands for a space), "mit" → "MIT". */
function companyName(label: string): string {
  // Punycode labels (xn--…) read as gibberish; show the letters the owner chose.
  const readable = label.startsWith('xn--') ? domainToUnicode(label) || label : label;
  if ([...readable].length <= 3) return readable.toUpperCase();
  return readable
    .split('-')
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');
}
