import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type Handlebars from 'handlebars';
import { DRAFT_KINDS, isDraftKind, type DraftKind } from './draft-kinds.ts';
import { KNOWN_HELPERS } from './helpers.ts';
import { splitDraftSource } from './template-source.ts';
import { TemplateError, toTemplateError } from './template-error.ts';

type HandlebarsEnv = typeof Handlebars;
/** A compiled template that reports any failure as a {@link TemplateError} naming its file. */
export type RenderFn = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

/** One kind's compiled subject and body, and the file they came from. */
export interface CompiledDraft {
  file: string;
  subject: RenderFn;
  body: RenderFn;
}

// Plain text is mail, not HTML: no escaping here (HTML is escaped when built from the text).
// Strict: a misspelt field fails with its line instead of printing nothing ("Dear ,").
// Known helpers only: an unknown helper is a compile error with its line, not a runtime one.
const COMPILE_OPTIONS = { noEscape: true, strict: true, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true };
const PARTIAL_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The draft templates: the defaults, each replaceable by a file of the same name in the
 * overrides folder (`<kind>.hbs`, `partials/<name>.hbs`). Each file is read and compiled once,
 * on first use; a broken file fails the kinds that use it, with the same error every time.
 */
export class TemplateLibrary {
  private readonly drafts = new Map<DraftKind, CompiledDraft | TemplateError>();
  private readonly partials = new Map<string, 'loading' | 'ready' | TemplateError>();

  constructor(
    private readonly env: HandlebarsEnv,
    private readonly defaultsDir: string,
    private readonly overridesDir: string | null,
  ) {
    if (overridesDir !== null && !isDirectory(overridesDir)) {
      throw new TemplateError(overridesDir, null, 'the template overrides folder does not exist');
    }
  }

  /** The compiled template for `kind`; throws its {@link TemplateError} when it is broken. */
  draft(kind: DraftKind): CompiledDraft {
    let entry = this.drafts.get(kind);
    if (!entry) {
      entry = this.tryCompileDraft(kind);
      this.drafts.set(kind, entry);
    }
    if (entry instanceof TemplateError) throw entry;
    return entry;
  }

  /** Every problem in the templates, for a check at start-up or from the command line. */
  check(): TemplateError[] {
    const problems = new Set<TemplateError>();
    for (const kind of DRAFT_KINDS) {
      const entry = this.drafts.get(kind) ?? this.tryCompileDraft(kind);
      this.drafts.set(kind, entry);
      if (entry instanceof TemplateError) problems.add(entry);
    }
    for (const name of this.partialNames()) {
      const problem = this.loadPartial(name);
      if (problem) problems.add(problem);
    }
    for (const file of this.unusedOverrides()) {
      problems.add(new TemplateError(file, null, `not a draft kind; expected one of ${DRAFT_KINDS.join(', ')}`));
    }
    return [...problems];
  }

  private tryCompileDraft(kind: DraftKind): CompiledDraft | TemplateError {
    const file = this.pick(`${kind}.hbs`);
    try {
      const source = splitDraftSource(readFileSync(file, 'utf8'), file);
      return { file, subject: this.compile(source.subject, file), body: this.compile(source.body, file) };
    } catch (error) {
      return toTemplateError(error, file);
    }
  }

  /** Compiles now (so syntax errors surface here) and loads the partials the source names. */
  private compile(source: string, file: string): RenderFn {
    try {
      this.env.precompile(source, COMPILE_OPTIONS);
    } catch (error) {
      throw toTemplateError(error, file);
    }
    for (const ref of partialReferences(this.env.parse(source))) {
      if (!PARTIAL_NAME.test(ref.name) || !this.partialFile(ref.name)) {
        throw new TemplateError(file, ref.line, `no partial named "${ref.name}" (looked in partials/)`);
      }
      const problem = this.loadPartial(ref.name);
      if (problem) throw problem;
    }
    const template = this.env.compile(source, COMPILE_OPTIONS);
    return (context, options) => {
      try {
        return template(context, options);
      } catch (error) {
        throw toTemplateError(error, file);
      }
    };
  }

  /** Registers partial `name` with the environment; returns its error when it is broken. */
  private loadPartial(name: string): TemplateError | null {
    const state = this.partials.get(name);
    if (state instanceof TemplateError) return state;
    if (state) return null; // ready, or being loaded further up (a recursive partial)
    this.partials.set(name, 'loading');
    const file = this.partialFile(name)!;
    try {
      this.env.registerPartial(name, this.compile(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), file));
      this.partials.set(name, 'ready');
      return null;
    } catch (error) {
      const problem = toTemplateError(error, file);
      this.partials.set(name, problem);
      return problem;
    }
  }

  private partialFile(name: string): string | null {
    const override = this.overridesDir && join(this.overridesDir, 'partials', `${name}.hbs`);
    if (override && existsSync(override)) return override;
    const fallback = join(this.defaultsDir, 'partials', `${name}.hbs`);
    return existsSync(fallback) ? fallback : null;
  }

  private partialNames(): string[] {
    const dirs = [join(this.defaultsDir, 'partials'), ...(this.overridesDir ? [join(this.overridesDir, 'partials')] : [])];
    return [...new Set(dirs.flatMap((dir) => hbsFiles(dir).map((f) => basename(f, '.hbs'))))];
  }

  private unusedOverrides(): string[] {
    if (!this.overridesDir) return [];
    return hbsFiles(this.overridesDir)
      .filter((f) => !isDraftKind(basename(f, '.hbs')))
      .map((f) => join(this.overridesDir!, f));
  }

  /** The override of `fileName` when there is one, else the default. */
  private pick(fileName: string): string {
    const override = this.overridesDir && join(this.overridesDir, fileName);
    return override && existsSync(override) ? override : join(this.defaultsDir, fileName);
  }
}

/**
 * The partials a template names (`{{> name}}`), with the line of each mention; leaves out
 * `@partial-block` and partials the template defines itself (`{{#*inline "name"}}`).
 */
function partialReferences(ast: unknown): { name: string; line: number | null }[] {
  const used: { name: string; line: number | null }[] = [];
  const inline = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as AstNode;
    if ((n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') && n.name?.type === 'PathExpression') {
      used.push({ name: String(n.name.original), line: n.loc?.start?.line ?? null });
    }
    if (n.type === 'DecoratorBlock' && n.path?.original === 'inline') inline.add(String(n.params?.[0]?.value));
    for (const [key, value] of Object.entries(node)) if (key !== 'loc') visit(value);
  };
  visit(ast);
  return used.filter((ref) => !ref.name.startsWith('@') && !inline.has(ref.name));
}

/** The few fields of Handlebars AST nodes the walk above reads. */
interface AstNode {
  type?: string;
  name?: { type?: string; original?: unknown };
  path?: { original?: unknown };
  params?: { value?: unknown }[];
  loc?: { start?: { line?: number } };
}

function hbsFiles(dir: string): string[] {
  return isDirectory(dir) ? readdirSync(dir).filter((f) => f.endsWith('.hbs')) : [];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
