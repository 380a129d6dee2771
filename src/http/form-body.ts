import type { FastifyInstance } from 'fastify';

/** A submitted HTML form: each field's first value. */
export type FormFields = Record<string, string | undefined>;

const MAX_FORM_BYTES = 256 * 1024;

/** Parses `application/x-www-form-urlencoded` bodies, as the page's forms send them. */
export function installFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MAX_FORM_BYTES }, (_request, body, done) => {
    const fields: FormFields = Object.create(null) as FormFields;
    for (const [name, value] of new URLSearchParams(body as string)) if (!(name in fields)) fields[name] = value;
    done(null, fields);
  });
}

/** The body as form fields (an empty record when it is not a form). */
export function formOf(body: unknown): FormFields {
  return typeof body === 'object' && body !== null ? (body as FormFields) : {};
}
