import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeError, REDACTED, safeFields, scrubText, summaryOf } from '../../../src/observability/log-safety.ts';
import { createLogger } from '../../../src/observability/logger.ts';

describe('what the log may hold', () => {
  it('masks token-like text in strings', () => {
    expect(scrubText('Authorization: Bearer ya29.a0AfH6SMBx-secret')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(scrubText('POST /token refresh_token=1//0gAbCdEfGhIjKlMnOpQrStUv&client_secret=shh')).toBe(
      `POST /token refresh_token=${REDACTED}&client_secret=${REDACTED}`,
    );
    expect(scrubText('GET /login?token=abc123 failed')).toBe(`GET /login?token=${REDACTED} failed`);
    expect(scrubText('redis://:hunter2@cache.internal:6379 refused')).toBe(`redis://:${REDACTED}@cache.internal:6379 refused`);
    expect(scrubText('id token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl')).toBe(`id token ${REDACTED}`);
    expect(scrubText('x'.repeat(2000)).length).toBeLessThan(600);
  });

  it('drops fields that hold secrets or mail content, at any depth', () => {
    const fields = safeFields({
      jobId: 'mail-1', accountId: 3,
      tokens: { refresh_token: 'r' }, nested: { deeper: { body: 'Dear Jane', html: '<p>Dear Jane</p>', count: 2 } },
      headers: { authorization: 'Bearer x', Cookie: 'rapport_session=s' }, raw: Buffer.from('From: a'),
      password: 'p', subject: 'Salary', clientSecret: 'c',
    });
    expect(fields).toEqual({
      jobId: 'mail-1', accountId: 3,
      tokens: REDACTED, nested: { deeper: { body: REDACTED, html: REDACTED, count: 2 } },
      headers: { authorization: REDACTED, Cookie: REDACTED }, raw: REDACTED,
      password: REDACTED, subject: REDACTED, clientSecret: REDACTED,
    });
  });

  it('an error is its type, message, status and causes: never the request a client library attached', () => {
    const cause = Object.assign(new Error('invalid_grant'), {
      status: 400,
      config: { headers: { Authorization: 'Bearer ya29.secret' }, data: 'refresh_token=1//0gSecretSecretSecretSecret' },
      response: { data: { error: 'invalid_grant' } },
    });
    const err = new Error('Google refused access_token=abc', { cause });
    expect(describeError(err)).toEqual({
      type: 'Error', message: `Google refused access_token=${REDACTED}`,
      cause: { type: 'Error', message: 'invalid_grant', status: 400 },
    });
  });

  it('a job summary keeps ids, counts and states; lists become their length', () => {
    expect(summaryOf({ accountId: 1, refs: [{ file: 'a' }, { file: 'b' }], status: 'synced', body: 'x', meta: { a: 1 } })).toEqual({
      accountId: 1, refsCount: 2, status: 'synced',
    });
  });

  it('the logger writes JSON lines with a level name and scrubs what it is given', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } }) });
    log.info({ jobId: 'deliver-4', body: 'Dear Jane', err: new Error('token=t0k3n') }, 'sent with Bearer abc.def');
    log.debug('not at info');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', service: 'rapport', jobId: 'deliver-4', body: REDACTED, err: { type: 'Error', message: `token=${REDACTED}` } });
    expect(record.msg).toBe(`sent with Bearer ${REDACTED}`);
    expect(typeof record.time).toBe('string');
  });
});
