import { html, type SafeHtml } from './html.ts';
import { plainPage } from './layout.ts';

/** The sign-in page: the token printed by `rapport start`, or the configured password. */
export function loginView(options: { usesPassword: boolean; next: string; error?: string | null }): string {
  const what = options.usesPassword ? 'password' : 'token';
  const help: SafeHtml = options.usesPassword
    ? html`Enter the password set in <code>web.password</code> (or RAPPORT_WEB_PASSWORD).`
    : html`Enter the token <code>rapport start</code> printed when it started.`;
  return plainPage('Sign in', html`
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<p class="meta">${help}</p>
<form method="post" action="/login" class="stack">
  <input type="hidden" name="next" value="${options.next}">
  <label for="secret">${what[0]!.toUpperCase()}${what.slice(1)}</label>
  <input type="password" id="secret" name="secret" autocomplete="current-password" required autofocus>
  <p><button type="submit" class="primary">Sign in</button></p>
</form>`);
}
