// The editor's `{{` autocomplete as pure functions of the text and the caret: where the word being
// completed is, which suggestions match it, and the text after one is picked. No Handlebars here:
// the browser bundle imports this file.
import type { TemplateSuggestion } from "./suggestions";

export type Completion = {
  /** the word being completed is text.slice(from, to); the caret sits inside it */
  from: number;
  to: number;
  query: string;
  /** first word of the mustache (a variable or a helper), first word of a subexpression, or an argument */
  position: "start" | "subexpression" | "argument";
  /** opened with {{{ (raw): closed with }}} */
  raw: boolean;
};

/** The completion at the caret, or null when the caret is not inside an open `{{`. */
export function completionAt(text: string, caret: number): Completion | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf("{{");
  if (open === -1 || before.includes("}}", open + 2)) return null;
  const raw = text[open + 2] === "{" || (open > 0 && text[open - 1] === "{");
  let inner = before.slice(open + 2);
  if (inner.startsWith("{")) inner = inner.slice(1);
  // comments, closing blocks and partials take no variables; an odd quote means we are in a string
  if (/^~?\s*[!/>]/.test(inner) || (inner.match(/"/g)?.length ?? 0) % 2 === 1 || (inner.match(/'/g)?.length ?? 0) % 2 === 1) return null;
  const query = /[^\s()"'=]*$/.exec(inner)![0];
  const lead = inner.slice(0, inner.length - query.length);
  const position = /^~?\s*[#^&]?\s*$/.test(lead) ? "start" : /\(\s*$/.test(lead) ? "subexpression" : "argument";
  const rest = /^[^\s()"'={}]*/.exec(text.slice(caret))![0];
  return { from: caret - query.length, to: caret + rest.length, query, position, raw };
}

function rank(name: string, query: string): number {
  if (!query) return 0;
  const n = name.toLowerCase();
  if (n.startsWith(query)) return 0;
  if (n.split(/[.[\]]/).some((segment) => segment.startsWith(query))) return 1;
  return n.includes(query) ? 2 : -1;
}

/**
 * The suggestions that fit the completion, best first: variables, and helpers where a helper may go. A
 * variable's other spelling (userAttribute.city) is offered only to a name typed that way, where its
 * preferred one (user.city) does not start with what was typed: never both for one value.
 */
export function matchingSuggestions(suggestions: readonly TemplateSuggestion[], completion: Completion, limit = 50): TemplateSuggestion[] {
  const query = completion.query.toLowerCase();
  const helpersAllowed = completion.position !== "argument";
  const typedAs = (s: TemplateSuggestion) => (s.aliasOf === undefined || (query && rank(s.name, query) === 0 && rank(s.aliasOf, query) !== 0) ? rank(s.name, query) : -1);
  return suggestions
    .map((s, index) => ({ s, index, rank: s.kind === "helper" && !helpersAllowed ? -1 : typedAs(s) }))
    .filter((m) => m.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .slice(0, limit)
    .map((m) => m.s);
}

/** The text with `suggestion` in place of the word, the mustache closed if it was not, and where the caret goes. */
export function applySuggestion(text: string, completion: Completion, suggestion: TemplateSuggestion): { text: string; caret: number } {
  const after = text.slice(completion.to);
  const nextClose = after.indexOf("}}");
  const nextOpen = after.indexOf("{{");
  const closed = nextClose !== -1 && (nextOpen === -1 || nextClose < nextOpen);
  const closing = closed || completion.position === "subexpression" ? "" : completion.raw ? "}}}" : "}}";
  // a helper wants its arguments: leave the caret after a space, before the closing braces
  const helper = suggestion.kind === "helper";
  const insert = helper ? `${suggestion.name} ` : suggestion.name;
  const caret = completion.from + insert.length + (helper ? 0 : closing.length);
  return { text: text.slice(0, completion.from) + insert + closing + after, caret };
}
