import type { FastifyInstance } from 'fastify';

/**
 * No script at all, styles only from rapport's own stylesheet, forms only to itself,
 * never framed: mail shown on the page can neither run nor dress itself up.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Adds the security headers to every response; `isHttps` adds HSTS. */
export function installSecurityHeaders(app: FastifyInstance, isHttps: boolean): void {
  app.addHook('onSend', async (request, reply) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('X-Frame-Options', 'DENY');
    reply.header('X-Content-Type-Options', 'nosniff');
    // Other sites never learn a page's address; rapport's own forms keep their Origin
    // header (with no-referrer, browsers send "Origin: null" and the CSRF check fails).
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    // Pages hold mail; a shared or stolen browser cache should not.
    if (!request.url.startsWith('/static/')) reply.header('Cache-Control', 'no-store');
    if (isHttps) reply.header('Strict-Transport-Security', 'max-age=31536000');
  });
}
