/**
 * Draft templates: fills Handlebars templates with a contact's, meeting's and thread's fields
 * to produce the subject, plain text and HTML of a draft for the user to approve.
 * Reads template files and nothing else.
 */
export { createRenderer, rendererForConfig } from './draft-renderer.ts';
export type { DraftRenderer, RenderedDraft, RenderResult, RendererOptions } from './draft-renderer.ts';
export { DRAFT_KINDS, REQUIRED_FIELDS, PLACEHOLDER_LABELS, isDraftKind } from './draft-kinds.ts';
export type { DraftKind, RequiredFieldPath, FieldRequirement } from './draft-kinds.ts';
export type { DraftFields, UserFields, ContactFields, MeetingFields, ThreadFields } from './draft-fields.ts';
export { draftFieldsFromJson } from './draft-fields.ts';
export { TemplateError } from './template-error.ts';
export { MAX_SUBJECT_LENGTH } from './header-text.ts';
