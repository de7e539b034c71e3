// The Handlebars environments webhook templates compile in: isolated (Handlebars.create()), our
// helpers only, no `log`, no partials, prototype access off, and a budget checked in every helper
// call, every inserted value and every #each iteration, so that no template can render for long
// or grow without bound.
// The render's own state (escaping mode, URL values, field outputs, budgets) is held here, in
// `active`, while a render runs: never in @data or the context, where a template could name it.
// Escaping follows the field's context, never HTML: our JavaScriptCompiler (the documented way to
// change what compiled templates emit) makes every {{escaped}} mustache call the render's own
// escape function (lib/templating/escape.ts) instead of Handlebars' HTML escaping.
// Each Handlebars call wraps every helper of its environment, so a template compiles in an
// environment holding only the helpers it uses (one environment per set, cached).
import Handlebars from "handlebars";
import { escapeValue, newRenderState, overBudget, type EscapeMode, type RenderState } from "./escape";
import { helperImplementations, type Helper } from "./helpers";
import { TemplateError } from "./template-error";

type Env = typeof Handlebars;

/** Helper output that is a JSON value ({{json x}}): raw in a JSON field, percent-encoded in a URL. */
class JsonText extends Handlebars.SafeString {}
/** Helper output that is already percent-encoded ({{urlencode x}}). */
class UrlEncodedText extends Handlebars.SafeString {}

/** The block helper that renders one field of a request rendered in a single call. */
export const FIELD = "__field";
/** Names a template may not call: they belong to the renderer. */
export const INTERNAL_HELPERS = new Set(["__esc", FIELD, "log", "helperMissing", "blockHelperMissing"]);
/** The data variables (`@name`) a template may use: the ones Handlebars documents for blocks. */
export const DATA_VARIABLES = new Set(["index", "key", "first", "last", "root"]);

const HELPERS = helperImplementations({ json: (s) => new JsonText(s), urlencoded: (s) => new UrlEncodedText(s) });
const OPTIONAL_BUILTINS = ["if", "unless", "with", "lookup"];

/** Every helper a template may call (compile-time check: knownHelpersOnly). */
export const knownHelpers: Record<string, boolean> = Object.fromEntries([...Object.keys(HELPERS), ...OPTIONAL_BUILTINS, "each", FIELD].map((n) => [n, true]));
export const compileOptions = { knownHelpersOnly: true, knownHelpers, strict: false, assumeObjects: false, preventIndent: true, compat: false } as const;

type Options = Handlebars.HelperOptions;

// The state of the render running now (renders are synchronous: one at a time per process).
// Compiled templates reach it through a global symbol, not through `helpers` (Handlebars wraps
// every helper call in an options object) nor `data`/the context (a template could name those).
// The slot is shared by every copy of this module a bundler may load; the state carries its own
// functions, so a render uses the code that started it.
const SLOT_KEY = "hookline.templating.render";
type Slot = { state: RenderState | null };
const slot: Slot = ((globalThis as Record<symbol, Slot>)[Symbol.for(SLOT_KEY)] ??= { state: null });
const activeState = () => slot.state;

/** Runs a compiled template with `state` as its render state. */
export function withRenderState<T>(state: RenderState, run: () => T): T {
  const previous = slot.state;
  slot.state = state;
  try {
    return run();
  } finally {
    slot.state = previous;
  }
}

/** A render's state, with the escape function compiled templates call for {{escaped}} values. */
export function createRenderState(mode: EscapeMode, maxMs: number): RenderState {
  const state = newRenderState(mode, maxMs);
  state.esc = (value: unknown) => {
    let text: string;
    if (value instanceof Handlebars.SafeString) {
      const kind = value instanceof JsonText ? "json" : value instanceof UrlEncodedText ? "urlencoded" : "safe";
      text = escapeValue(String(value), kind, state);
    } else text = escapeValue(value, "value", state);
    // in a URL the value waits in urlValues and text is its marker: count the value itself
    spend(state, typeof value === "string" ? Math.max(value.length, text.length) : text.length);
    return text;
  };
  state.raw = (value: unknown) => {
    if (value === undefined || value === null) return "";
    // a block's output was counted value by value while it rendered
    spend(state, value === state.blockOutput ? 0 : typeof value === "string" ? value.length : String(value).length);
    return value;
  };
  return state;
}

/** Runtime options for one render: prototype access stays off; @data holds only what Handlebars puts there. */
export function runtimeOptions(): Handlebars.RuntimeOptions {
  return { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };
}

type CompilerInstance = { pushSource(s: unknown): void; appendToBuffer(s: unknown[]): unknown; aliasable(name: string): unknown; popStack(): unknown };
type CompilerClass = { new (): CompilerInstance; prototype: CompilerInstance & Record<string, unknown> };
const BaseCompiler = (Handlebars as unknown as { JavaScriptCompiler: CompilerClass }).JavaScriptCompiler;
const ACTIVE_STATE = `globalThis[Symbol.for(${JSON.stringify(SLOT_KEY)})].state`;
function ContextEscapingCompiler(this: CompilerInstance) {
  BaseCompiler.apply(this);
}
ContextEscapingCompiler.prototype = Object.create(BaseCompiler.prototype);
ContextEscapingCompiler.prototype.compiler = ContextEscapingCompiler; // child programs too
ContextEscapingCompiler.prototype.appendEscaped = function (this: CompilerInstance) {
  this.pushSource(this.appendToBuffer([this.aliasable(ACTIVE_STATE), ".esc(", this.popStack(), ")"]));
};
// {{{raw}}} values and block output: counted against the budget like escaped ones
ContextEscapingCompiler.prototype.append = function (this: CompilerInstance) {
  this.pushSource(this.appendToBuffer([this.aliasable(ACTIVE_STATE), ".raw(", this.popStack(), ")"]));
};

function fieldHelper(this: unknown, index: number, mode: EscapeMode, options: Options) {
  const state = activeState();
  if (!state?.outputs) return "";
  state.mode = mode;
  state.outputs[index] = String(options.fn(this)); // a block of one mustache returns its SafeString
  return "";
}

/** #each iterations per render, all fields together. */
export const MAX_ITERATIONS = 10_000;
/** What #each blocks may produce per render (nested blocks count their output at every level). */
const MAX_ITERATION_BYTES = 1024 * 1024;
/** How long one render may take. */
export const MAX_RENDER_MS = 250;
/** What the values a render inserts may add up to (a request over it could never be sent). */
export const MAX_INSERTED_BYTES = 1024 * 1024;

function outOfTime(): TemplateError {
  return new TemplateError(`Rendering took longer than ${MAX_RENDER_MS} ms`);
}

/** The budget check of every helper call and inserted value. */
function spend(state: RenderState, bytes: number) {
  if (overBudget(state)) throw outOfTime();
  state.insertedBytes += bytes;
  if (state.insertedBytes > MAX_INSERTED_BYTES) throw new TemplateError("The values inserted add up to more than 1 MiB");
}

/** A helper that spends from the budget before it runs (and notes a block's output). */
function budgeted(helper: Helper): Helper {
  return function (this: unknown, ...a: unknown[]) {
    const state = activeState();
    if (state && overBudget(state)) throw outOfTime();
    const out = helper.apply(this, a);
    if (state && (a[a.length - 1] as Options | undefined)?.fn) state.blockOutput = out;
    return out;
  };
}

function budgetedEach(builtinEach: Helper) {
  return function (this: unknown, context: unknown, options: Options) {
    const state = activeState();
    if (!state) return builtinEach.call(this, context, options);
    const fn = options.fn;
    const counted = Object.assign((ctx: unknown, opts?: Handlebars.RuntimeOptions) => {
      state.iterations++;
      if (state.iterations > MAX_ITERATIONS) throw new TemplateError(`#each runs more than ${MAX_ITERATIONS.toLocaleString("en")} times`);
      if ((state.iterations & 63) === 0 && overBudget(state)) throw outOfTime();
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
  for (const [name, helper] of Object.entries(hb.helpers)) hb.registerHelper(name, budgeted(helper as Helper));
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
