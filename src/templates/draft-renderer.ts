import Handlebars from 'handlebars';
import { InvalidInputError } from '../core/errors.ts';
import { projectFile } from '../core/project-files.ts';
import type { DraftFields } from './draft-fields.ts';
import { isDraftKind, type DraftKind, type RequiredFieldPath } from './draft-kinds.ts';
import { buildDraftView, type DraftView } from './draft-view.ts';
import { toSubjectHeader } from './header-text.ts';
import { registerDraftHelpers } from './helpers.ts';
import { tidyBody } from './plain-text.ts';
import { TemplateError } from './template-error.ts';
import { TemplateLibrary, type CompiledDraft } from './template-library.ts';
import { textToHtml } from './text-to-html.ts';

const DEFAULTS_DIR = projectFile('src', 'templates', 'default');

/** A draft as the user will approve it. */
export interface RenderedDraft {
  /**
   * One line, header-safe, at most `MAX_SUBJECT_LENGTH` characters. Plain text like the body:
   * escape it wherever it is shown as HTML.
   */
  subject: string;
  /** The plain-text body: the mail itself. */
  text: string;
  /** The same body as HTML paragraphs, every character of the text escaped. */
  html: string;
}

export type RenderResult =
  | { status: 'ready'; draft: RenderedDraft }
  /** Required fields are missing; the draft shows "[placeholders]" where they would go. */
  | { status: 'needs_input'; missing: RequiredFieldPath[]; draft: RenderedDraft };

export interface DraftRenderer {
  /**
   * Renders `kind` from `fields`. Throws {@link TemplateError} when the kind's template (or a
   * partial it uses) is broken, `InvalidInputError` for fields no user could fix (an invalid
   * `now`, an unknown time zone, a follow-up number below 1).
   */
  render(kind: DraftKind, fields: DraftFields): RenderResult;
  /** Compiles every template and lists every problem, e.g. to report overrides at start-up. */
  check(): TemplateError[];
}

export interface RendererOptions {
  /** Folder of `<kind>.hbs` and `partials/<name>.hbs` files replacing the defaults one by one. */
  overridesDir?: string | null;
}

/** A renderer with its own Handlebars environment; templates compile once, on first use. */
export function createRenderer(options: RendererOptions = {}): DraftRenderer {
  const env = Handlebars.create();
  registerDraftHelpers(env);
  const library = new TemplateLibrary(env, DEFAULTS_DIR, options.overridesDir || null);
  return {
    render(kind, fields) {
      if (!isDraftKind(kind)) throw new InvalidInputError(`Unknown draft kind "${String(kind)}".`);
      const template = library.draft(kind);
      const { view, missing } = buildDraftView(kind, fields);
      const draft = renderDraft(template, view);
      return missing.length > 0 ? { status: 'needs_input', missing, draft } : { status: 'ready', draft };
    },
    check: () => library.check(),
  };
}

/** The renderer of the user's configuration: the defaults, with `drafts.templatesDir`'s templates in their place. */
export function rendererForConfig(config: { drafts: { templatesDir?: string | null } }): DraftRenderer {
  return createRenderer({ overridesDir: config.drafts.templatesDir || null });
}

function renderDraft(template: CompiledDraft, view: DraftView): RenderedDraft {
  // Made header-safe as a whole, which covers every value in it: none can add a header line.
  const subject = toSubjectHeader(template.subject(view));
  const text = tidyBody(template.body(view));
  if (!subject) throw new TemplateError(template.file, null, 'the subject renders empty');
  if (!text) throw new TemplateError(template.file, null, 'the body renders empty');
  const nameless = /^[ \t]*(dear[ \t]*,|(hi|hello|hey)[ \t]+,)/im.exec(text);
  if (nameless) {
    throw new TemplateError(template.file, null, `the greeting renders without a name ("${nameless[0].trim()}")`);
  }
  return { subject, text, html: textToHtml(text) };
}
