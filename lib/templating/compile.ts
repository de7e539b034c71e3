// Compiles a template once (cached by its source, least recently used evicted): only strings,
// parsed by Handlebars, every {{escaped}} mustache rewritten into {{__esc (...)}} so escaping
// follows the field's context, partials and decorators refused, and the variables it reads listed
// once (for "not set for this user" warnings without walking the AST on every render).
import type Handlebars from "handlebars";
import { compileOptions, ESC, hb, INTERNAL_HELPERS, knownHelpers } from "./environment";
import { TemplateError, toTemplateError } from "./template-error";

export type CompiledTemplate = {
  source: string;
  /** true when the source has no mustaches: rendering returns it as is */
  isStatic: boolean;
  /** the rewritten AST (never mutated after compiling; batches clone it) */
  ast: hbs.AST.Program | null;
  fn: Handlebars.TemplateDelegate | null;
  /** variable paths read outside #each/#with, e.g. "user.city", "userAttribute.First name" */
  paths: string[];
};

/** Longest template source accepted (a field value; bodies are built from many fields). */
export const MAX_SOURCE_LENGTH = 64 * 1024;
const CACHE_LIMIT = 5000;
const cache = new Map<string, CompiledTemplate | TemplateError>();

/** The compiled template, or throws a TemplateError with line and column. */
export function compileTemplate(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit !== undefined) {
    if (cache.size > CACHE_LIMIT / 2) {
      cache.delete(source); // keep recently used ones at the end (LRU)
      cache.set(source, hit);
    }
    if (hit instanceof TemplateError) throw hit;
    return hit;
  }
  let result: CompiledTemplate | TemplateError;
  try {
    result = compileUncached(source);
  } catch (err) {
    result = toTemplateError(err);
  }
  cache.set(source, result);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  if (result instanceof TemplateError) throw result;
  return result;
}

function compileUncached(source: string): CompiledTemplate {
  if (typeof source !== "string") throw new TemplateError("A template must be text");
  if (source.length > MAX_SOURCE_LENGTH) throw new TemplateError(`The template is over ${MAX_SOURCE_LENGTH / 1024} KiB`);
  if (!source.includes("{{")) return { source, isStatic: true, ast: null, fn: null, paths: [] };
  const ast = hb.parse(source);
  const paths = new Set<string>();
  rewrite(ast, paths, 0);
  const fn = hb.compile(structuredClone(ast), compileOptions);
  fn({}, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false }); // compiles now: unknown helpers fail here
  return { source, isStatic: false, ast, fn, paths: [...paths] };
}

type AnyNode = { type: string; loc?: hbs.AST.SourceLocation };

function refuse(node: AnyNode, message: string): never {
  throw new TemplateError(message, node.loc?.start.line, node.loc ? node.loc.start.column + 1 : undefined);
}

function nameOf(path: hbs.AST.Expression): string | null {
  if (path.type === "PathExpression") return (path as hbs.AST.PathExpression).parts.join(".") || (path as hbs.AST.PathExpression).original;
  if ("value" in path) return String((path as hbs.AST.StringLiteral).value);
  return null;
}

function checkCallee(node: AnyNode, path: hbs.AST.Expression) {
  const name = nameOf(path);
  if (name !== null && INTERNAL_HELPERS.has(name)) refuse(node, `Unknown helper ${name}`);
}

/** Rewrites escaped mustaches into __esc calls, refuses what templates may not do, collects paths. */
function rewrite(node: AnyNode | null | undefined, paths: Set<string>, scopeDepth: number): void {
  if (!node) return;
  switch (node.type) {
    case "Program":
      for (const child of (node as hbs.AST.Program).body) rewrite(child, paths, scopeDepth);
      return;
    case "MustacheStatement": {
      const m = node as hbs.AST.MustacheStatement;
      checkCallee(m, m.path);
      collect(m.path, paths, scopeDepth);
      for (const p of m.params) collect(p, paths, scopeDepth);
      for (const pair of m.hash?.pairs ?? []) collect(pair.value, paths, scopeDepth);
      if (m.escaped) {
        const inner: hbs.AST.Expression =
          m.params.length || m.hash
            ? ({ type: "SubExpression", path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression)
            : m.path;
        const esc = { type: "PathExpression", data: false, depth: 0, parts: [ESC], original: ESC, loc: m.loc } as hbs.AST.PathExpression;
        Object.assign(m, { path: esc, params: [inner], hash: undefined, escaped: false });
      }
      return;
    }
    case "BlockStatement": {
      const b = node as hbs.AST.BlockStatement;
      checkCallee(b, b.path);
      collect(b.path, paths, scopeDepth);
      for (const p of b.params) collect(p, paths, scopeDepth);
      for (const pair of b.hash?.pairs ?? []) collect(pair.value, paths, scopeDepth);
      const name = nameOf(b.path);
      const changesScope = name === "each" || name === "with" || !!b.program?.blockParams?.length;
      rewrite(b.program, paths, scopeDepth + (changesScope ? 1 : 0));
      rewrite(b.inverse, paths, scopeDepth);
      return;
    }
    case "PartialStatement":
    case "PartialBlockStatement":
      return refuse(node, "Partials ({{> name}}) are not available in webhook templates");
    case "Decorator":
    case "DecoratorBlock":
      return refuse(node, "Decorators ({{* name}}) are not available in webhook templates");
    default:
      return; // ContentStatement, CommentStatement
  }
}

function collect(expr: hbs.AST.Node | undefined, paths: Set<string>, scopeDepth: number) {
  if (!expr) return;
  if (expr.type === "PathExpression") {
    const p = expr as hbs.AST.PathExpression;
    if (scopeDepth === 0 && !p.data && p.depth === 0 && p.parts.length > 0 && !knownHelpers[p.original]) paths.add(p.parts.join("."));
  } else if (expr.type === "SubExpression") {
    const s = expr as hbs.AST.SubExpression;
    checkCallee(s as AnyNode, s.path);
    for (const p of s.params) collect(p, paths, scopeDepth);
    for (const pair of s.hash?.pairs ?? []) collect(pair.value, paths, scopeDepth);
  }
}
