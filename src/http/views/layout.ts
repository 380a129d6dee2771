import { html, type SafeHtml } from './html.ts';

export type Section = 'drafts' | 'meetings' | 'accounts' | 'contacts';

/** What every signed-in page shows around its content. */
export interface PageFrame {
  title: string;
  /** The session's CSRF token, for the forms on the page (sign out included). */
  csrfToken: string;
  section: Section | null;
  /** Drafts waiting for the user, shown in the navigation. */
  openCount?: number;
  notice?: string | null;
  error?: string | null;
}

/** A signed-in page: navigation, a notice or an error, then the content. */
export function layout(frame: PageFrame, content: SafeHtml): string {
  const link = (section: Section, href: string, label: string, extra: string | number = '') =>
    html`<a href="${href}" class="${frame.section === section ? 'current' : ''}">${label}${extra !== '' ? html` (${extra})` : ''}</a>`;
  return document(frame.title, html`
<header class="top">
  <span class="brand">rapport</span>
  <nav>
    ${link('drafts', '/drafts', 'Drafts', frame.openCount ?? '')}
    ${link('contacts', '/contacts', 'Contacts')}
    ${link('meetings', '/meetings', 'Upcoming meetings')}
    ${link('accounts', '/accounts', 'Accounts')}
  </nav>
  ${postForm('/logout', frame.csrfToken, html`<button type="submit">Sign out</button>`, 'inline')}
</header>
<main>
  ${frame.notice ? html`<p class="notice" role="status">${frame.notice}</p>` : ''}
  ${frame.error ? html`<p class="error" role="alert">${frame.error}</p>` : ''}
  ${content}
</main>`);
}

/** A page with no navigation: signing in, errors before signing in, the OAuth callback. */
export function plainPage(title: string, content: SafeHtml): string {
  return document(title, html`<main class="signin"><h1>${title}</h1>${content}</main>`);
}

function document(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rapport: ${title}</title>
<link rel="stylesheet" href="/static/rapport.css">
</head>
<body>${body}</body>
</html>`.text;
}

/** A POST form carrying the session's CSRF token; every state change goes through one. */
export function postForm(action: string, csrfToken: string, content: SafeHtml, className = ''): SafeHtml {
  return html`<form method="post" action="${action}" class="${className}"><input type="hidden" name="_csrf" value="${csrfToken}">${content}</form>`;
}
