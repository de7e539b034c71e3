// Compiles a template once (cached by its source, least recently used evicted): only strings,
// parsed by Handlebars, partials, decorators and internal helpers refused, and the variables it
// reads listed once (for "not set for this user" warnings without walking the AST on every render).
import Handlebars from "handlebars";
import { compileOptions, createRenderState, DATA_VARIABLES, environmentFor, INTERNAL_HELPERS, knownHelpers, runtimeOptions, withRenderState } from "./environment";
import { TemplateError, toTemplateError } from "./template-error";

export type CompiledTemplate = {
  source: string;
  /** true when the source has no mustaches: rendering returns it as is */
  isStatic: boolean;
  /** the parsed AST, whitespace control applied (batches clone it) */
  ast: hbs.AST.Program | null;
  fn: Handlebars.TemplateDelegate | null;
  /** variable paths read outside #each/#with, e.g. "user.city", "userAttribute.First name" */
  paths: string[];
  /** the helpers it calls (it compiles in an environment with just those) */
  helpers: string[];
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
  if (!source.includes("{{")) return { source, isStatic: true, ast: null, fn: null, paths: [], helpers: [] };
  const ast = Handlebars.parse(source);
  const found: Found = { paths: new Set(), helpers: new Set() };
  inspect(ast, found, 0);
  const helpers = [...found.helpers];
  const fn = environmentFor(helpers).compile(source, compileOptions);
  withRenderState(createRenderState("raw", 1000), () => fn({}, runtimeOptions())); // compiles now: unknown helpers fail here
  return { source, isStatic: false, ast, fn, paths: [...found.paths], helpers };
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

type Found = { paths: Set<string>; helpers: Set<string> };

function checkCallee(node: AnyNode, path: hbs.AST.Expression, found: Found) {
  const name = nameOf(path);
  if (name === null) return;
  if (INTERNAL_HELPERS.has(name)) refuse(node, `Unknown helper ${name}`);
  if (Object.hasOwn(knownHelpers, name)) found.helpers.add(name);
}

/** Refuses what templates may not do and collects the variable paths. */
function inspect(node: AnyNode | null | undefined, found: Found, scopeDepth: number): void {
  if (!node) return;
  switch (node.type) {
    case "Program":
      for (const child of (node as hbs.AST.Program).body) inspect(child, found, scopeDepth);
      return;
    case "MustacheStatement": {
      const m = node as hbs.AST.MustacheStatement;
      checkCallee(m, m.path, found);
      collect(m.path, found, scopeDepth);
      for (const p of m.params) collect(p, found, scopeDepth);
      for (const pair of m.hash?.pairs ?? []) collect(pair.value, found, scopeDepth);
      return;
    }
    case "BlockStatement": {
      const b = node as hbs.AST.BlockStatement;
      checkCallee(b, b.path, found);
      collect(b.path, found, scopeDepth);
      for (const p of b.params) collect(p, found, scopeDepth);
      for (const pair of b.hash?.pairs ?? []) collect(pair.value, found, scopeDepth);
      const name = nameOf(b.path);
      const changesScope = name === "each" || name === "with" || !!b.program?.blockParams?.length;
      inspect(b.program, found, scopeDepth + (changesScope ? 1 : 0));
      inspect(b.inverse, found, scopeDepth);
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

function collect(expr: hbs.AST.Node | undefined, found: Found, scopeDepth: number) {
  if (!expr) return;
  if (expr.type === "PathExpression") {
    const p = expr as hbs.AST.PathExpression;
    if (scopeDepth === 0 && !p.data && p.depth === 0 && p.parts.length > 0 && !knownHelpers[p.original]) found.paths.add(p.parts.join("."));
  } else if (expr.type === "SubExpression") {
    const s = expr as hbs.AST.SubExpression;
    checkCallee(s as AnyNode, s.path, found);
    for (const p of s.params) collect(p, found, scopeDepth);
    for (const pair of s.hash?.pairs ?? []) collect(pair.value, found, scopeDepth);
  }
}
