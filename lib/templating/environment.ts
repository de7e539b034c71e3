// The Handlebars environments webhook templates compile in: isolated (Handlebars.create()), our
// helpers only, no `log`, no partials, prototype access off, and a budget on #each so that no
// template can render for long or grow without bound.
// Escaping follows the field's context, never HTML: our JavaScriptCompiler (the documented way to
// change what compiled templates emit) makes every {{escaped}} mustache call the render's own
// escape function (lib/templating/escape.ts) instead of Handlebars' HTML escaping.
// Each Handlebars call wraps every helper of its environment, so a template compiles in an
// environment holding only the helpers it uses (one environment per set, cached).
import Handlebars from "handlebars";
import { escapeValue, newRenderState, type EscapeMode, type RenderState } from "./escape";
import { helperImplementations, type Helper } from "./helpers";
import { TemplateError } from "./template-error";

type Env = typeof Handlebars;

/** Helper output that is a JSON value ({{json x}}): raw in a JSON field, percent-encoded in a URL. */
export class JsonText extends Handlebars.SafeString {}
/** Helper output that is already percent-encoded ({{urlencode x}}). */
export class UrlEncodedText extends Handlebars.SafeString {}

/** The block helper that renders one field of a request rendered in a single call. */
export const FIELD = "__field";
/** Names a template may not call: they belong to the renderer. */
export const INTERNAL_HELPERS = new Set(["__esc", FIELD, "log", "helperMissing", "blockHelperMissing"]);

const HELPERS = helperImplementations({ json: (s) => new JsonText(s), urlencoded: (s) => new UrlEncodedText(s) });
const OPTIONAL_BUILTINS = ["if", "unless", "with", "lookup"];

/** Every helper a template may call (compile-time check: knownHelpersOnly). */
export const knownHelpers: Record<string, boolean> = Object.fromEntries([...Object.keys(HELPERS), ...OPTIONAL_BUILTINS, "each", FIELD].map((n) => [n, true]));
export const compileOptions = { knownHelpersOnly: true, knownHelpers, strict: false, assumeObjects: false, preventIndent: true, compat: false } as const;

type Options = Handlebars.HelperOptions & { data?: { __r?: RenderState } };
const stateOf = (options: Options): RenderState | undefined => options?.data?.__r;

/** A render's state, with the escape function compiled templates call for {{escaped}} values. */
export function createRenderState(mode: EscapeMode, maxMs: number): RenderState {
  const state = newRenderState(mode, maxMs);
  state.esc = (value: unknown) => {
    if (value instanceof Handlebars.SafeString) {
      const kind = value instanceof JsonText ? "json" : value instanceof UrlEncodedText ? "urlencoded" : "safe";
      return escapeValue(String(value), kind, state);
    }
    return escapeValue(value, "value", state);
  };
  return state;
}

/** Runtime options for one render: prototype access stays off; the state rides along in @data. */
export function runtimeOptions(context: object, state: RenderState): Handlebars.RuntimeOptions {
  return {
    allowProtoPropertiesByDefault: false,
    allowProtoMethodsByDefault: false,
    data: { root: context, __r: state },
  };
}

type CompilerInstance = { pushSource(s: unknown): void; appendToBuffer(s: unknown[]): unknown; aliasable(name: string): unknown; popStack(): unknown };
type CompilerClass = { new (): CompilerInstance; prototype: CompilerInstance & Record<string, unknown> };
const BaseCompiler = (Handlebars as unknown as { JavaScriptCompiler: CompilerClass }).JavaScriptCompiler;
function ContextEscapingCompiler(this: CompilerInstance) {
  BaseCompiler.apply(this);
}
ContextEscapingCompiler.prototype = Object.create(BaseCompiler.prototype);
ContextEscapingCompiler.prototype.compiler = ContextEscapingCompiler; // child programs too
ContextEscapingCompiler.prototype.appendEscaped = function (this: CompilerInstance) {
  // `data` is a parameter of every compiled program; the render state rides in it as @__r
  this.pushSource(this.appendToBuffer(["(data && data.__r ? data.__r.esc : ", this.aliasable("container.escapeExpression"), ")(", this.popStack(), ")"]));
};

function fieldHelper(this: unknown, index: number, mode: EscapeMode, options: Options) {
  const state = stateOf(options);
  if (!state?.outputs) return "";
  state.mode = mode;
  state.outputs[index] = String(options.fn(this)); // a block of one mustache returns its SafeString
  return "";
}

/** #each iterations per render, all fields together. */
export const MAX_ITERATIONS = 10_000;
/** What #each blocks may produce per render (nested blocks count their output at every level). */
export const MAX_ITERATION_BYTES = 1024 * 1024;
/** How long one render may take. */
export const MAX_RENDER_MS = 250;

function budgetedEach(builtinEach: Helper) {
  return function (this: unknown, context: unknown, options: Options) {
    const state = stateOf(options);
    if (!state) return builtinEach.call(this, context, options);
    const fn = options.fn;
    const counted = Object.assign((ctx: unknown, opts?: Handlebars.RuntimeOptions) => {
      state.iterations++;
      if (state.iterations > MAX_ITERATIONS) throw new TemplateError(`#each runs more than ${MAX_ITERATIONS.toLocaleString("en")} times`);
      if ((state.iterations & 63) === 0 && performance.now() > state.deadline) throw new TemplateError(`Rendering took longer than ${MAX_RENDER_MS} ms`);
      const out = String(fn(ctx, opts)); // a block of one mustache returns its SafeString
      state.iterationBytes += out.length;
      if (state.iterationBytes > MAX_ITERATION_BYTES) throw new TemplateError("#each produces more than 1 MiB");
      return out;
    }, fn);
    return builtinEach.call(this, context, { ...options, fn: counted });
  };
}

function createEnvironment(names: string[]): Env {
  const hb = Handlebars.create();
  hb.unregisterHelper("log"); // writes to the console: no template may do that
  for (const n of OPTIONAL_BUILTINS) if (!names.includes(n)) hb.unregisterHelper(n);
  for (const n of names) if (Object.hasOwn(HELPERS, n)) hb.registerHelper(n, HELPERS[n]);
  hb.registerHelper(FIELD, fieldHelper);
  // blockHelperMissing ({{#user.list}}) iterates through this one too
  hb.registerHelper("each", budgetedEach(hb.helpers.each as Helper));
  (hb as unknown as { JavaScriptCompiler: unknown }).JavaScriptCompiler = ContextEscapingCompiler;
  return hb;
}

const environments = new Map<string, Env>();
const MAX_ENVIRONMENTS = 64;
const ALL_HELPERS = [...Object.keys(HELPERS), ...OPTIONAL_BUILTINS];

/** The environment holding exactly these helpers (and the ones every render needs). */
export function environmentFor(helpers: Iterable<string>): Env {
  const wanted = new Set(helpers);
  if (wanted.has("unless")) wanted.add("if"); // Handlebars' unless calls if
  const names = [...wanted].filter((n) => Object.hasOwn(HELPERS, n) || OPTIONAL_BUILTINS.includes(n)).sort();
  const key = names.join(",");
  let env = environments.get(key);
  // a bounded number of environments: past it, templates share the one with every helper
  if (!env && environments.size >= MAX_ENVIRONMENTS && names.length < ALL_HELPERS.length) return environmentFor(ALL_HELPERS);
  if (!env) {
    env = createEnvironment(names);
    environments.set(key, env);
  }
  return env;
}
