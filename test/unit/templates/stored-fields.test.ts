import { describe, expect, it } from 'vitest';
import { createRenderer, draftFieldsFromJson, DRAFT_KINDS } from '../../../src/templates/index.ts';
import { fullFields } from './full-fields.ts';

const renderer = createRenderer();

/** Fields as a draft row keeps them: JSON, so every date is a string. */
const stored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('merge fields as a draft stored them', () => {
  it.each(DRAFT_KINDS)('%s renders from its stored fields exactly as it first rendered', (kind) => {
    const fields = fullFields();
    const again = draftFieldsFromJson(stored(fields));
    expect(again?.now).toEqual(fields.now);
    expect(again?.meeting?.start).toEqual(fields.meeting!.start);
    expect(again?.thread?.requestedAt).toEqual(fields.thread!.requestedAt);
    expect(renderer.render(kind, again!)).toEqual(renderer.render(kind, fields));
  });

  it('keeps a missing meeting or thread missing, and refuses what is not stored fields', () => {
    const again = draftFieldsFromJson(stored(fullFields({ meeting: null, thread: undefined })));
    expect(again?.meeting).toBeNull();
    expect(again?.thread).toBeUndefined();
    expect(draftFieldsFromJson(null)).toBeNull();
    expect(draftFieldsFromJson({ user: {}, contact: {} })).toBeNull();
    expect(draftFieldsFromJson({ user: {}, contact: {}, now: 'not a date' })).toBeNull();
    expect(draftFieldsFromJson([{ user: {}, contact: {}, now: '2026-01-01T00:00:00Z' }])).toBeNull();
  });
});
