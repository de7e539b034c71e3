// Compiles a template once (cached by its source, least recently used evicted, the cache bounded
// by bytes): only strings, within the limits of source-check.ts (checked before Handlebars
// parses), partials, decorators, internal helpers and unknown @names refused, and the variables
// it reads listed once (for "not set for this user" warnings without walking the AST on every render).
import Handlebars from "handlebars";
import { ByteCache } from "./byte-cache";
import { compileOptions, createRenderState, DATA_VARIABLES, environmentFor, INTERNAL_HELPERS, knownHelpers, runtimeOptions, withRenderState } from "./environment";
import { REQUIRED_WRITTEN } from "./helpers";
import { checkSource, MAX_SOURCE_LENGTH } from "./source-check";
import { writtenPath } from "./context";
import { TemplateError, TemplateSkip, toTemplateError } from "./template-error";

export { MAX_SOURCE_LENGTH };

export type CompiledTemplate = {
  source: string;
  /** true when the source has no mustaches: rendering returns it as is */
  isStatic: boolean;
  /** the parsed AST, whitespace control applied (batches clone it) */
  ast: hbs.AST.Program | null;
  fn: Handlebars.TemplateDelegate | null;
  /**
   * the top-level variable paths read, as written (writtenPath): "user.city", "userAttribute.[First name]";
   * inside #each/#with only those that reach the top (`@root.user.city`, `../user.city`), and
   * {{lookup user "city"}} as "user.city". A whole root ("user" of {{#with user}}) reads all of it.
   */
  paths: string[];
  /**
   * those of `paths` read where a missing value shows (empty), not only tested: a path that is only an
   * #if/#unless/#with/#each argument, read under a test of itself ({{#if user.coupon}}{{user.coupon}}{{/if}})
   * or as default's first argument is not here (a follow-up whose user lacks it is sent: the template says what then)
   */
  neededPaths: string[];
  /** the helpers it calls (it compiles in an environment with just those) */
  helpers: string[];
};

/** What the compile cache may hold, estimated: a compiled template weighs about 16 bytes per source character (AST, code, function). */
const COMPILE_CACHE_BYTES = 64 * 1024 * 1024;
const cache = new ByteCache<CompiledTemplate | TemplateError>(COMPILE_CACHE_BYTES, (source, t) => 256 + source.length * (t instanceof TemplateError || t.isStatic ? 2 : 16));

/** Whether compileTemplate(source) would answer from the cache (without compiling). */
export function isCompiled(source: string): boolean {
  return cache.has(source);
}

/** The compiled template, or throws a TemplateError with line and column. */
export function compileTemplate(source: string): CompiledTemplate {
  const hit = typeof source === "string" ? cache.get(source) : undefined;
  if (hit !== undefined) {
    if (hit instanceof TemplateError) throw hit;
    return hit;
  }
  let result: CompiledTemplate | TemplateError;
  try {
    result = compileUncached(source);
  } catch (err) {
    result = toTemplateError(err);
  }
  if (typeof source === "string") cache.set(source, result);
  if (result instanceof TemplateError) throw result;
  return result;
}

function compileUncached(source: string): CompiledTemplate {
  if (typeof source !== "string") throw new TemplateError("A template must be text");
  if (source.length > MAX_SOURCE_LENGTH) throw new TemplateError(`The template is over ${MAX_SOURCE_LENGTH / 1024} KiB: shorten it`);
  if (!source.includes("{{")) return { source, isStatic: true, ast: null, fn: null, paths: [], neededPaths: [], helpers: [] };
  checkSource(source); // limits and plain-words syntax errors, before the parser (slow when deep)
  const ast = Handlebars.parse(source);
  const found: Found = { paths: new Set(), needed: new Set(), helpers: new Set() };
  inspect(ast, found, TOP);
  const helpers = [...found.helpers];
  // {{required x}} is told how x is written (for "user.crmId is empty"): the AST carries it, so the
  // template compiles from its AST (whitespace control applied once already); others from the source
  const annotated = found.helpers.has(REQUIRED) && annotateRequired(ast);
  const fn = annotated ? environmentFor(helpers).compile(structuredClone(ast), { ...compileOptions, ignoreStandalone: true }) : environmentFor(helpers).compile(source, compileOptions);
  compileNow(fn);
  return { source, isStatic: false, ast, fn, paths: [...found.paths], neededPaths: [...found.needed], helpers };
}

/**
 * Handlebars compiles lazily, on the first call: calling once on an empty context compiles now
 * (unknown helpers fail here), so that no render's time budget pays for compiling.
 */
export function compileNow(fn: Handlebars.TemplateDelegate): void {
  try {
    withRenderState(createRenderState("raw", 60_000), () => fn({}, runtimeOptions()));
  } catch (err) {
    // compiled: {{required}} skips the empty context, as it would a user without the value
    if (!(err instanceof TemplateSkip)) throw err;
  }
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

/** `needed`: the paths read where a missing value shows as empty (not only tested: CompiledTemplate.neededPaths). */
type Found = { paths: Set<string>; needed: Set<string>; helpers: Set<string> };

const HELPER_LIST = Object.keys(knownHelpers)
  .filter((n) => !INTERNAL_HELPERS.has(n))
  .join(", ");

/** A name called with arguments (or as a sub-expression) must be one of our helpers. */
function checkCallee(node: AnyNode, path: hbs.AST.Expression, found: Found, called: boolean) {
  const name = nameOf(path);
  if (name === null) return;
  const known = Object.hasOwn(knownHelpers, name) && !INTERNAL_HELPERS.has(name);
  if (INTERNAL_HELPERS.has(name) || (called && !known && path.type === "PathExpression")) {
    refuse(path.loc ? path : node, `Unknown helper ${name}: the helpers are ${HELPER_LIST}`);
  }
  if (known) found.helpers.add(name);
}

const called = (node: { params: unknown[]; hash?: { pairs: unknown[] } }) => node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;

const REQUIRED = "required";
/** A call of {{required}}: its name written plainly (`this.required` is a variable, not the helper). */
const callsRequired = (path: hbs.AST.Expression) => (path.type === "PathExpression" ? (path as hbs.AST.PathExpression).original === REQUIRED : nameOf(path) === REQUIRED);

/** {{required value}} or {{required value "reason"}}: one value, an optional reason, never a block. */
function checkRequired(node: AnyNode, call: { path: hbs.AST.Expression; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }, block: boolean) {
  if (!callsRequired(call.path)) return;
  if (block) refuse(node, "{{required}} is not a block: write {{required user.crmId}} where the value goes");
  if (call.params.length < 1 || call.params.length > 2 || (call.hash?.pairs.length ?? 0) > 0) {
    refuse(node, '{{required}} takes the value and, optionally, a reason: {{required user.crmId}} or {{required user.crmId "no CRM id yet"}}');
  }
}

/**
 * How {{required}} names its value: a path as a template writes it (writtenPath: `user.[plan.tier]`,
 * `this.sku`, `@root.user.id`), anything else (a subexpression, a literal) "a required value". Built
 * from the parsed path, never sliced from the source: a slice by Handlebars' line numbers cut
 * arbitrary template text (a secret's tail) where a line ended in a lone CR.
 */
function requiredName(value: hbs.AST.Expression): string {
  if (value.type !== "PathExpression") return "";
  const p = value as hbs.AST.PathExpression;
  const self = /^(this|\.)(\/|\.|$)/.test(p.original) ? "this" : "";
  const parts = p.parts.length ? writtenPath(p.parts) : "";
  const path = [self, parts].filter(Boolean).join(".");
  return p.data ? `@${path}` : path;
}

/**
 * Gives each {{required x}} (and (required x)) the name of x (requiredName), as a hash pair no template
 * can write (REQUIRED_WRITTEN): its helper names it when the user lacks the value. True when one was found.
 */
function annotateRequired(ast: hbs.AST.Program): boolean {
  let found = false;
  const call = (c: { path: hbs.AST.Expression; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash; loc: hbs.AST.SourceLocation }) => {
    for (const p of c.params) expression(p);
    for (const pair of c.hash?.pairs ?? []) expression(pair.value);
    const value = c.params[0];
    if (!callsRequired(c.path) || !value) return;
    found = true;
    const written = requiredName(value);
    const literal = { type: "StringLiteral", value: written, original: written, loc: value.loc } as hbs.AST.StringLiteral;
    const pair = { type: "HashPair", key: REQUIRED_WRITTEN, value: literal, loc: value.loc } as hbs.AST.HashPair;
    c.hash = c.hash ? { ...c.hash, pairs: [...c.hash.pairs, pair] } : ({ type: "Hash", pairs: [pair], loc: value.loc } as hbs.AST.Hash);
  };
  const expression = (e: hbs.AST.Expression) => {
    if (e.type === "SubExpression") call(e as hbs.AST.SubExpression);
  };
  const walk = (node: hbs.AST.Node | null | undefined): void => {
    if (!node) return;
    if (node.type === "Program") for (const child of (node as hbs.AST.Program).body) walk(child);
    else if (node.type === "MustacheStatement") call(node as hbs.AST.MustacheStatement);
    else if (node.type === "BlockStatement") {
      const b = node as hbs.AST.BlockStatement;
      for (const p of b.params) expression(p);
      for (const pair of b.hash?.pairs ?? []) expression(pair.value);
      walk(b.program);
      walk(b.inverse);
    }
  };
  walk(ast);
  return found;
}

/** if, unless and with test one value; each walks one list. */
function checkArity(b: hbs.AST.BlockStatement) {
  const name = nameOf(b.path);
  if ((name === "if" || name === "unless" || name === "with" || name === "each") && b.params.length !== 1) {
    const what = name === "each" ? "a list, e.g. {{#each user.tags}}" : name === "with" ? "one value, e.g. {{#with user.address}}" : `one value to test, e.g. {{#${name} user.city}}`;
    refuse(b, `{{#${name}}} needs ${what}`);
  }
}

/**
 * How many scopes deep a node may be (`min`..`max`): #each and #with are one more, or none over the
 * current value (surelyNewScope); another helper (#if, #unless, with or without |params|) none; a
 * section over a value ({{#campaign}}…{{/campaign}}, not a helper) one more for an object or a list and
 * none for true, so it widens the range (an attacker's review: `../user.crmId` inside one read the
 * attribute and was not listed, and a follow-up went out before the answer that saves it). `guards`: the
 * top-level paths a test around the node makes sure have a value (CompiledTemplate.neededPaths).
 */
type Scope = { min: number; max: number; blockParams: readonly string[]; guards: ReadonlySet<string> };
const TOP: Scope = { min: 0, max: 0, blockParams: [], guards: new Set() };

/** The helpers whose block tests its argument: what it renders inside (or, for unless, in its else) has a value there. */
const TESTS = new Set(["if", "unless", "with", "each"]);

/**
 * Whether #each/#with over `param` surely renders in a new scope: Handlebars adds a scope only when
 * the value is not the current one, which a path under it (`campaign`, `user.tags`) never is; `this`,
 * `../x`, `@root.x`, a block parameter or a helper's result may be (the second review).
 */
function surelyNewScope(param: hbs.AST.Expression | undefined, scope: Scope): boolean {
  if (param?.type !== "PathExpression") return false;
  const p = param as hbs.AST.PathExpression;
  // not #each over the current value either: Handlebars compares loosely ("S" == ["S"]), so a one-item list's item may be it (review 2)
  if (p.data || p.depth !== 0 || !p.parts.length) return false;
  return !scope.blockParams.includes(p.parts[0]!);
}

/** Refuses what templates may not do and collects the variable paths. */
function inspect(node: AnyNode | null | undefined, found: Found, scope: Scope): void {
  if (!node) return;
  switch (node.type) {
    case "Program":
      for (const child of (node as hbs.AST.Program).body) inspect(child, found, scope);
      return;
    case "MustacheStatement": {
      const m = node as hbs.AST.MustacheStatement;
      checkCallee(m, m.path, found, called(m));
      checkRequired(m, m, false);
      collect(m.path, found, scope);
      collectArguments(m, found, scope);
      return;
    }
    case "BlockStatement": {
      const b = node as hbs.AST.BlockStatement;
      checkCallee(b, b.path, found, called(b));
      checkArity(b);
      checkRequired(b, b, true);
      const name = b.path.type === "PathExpression" ? (b.path as hbs.AST.PathExpression).original : null;
      const helper = name !== null && Object.hasOwn(knownHelpers, name);
      const tests = helper && TESTS.has(name);
      collect(b.path, found, scope, !helper); // a section ({{#user.vip}}) tests its value
      collectArguments(b, found, scope, tests ? "first" : "none");
      // what the block's test makes sure has a value: in its program (if, with, each, a section) or its else (unless)
      const tested = tests ? testedPath(b.params[0], scope) : helper ? null : testedPath(b.path, scope);
      // a test says what to send without the value only when its other branch sends something:
      // {{#if user.x}}{{user.x}}{{/if}} shows the same as {{user.x}} (review 2)
      const otherBranch = name === "unless" ? b.program : b.inverse;
      const saysWhatThen = !!otherBranch?.body.some((n) => n.type !== "CommentStatement" && !(n.type === "ContentStatement" && !(n as hbs.AST.ContentStatement).value.trim()));
      const guarded = (yes: boolean) => (tested !== null && yes && saysWhatThen ? new Set([...scope.guards, tested]) : scope.guards);
      const blockParams = [...scope.blockParams, ...(b.program?.blockParams ?? [])];
      // #each/#with: one scope more (or none: the same value); another helper (if, unless): none, with or
      // without |params|; a section over a value ({{#campaign}}): one more for an object or a list, none for true
      const deeper = (name === "each" || name === "with") && surelyNewScope(b.params[0], scope) ? 1 : 0;
      const mayBeDeeper = name === "each" || name === "with" || !helper ? 1 : 0;
      inspect(b.program, found, { min: scope.min + deeper, max: scope.max + mayBeDeeper, blockParams, guards: guarded(name !== "unless") });
      inspect(b.inverse, found, { ...scope, guards: guarded(name === "unless") });
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

/**
 * The segments of the top-level variable a path reads, or null when it reads a block's own scope or no
 * variable: `user.tok` outside any #each/#with, `../user.tok` that climbs out of every one of them, and
 * `@root.user.tok` anywhere. A scope's own names (`{{tok}}` inside `{{#with user}}`) are not listed: the
 * block's value (`user`) is, and a caller that must know every attribute read treats a whole root read so.
 */
function rootPath(p: hbs.AST.PathExpression, scope: Scope): readonly string[] | null {
  if (p.data) return p.parts[0] === "root" ? p.parts.slice(1) : null;
  if (p.depth < scope.min || p.depth > scope.max) return null;
  return p.depth === 0 && p.parts.length > 0 && knownHelpers[p.original] ? null : p.parts;
}

/**
 * Adds a top-level read: the path, or for the top level itself (`{{#with this}}`, `{{#each @root}}`,
 * `{{json this}}`: [] ) the two roots that hold every attribute, so a whole read is seen as one.
 */
function addRead(read: readonly string[], found: Found, scope: Scope, tested: boolean) {
  const paths = read.length ? [writtenPath(read)] : WHOLE_ROOTS;
  for (const path of paths) {
    found.paths.add(path);
    if (!tested && !scope.guards.has(path)) found.needed.add(path);
  }
}

/** The top-level path a block's test reads (`user.coupon` of {{#if user.coupon}}), else null. */
function testedPath(param: hbs.AST.Expression | undefined, scope: Scope): string | null {
  if (param?.type !== "PathExpression") return null;
  const read = rootPath(param as hbs.AST.PathExpression, scope);
  return read?.length ? writtenPath(read) : null;
}
const WHOLE_ROOTS = ["user", "userAttribute"];

/**
 * A call's arguments' paths; {{lookup user "crmId"}} reads user.crmId (the looked-up name, written as a
 * literal, joins the path), not the whole user.
 */
function collectArguments(call: { path: hbs.AST.Expression; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }, found: Found, scope: Scope, tested: "none" | "first" | "all" = "none") {
  const [object, key] = call.params;
  const name = nameOf(call.path);
  // a test's argument (everything inside one), and default's or an inline if's first, are tested, not shown
  // ({{default user.x}} alone shows the value: only a second argument says what to show without it)
  const firstTested = tested !== "none" || (name === "default" && call.params.length > 1);
  const looked = name === "lookup" && object?.type === "PathExpression" && (key?.type === "StringLiteral" || key?.type === "NumberLiteral") ? rootPath(object as hbs.AST.PathExpression, scope) : null;
  if (looked !== null) addRead([...looked, String((key as hbs.AST.StringLiteral | hbs.AST.NumberLiteral).value)], found, scope, tested === "all");
  call.params.forEach((p, i) => {
    if (!(looked !== null && i === 0)) collect(p, found, scope, tested === "all" || (i === 0 && firstTested));
  });
  for (const pair of call.hash?.pairs ?? []) collect(pair.value, found, scope, tested === "all");
}

function collect(expr: hbs.AST.Node | undefined, found: Found, scope: Scope, tested = false) {
  if (!expr) return;
  if (expr.type === "PathExpression") {
    const p = expr as hbs.AST.PathExpression;
    // only the @names Handlebars documents for blocks: nothing else of @data is a template's business
    if (p.data && !DATA_VARIABLES.has(p.parts[0] ?? "")) {
      refuse(p, `@${p.parts.join(".") || p.original} is not a template variable: the @ variables are @index, @key, @first, @last and @root`);
    }
    const read = rootPath(p, scope);
    if (read !== null) addRead(read, found, scope, tested);
  } else if (expr.type === "SubExpression") {
    const s = expr as hbs.AST.SubExpression;
    checkCallee(s as AnyNode, s.path, found, true);
    checkRequired(s as AnyNode, s, false);
    collectArguments(s, found, scope, tested ? "all" : "none");
  }
}
