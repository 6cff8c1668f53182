/**
 * Templates for `parasol render`: Handlebars (https://handlebarsjs.com), with
 *
 *   {{secret "NAME-OR-ARN[:json-key[:version-stage[:version-id]]]"}}   a Secrets Manager value
 *   {{parameter "NAME-OR-ARN[:version|:label]"}}                      a Parameter Store value (decrypted)
 *   {{json X}}    X as a JSON string literal (for JSON files)
 *   {{shell X}}   X in single quotes for sh and .env files ('…' with ' as '\'')
 *
 * Output is not HTML-escaped (these are config files, not web pages), and a
 * name the template does not define is an error (strict mode).
 *
 * Handlebars helpers are synchronous, so values are fetched before the
 * render that uses them: a first pass records every reference the template
 * reaches, they are fetched in one go, and the next pass writes the values.
 * A pass that reaches references the previous one did not (a branch that
 * depends on a value) fetches those too, up to MAX_PASSES.
 */
import Handlebars from 'handlebars';
import { parseParameterRef, parseSecretRef, type Ref } from './refs.js';

export class TemplateError extends Error {
  readonly code = 'TemplateError';
}

/** Fetches values for references (keyed by `Ref.text`); throws when any does not resolve. */
export type Lookup = (refs: Ref[]) => Promise<Map<string, string>>;

const MAX_PASSES = 4;
/** What a helper returns for a reference not fetched yet (non-empty, so `{{#if}}` takes the branch a value would). */
const PENDING = 'parasol-pending-value';

export class Template {
  private readonly render: HandlebarsTemplateDelegate;
  private known = new Map<string, string>();
  private reached = new Map<string, Ref>();

  constructor(
    text: string,
    private readonly name: string,
  ) {
    const hb = Handlebars.create();
    const reference =
      (helper: string, parse: (body: string) => Ref) =>
      (...args: unknown[]) => {
        const params = args.slice(0, -1);
        if (params.length !== 1 || typeof params[0] !== 'string' || params[0] === '') {
          throw new TemplateError(`${this.name}: {{${helper}}} takes one quoted reference, e.g. {{${helper} "app/db:password"}}`);
        }
        const body = params[0];
        // `sm:`/`ssm:` prefixes are accepted too, so a REF from `parasol exec` can be pasted as is.
        const ref = parse(helper === 'secret' ? body.replace(/^sm:/, '') : body.replace(/^ssm:/, ''));
        this.reached.set(ref.text, ref);
        return this.known.get(ref.text) ?? PENDING;
      };
    hb.registerHelper(
      'secret',
      reference('secret', (b) => parseSecretRef(b)),
    );
    hb.registerHelper(
      'parameter',
      reference('parameter', (b) => parseParameterRef(b)),
    );
    hb.registerHelper('json', (...args: unknown[]) => JSON.stringify(String(args[0] ?? '')));
    hb.registerHelper('shell', (...args: unknown[]) => `'${String(args[0] ?? '').replaceAll("'", "'\\''")}'`);
    try {
      this.render = hb.compile(text, { noEscape: true, strict: true });
      // Compile errors surface on first use; run once with nothing known to report them now.
      this.render({});
    } catch (e) {
      throw this.wrap(e);
    }
  }

  /** References the template reached on its last pass (the ones it needs). */
  references(): Ref[] {
    return [...this.reached.values()];
  }

  /**
   * Renders with fresh values: every reference is fetched again (so a
   * re-render sees changes), then the output is produced. Values are held
   * only for the duration of the call.
   */
  async renderWith(lookup: Lookup): Promise<string> {
    this.known = new Map();
    try {
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        this.reached = new Map();
        const output = this.run();
        const missing = [...this.reached.values()].filter((r) => !this.known.has(r.text));
        if (missing.length === 0) return output;
        for (const [text, value] of await lookup(missing)) this.known.set(text, value);
      }
      throw new TemplateError(`${this.name}: references still changed after ${MAX_PASSES} passes (they depend on each other's values)`);
    } finally {
      this.known = new Map();
    }
  }

  private run(): string {
    try {
      return this.render({});
    } catch (e) {
      throw this.wrap(e);
    }
  }

  /** Handlebars' own messages quote the template (not values); ours pass through. */
  private wrap(e: unknown): Error {
    if (e instanceof TemplateError || (e as { code?: string })?.code === 'InvalidReference') return e as Error;
    const message = e instanceof Error ? e.message.split('\n').slice(0, 4).join(' ') : String(e);
    return new TemplateError(`${this.name}: ${message}`);
  }
}
