// Compiles and renders Hookline templates: Handlebars in an isolated environment, with escaping
// chosen by the context a value lands in (never HTML). Every {{escaped}} mustache is rewritten at
// compile time into {{__esc (...)}}, and __esc encodes for the render's mode; {{{triple}}} is raw.
import Handlebars from "handlebars";
import { registerHelpers } from "./helpers";

type AST = typeof Handlebars.AST;
type Node = hbs.AST.Node;

/** url: percent-encoded component; json: inside a JSON string; raw: as is (form, header, text). */
export type EscapeMode = "url" | "json" | "raw";

export const MAX_OUTPUT_BYTES = 256 * 1024;

const hb = Handlebars.create();
const helperNames = registerHelpers(hb);
const ESC = "__esc";
hb.registerHelper(ESC, function (value: unknown, options: Handlebars.HelperOptions) {
  if (value instanceof hb.SafeString) return value;
  const text = value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  const mode = (options?.data?.root?.__mode ?? options?.data?.__mode ?? "raw") as EscapeMode;
  if (mode === "url") return new hb.SafeString(encodeURIComponent(text));
  if (mode === "json") return new hb.SafeString(JSON.stringify(text).slice(1, -1));
  return new hb.SafeString(text);
});

const knownHelpers = Object.fromEntries([...helperNames, ESC, "if", "unless", "each", "with", "lookup"].map((n) => [n, true]));
const compileOptions = { knownHelpersOnly: true, knownHelpers, strict: false, assumeObjects: false, preventIndent: true } as const;
const runtimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

export type CompiledTemplate = {
  source: string;
  /** true when the source has no mustaches: rendering returns it as is */
  isStatic: boolean;
  render: (context: object, mode: EscapeMode) => string;
  /** top-level variable paths used (outside #each/#with), for "unknown variable" warnings */
  paths: string[];
};

const CACHE_LIMIT = 5000;
const cache = new Map<string, CompiledTemplate | TemplateError>();

/** Compiles (once; cached by source) or throws a TemplateError with line and column. */
export function compileTemplate(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit) {
    // refresh LRU position
    cache.delete(source);
    cache.set(source, hit);
    if (hit instanceof TemplateError) throw hit;
    return hit;
  }
  let result: CompiledTemplate | TemplateError;
  try {
    result = compileUncached(source);
  } catch (err) {
    result = err instanceof TemplateError ? err : toTemplateError(err);
  }
  cache.set(source, result);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  if (result instanceof TemplateError) throw result;
  return result;
}

function compileUncached(source: string): CompiledTemplate {
  if (typeof source !== "string") throw new TemplateError("A template must be text");
  if (!source.includes("{{")) return { source, isStatic: true, render: () => source, paths: [] };
  const ast = hb.parse(source);
  const paths = new Set<string>();
  rewrite(ast, paths, 0);
  if (containsPartial(ast)) throw new TemplateError("Partials ({{> name}}) are not available in webhook templates");
  const fn = hb.compile(ast, compileOptions);
  fn({ __mode: "raw" }, runtimeOptions); // surfaces compile-time errors (unknown helpers) now
  return {
    source,
    isStatic: false,
    render: (context, mode) => fn({ ...context, __mode: mode }, runtimeOptions),
    paths: [...paths],
  };
}

/** Rewrites escaped mustaches into __esc calls and collects top-level paths. */
function rewrite(node: Node | undefined | null, paths: Set<string>, scopeDepth: number): void {
  if (!node) return;
  const n = node as unknown as Record<string, unknown> & { type: string };
  switch (n.type) {
    case "Program":
      for (const child of n.body as Node[]) rewrite(child, paths, scopeDepth);
      return;
    case "MustacheStatement": {
      const m = node as hbs.AST.MustacheStatement;
      collect(m.path, paths, scopeDepth);
      for (const p of m.params) collect(p, paths, scopeDepth);
      for (const pair of m.hash?.pairs ?? []) collect(pair.value, paths, scopeDepth);
      if (m.escaped) {
        const inner: hbs.AST.Expression =
          m.params.length || m.hash
            ? ({ type: "SubExpression", path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression)
            : m.path;
        (m as { path: hbs.AST.Expression }).path = { type: "PathExpression", data: false, depth: 0, parts: [ESC], original: ESC, loc: m.loc } as hbs.AST.PathExpression;
        m.params = [inner];
        (m as { hash?: hbs.AST.Hash }).hash = undefined as unknown as hbs.AST.Hash;
        m.escaped = false;
      }
      return;
    }
    case "BlockStatement": {
      const b = node as hbs.AST.BlockStatement;
      collect(b.path, paths, scopeDepth);
      for (const p of b.params) collect(p, paths, scopeDepth);
      const name = (b.path as hbs.AST.PathExpression).original;
      const changesScope = name === "each" || name === "with";
      rewrite(b.program, paths, scopeDepth + (changesScope ? 1 : 0));
      rewrite(b.inverse, paths, scopeDepth);
      return;
    }
    default:
      return;
  }
}

function collect(expr: hbs.AST.Node | undefined, paths: Set<string>, scopeDepth: number) {
  if (!expr) return;
  if (expr.type === "PathExpression") {
    const p = expr as hbs.AST.PathExpression;
    if (scopeDepth === 0 && !p.data && p.depth === 0 && p.parts.length > 0 && !knownHelpers[p.original]) paths.add(p.parts.join("."));
  } else if (expr.type === "SubExpression") {
    const s = expr as hbs.AST.SubExpression;
    for (const p of s.params) collect(p, paths, scopeDepth);
    for (const pair of s.hash?.pairs ?? []) collect(pair.value, paths, scopeDepth);
  }
}

function containsPartial(node: unknown): boolean {
  if (!node || typeof node !== "object") return false;
  const t = (node as { type?: string }).type;
  if (t === "PartialStatement" || t === "PartialBlockStatement" || t === "DecoratorBlock" || t === "Decorator") return true;
  return Object.values(node).some((v) => (Array.isArray(v) ? v.some(containsPartial) : typeof v === "object" && containsPartial(v)));
}

function toTemplateError(err: unknown): TemplateError {
  const e = err as Error & { lineNumber?: number; column?: number };
  const message = String(e?.message ?? err);
  if (message.startsWith("Parse error on line")) {
    const line = Number(/on line (\d+)/.exec(message)?.[1] ?? 1);
    const lines = message.split("\n");
    const caret = lines.find((l) => /^-*\^$/.test(l));
    const expecting = lines.find((l) => l.startsWith("Expecting"));
    const got = expecting ? /got '([^']+)'/.exec(expecting)?.[1] : undefined;
    const friendly =
      got === "EOF"
        ? "the template ends before a block is closed (is a {{/if}} or {{/each}} missing?)"
        : got === "CLOSE_UNESCAPED"
          ? "}}} closes a {{{raw}}} value: to close a JSON object after {{value}}, put a space between }} and }"
          : `unexpected ${got ?? "text"}`;
    return new TemplateError(`Syntax error: ${friendly}`, line, caret ? caret.length : undefined);
  }
  const cleaned = message.replace(/ - \d+:\d+$/, "").replace("You specified knownHelpersOnly, but used the unknown helper", "Unknown helper");
  return new TemplateError(cleaned, e.lineNumber, e.column !== undefined ? e.column + 1 : undefined);
}

/** Renders, bounding the output size. Throws TemplateError. */
export function renderTemplate(template: CompiledTemplate, context: object, mode: EscapeMode, maxBytes = MAX_OUTPUT_BYTES): string {
  if (template.isStatic) return template.source;
  let out: string;
  try {
    out = template.render(context, mode);
  } catch (err) {
    throw toTemplateError(err);
  }
  if (out.length > maxBytes && Buffer.byteLength(out) > maxBytes) throw new TemplateError(`The rendered value is over ${Math.round(maxBytes / 1024)} KiB`);
  return out;
}

export type { AST };
