// The one Handlebars environment for webhook templates: isolated (Handlebars.create()), our helpers
// only, no `log`, no partials, prototype access off, and a budget on #each so that no template can
// render for long or grow without bound. Two internal helpers do the context escaping:
// __esc (every {{escaped}} mustache is rewritten into it at compile time) and __field (one block per
// field when a whole request is rendered in a single call).
import Handlebars from "handlebars";
import { escapeValue, type EscapeMode, type RenderState } from "./escape";
import { registerHelpers } from "./helpers";
import { TemplateError } from "./template-error";

export const hb = Handlebars.create();

/** Helper output that is a JSON value ({{json x}}): raw in a JSON field, percent-encoded in a URL. */
export class JsonText extends hb.SafeString {}
/** Helper output that is already percent-encoded ({{urlencode x}}). */
export class UrlEncodedText extends hb.SafeString {}

export const ESC = "__esc";
export const FIELD = "__field";
/** Names a template may not call: they belong to the renderer. */
export const INTERNAL_HELPERS = new Set([ESC, FIELD, "log", "helperMissing", "blockHelperMissing"]);

const helperNames = registerHelpers(hb, { json: (s) => new JsonText(s), urlencoded: (s) => new UrlEncodedText(s) });
hb.unregisterHelper("log"); // writes to the console: no template may do that

type Options = Handlebars.HelperOptions & { data?: { __r?: RenderState } };
const stateOf = (options: Options): RenderState | undefined => options?.data?.__r;

hb.registerHelper(ESC, function (value: unknown, options: Options) {
  const state = stateOf(options);
  const kind = value instanceof JsonText ? "json" : value instanceof UrlEncodedText ? "urlencoded" : value instanceof hb.SafeString ? "safe" : "value";
  return new hb.SafeString(escapeValue(kind === "value" ? value : String(value), kind, state));
});

hb.registerHelper(FIELD, function (this: unknown, index: number, mode: EscapeMode, options: Options) {
  const state = stateOf(options);
  if (!state?.outputs) return "";
  state.mode = mode;
  state.outputs[index] = String(options.fn(this)); // a block of one mustache returns its SafeString
  return "";
});

/** #each iterations per render, all fields together. */
export const MAX_ITERATIONS = 10_000;
/** What #each blocks may produce per render (nested blocks count their output at every level). */
export const MAX_ITERATION_BYTES = 1024 * 1024;
/** How long one render may take. */
export const MAX_RENDER_MS = 250;

const builtinEach = hb.helpers.each as (this: unknown, context: unknown, options: Options) => string;
hb.registerHelper("each", function (this: unknown, context: unknown, options: Options) {
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
});

export const knownHelpers: Record<string, boolean> = Object.fromEntries(
  [...helperNames, ESC, FIELD, "if", "unless", "each", "with", "lookup"].map((n) => [n, true]),
);
export const compileOptions = { knownHelpersOnly: true, knownHelpers, strict: false, assumeObjects: false, preventIndent: true, compat: false } as const;

/** Runtime options for one render: prototype access stays off; the state rides along in @data. */
export function runtimeOptions(context: object, state: RenderState): Handlebars.RuntimeOptions {
  return {
    allowProtoPropertiesByDefault: false,
    allowProtoMethodsByDefault: false,
    data: { root: context, __r: state },
  };
}
