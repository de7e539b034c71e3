// Reads a template's {{…}} before Handlebars parses it, for two reasons:
// - limits: Handlebars' parser and compiler slow down sharply with depth (1,900 nested #if took
//   seconds) and cost about 0.05 ms per expression (20 fields of 100 chained helpers took 1 s to
//   compile, and as long again for the combined program), so size, the number of expressions and
//   nesting depth are refused here, in linear time;
// - words: the parser's own errors name its tokens ("unexpected INVALID", "Expecting 'ID'"); the
//   mistakes people make while typing (a half-typed `{{`, a block left open, a close that does not
//   match) are found here first and said in plain words, with the line and column they start at.
import { TemplateError } from "./template-error";

/** Longest template source accepted: a field value (the schemas allow 16 KiB). */
export const MAX_SOURCE_LENGTH = 16 * 1024;
/**
 * Expressions per template: each name or value inside {{…}} (a variable, a helper, an argument, a
 * `{{/if}}`) counts one, so `{{default user.name "there"}}` is 3. The built-in destination
 * templates hold at most 10 per webhook; the worst webhook within the limits compiles in tens of ms.
 */
export const MAX_EXPRESSIONS = 500;
/** Expressions in all the templates of one webhook (URL, data values, header values). */
export const MAX_REQUEST_EXPRESSIONS = 1000;

/** The refusal of a template (or a webhook) past MAX_EXPRESSIONS (MAX_REQUEST_EXPRESSIONS). */
function tooComplexMessage(limit: number, perWebhook: boolean): string {
  const at = limit.toLocaleString("en");
  return perWebhook
    ? `Template too complex: the webhook's templates hold more than ${at} expressions in all, with this field (at most ${at} per webhook; each variable, helper and value counts): simplify them`
    : `Template too complex: more than ${at} expressions in this field (at most ${at}; each variable, helper and value counts): split it across fields or simplify it`;
}
/**
 * Why a delivery of a webhook over an expression limit was not sent (one saved before the limits
 * applied: saving refuses it now), the limit named plainly; `where`: the fields that pass it, as the
 * editor labels them ('Field "a" value').
 */
export function overLimitReason(where: { label: string; limit: "field" | "webhook" }[]): string {
  const perField = where.filter((w) => w.limit === "field").map((w) => w.label);
  const perWebhook = where.filter((w) => w.limit === "webhook").map((w) => w.label);
  const parts: string[] = [];
  if (perField.length) parts.push(`the limit of ${MAX_EXPRESSIONS.toLocaleString("en")} expressions per field (${perField.join(", ")})`);
  if (perWebhook.length) parts.push(`the limit of ${MAX_REQUEST_EXPRESSIONS.toLocaleString("en")} expressions per webhook, all its fields together (passed at ${perWebhook.join(", ")})`);
  return (
    `Template over ${parts.join(" and ")}: each variable, helper and value inside {{…}} counts one. ` +
    "Nothing was sent. The webhook was saved before these limits applied: simplify it in the editor (saving it shows where), then retry."
  );
}
/** Blocks inside blocks, plus `( )` sub-expressions inside one `{{…}}`. */
export const MAX_NESTING = 20;

type Open = { name: string; at: number };

/** The 1-based line and column of index `at` in `source`. */
function positionOf(source: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i !== -1 && i < at; i = source.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

function problem(source: string, at: number, message: string, limit?: "field"): TemplateError {
  const { line, column } = positionOf(source, at);
  return new TemplateError(message, line, column, limit);
}

const DOUBLE_QUOTED = /"(?:\\"|[^"])*"/y;
const SINGLE_QUOTED = /'(?:\\'|[^'])*'/y;
const LITERAL_NAME = /\[(?:\\\]|[^\]])*\]/y;

const blockName = (body: string) => /^[>*]?\s*([^\s()}~]*)/.exec(body)?.[1] ?? "";

/**
 * Throws a TemplateError when the source is over a limit or its {{…}} are not well formed; else
 * returns how many expressions it holds (see MAX_EXPRESSIONS).
 */
export function checkSource(source: string): number {
  if (source.length > MAX_SOURCE_LENGTH) throw new TemplateError(`The template is over ${MAX_SOURCE_LENGTH / 1024} KiB: shorten it`);
  const blocks: Open[] = [];
  const count = { words: 0 };
  let i = 0;
  for (let at = source.indexOf("{{"); at !== -1; at = source.indexOf("{{", i)) {
    // \{{ is literal text (but \\{{ is a backslash before a real {{)
    if (at > 0 && source[at - 1] === "\\" && source[at - 2] !== "\\") {
      i = at + 2;
      continue;
    }
    if (source.startsWith("{{{{", at)) {
      // a raw block: Handlebars says what is wrong with it (raw helpers are unknown anyway)
      const end = source.indexOf("}}}}", at);
      if (end === -1) throw problem(source, at, "`{{{{` is not closed: add `}}}}`");
      if (++count.words > MAX_EXPRESSIONS) throw problem(source, at, tooComplexMessage(MAX_EXPRESSIONS, false), "field");
      i = end + 4;
      continue;
    }
    const triple = source[at + 2] === "{";
    let j = at + (triple ? 3 : 2);
    if (source[j] === "~") j++;
    if (source[j] === "!") {
      // as Handlebars lexes them: {{!-- … --}} may hold }}, and its closing -- may be the opening one
      const long = source.startsWith("!--", j);
      const closeAt = long ? /--~?\}\}/g : /\}\}/g;
      closeAt.lastIndex = j + 1;
      const close = closeAt.exec(source);
      if (!close) throw problem(source, at, long ? "The comment `{{!--` is not closed: add `--}}`" : "The comment `{{!` is not closed: add `}}`");
      i = close.index + close[0].length;
      continue;
    }
    const words = count.words;
    const close = closingBraces(source, at, j, count);
    if (count.words === words) count.words++; // an empty {{}} (a parse error) is still one
    if (count.words > MAX_EXPRESSIONS) throw problem(source, at, tooComplexMessage(MAX_EXPRESSIONS, false), "field");
    if (triple && source[close + 2] !== "}") throw problem(source, at, "`{{{` is not closed: add `}}}`");
    i = close + (triple ? 3 : 2);
    if (triple) continue;
    let body = source.slice(j, close);
    if (body.endsWith("~")) body = body.slice(0, -1);
    const head = body[0];
    if (head === "#" || (head === "^" && body.slice(1).trim())) {
      const name = blockName(body.slice(1));
      blocks.push({ name, at });
      if (blocks.length > MAX_NESTING) throw problem(source, at, `Blocks are nested more than ${MAX_NESTING} deep: simplify the template`);
    } else if (head === "/") {
      const name = body.slice(1).trim();
      const open = blocks.pop();
      if (!open) throw problem(source, at, `\`{{/${name}}}\` closes no block: remove it, or open the block with \`{{#${name}}}\` before it`);
      if (open.name !== name) {
        const where = positionOf(source, open.at);
        throw problem(source, at, `\`{{/${name}}}\` does not match \`{{#${open.name}}}\` opened on line ${where.line}, column ${where.column}: close that one first with \`{{/${open.name}}}\``);
      }
    } else if ((/^\s*else\b/.test(body) || body.trim() === "^") && !blocks.length) {
      throw problem(source, at, "`{{else}}` is outside any block: it goes between a `{{#if}}` and its `{{/if}}`");
    }
  }
  const open = blocks.pop();
  if (open) {
    const where = positionOf(source, open.at);
    throw new TemplateError(`\`{{#${open.name}}}\` opened on line ${where.line} is not closed: add \`{{/${open.name}}}\``, where.line, where.column);
  }
  return count.words;
}

/**
 * The refusal of each field of one webhook (its sources in order) once the expressions counted so
 * far pass MAX_REQUEST_EXPRESSIONS: the field that passes it and each later one holding any; null
 * for the others. Checked before anything compiles.
 */
export function requestExpressionProblems(sources: readonly unknown[]): (TemplateError | null)[] {
  let total = 0;
  return sources.map((source) => {
    const n = countExpressions(source);
    total += n;
    return total > MAX_REQUEST_EXPRESSIONS && n > 0 ? new TemplateError(tooComplexMessage(MAX_REQUEST_EXPRESSIONS, true), undefined, undefined, "webhook") : null;
  });
}

/** The expressions of a template (checkSource's count), 0 when it does not pass checkSource (compiling it says why). */
export function countExpressions(source: unknown): number {
  if (typeof source !== "string" || !source.includes("{{")) return 0;
  try {
    return checkSource(source);
  } catch {
    return 0;
  }
}

/**
 * Where the `}}` of the {{…}} opened at `at` is (its body starts at `from`), skipping text values
 * and [literal] names, counting its names and values into `count.words`; refuses one that is not
 * closed, unbalanced ( ) and sub-expressions nested too deep.
 */
function closingBraces(source: string, at: number, from: number, count: { words: number }): number {
  const parens: number[] = [];
  let inWord = false;
  for (let k = from; k < source.length; k++) {
    const c = source[k];
    // a word starts after a space, a parenthesis or the opening (`#if`, `user.[First name]`, `"x y"`, `key=value` are one each)
    const separator = c === " " || c === "\t" || c === "\n" || c === "\r" || c === "(" || c === ")";
    if (!separator && !inWord && c !== "}" && c !== "~") count.words++;
    inWord = !separator;
    if (c === '"' || c === "'" || c === "[") {
      // text values and [literal] names, matched as Handlebars' lexer matches them
      const pattern = c === '"' ? DOUBLE_QUOTED : c === "'" ? SINGLE_QUOTED : LITERAL_NAME;
      pattern.lastIndex = k;
      const m = pattern.exec(source);
      if (!m) throw problem(source, k, c === "[" ? "`[` is not closed: add `]`" : `The text value opened with ${c} is not closed: add ${c}`);
      k += m[0].length - 1;
    } else if (c === "(") {
      parens.push(k);
      if (parens.length > MAX_NESTING) throw problem(source, k, `Helpers are nested more than ${MAX_NESTING} deep inside one {{…}}: simplify it`);
    } else if (c === ")") {
      if (parens.pop() === undefined) throw problem(source, k, "`)` has no `(` before it: remove it");
    } else if (c === "}" && source[k + 1] === "}") {
      if (parens.length) throw problem(source, parens[parens.length - 1], "`(` is not closed: add `)` before `}}`");
      return k;
    } else if (c === "{" && source[k + 1] === "{") {
      break; // another {{ starts before this one ends
    }
  }
  return notClosed(source, at);
}

function notClosed(source: string, at: number): never {
  throw problem(source, at, source[at + 2] === "{" ? "`{{{` is not closed: add `}}}`" : "`{{` is not closed: add `}}`");
}
