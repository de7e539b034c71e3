// What is wrong with the JSON a marketer typed in a sample box, in plain words: the engine's own error
// ("Unexpected token 'p', "{"plan": pro}" is not valid JSON") names a token and a position, not the fix.

const LITERALS = new Set(["true", "false", "null"]);

/** The first mistake people make most (a bare word, single quotes), else where the parser stopped. Call it on text JSON.parse refused. */
export function jsonSyntaxMessage(text: string): string {
  const found = commonMistake(text);
  if (found) return found;
  let message = "";
  try {
    JSON.parse(text);
  } catch (err) {
    message = err instanceof Error ? err.message : "";
  }
  const at = /position (\d+)/.exec(message);
  const pos = at ? Number(at[1]) : null;
  if (/end of JSON|Unterminated/i.test(message) || (pos !== null && pos >= text.trimEnd().length)) return "Not valid JSON: it ends too soon; check the closing } and quotes";
  const near = pos === null ? "" : text.slice(Math.max(0, pos - 1), pos + 2).trim();
  return near ? `Not valid JSON near \`${near}\`: check the quotes and commas` : "Not valid JSON: check the quotes and commas";
}

/** A bare word (not true, false or null) or a single-quoted text outside any string; an unclosed string. */
function commonMistake(text: string): string | null {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      if (i >= text.length) return "Not valid JSON: it ends too soon; check the closing } and quotes";
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const quoted = end === -1 || end - i > 20 ? text.slice(i, i + 12) : text.slice(i, end + 1);
      return `Not valid JSON near \`${quoted}\`: use double quotes, not single`;
    } else if (/[-0-9]/.test(c)) {
      i++;
      while (i < text.length && /[0-9eE+.-]/.test(text[i]!)) i++;
    } else if (/[A-Za-z_$]/.test(c)) {
      const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i))![0];
      i += word.length;
      if (LITERALS.has(word)) continue;
      const isName = /^\s*:/.test(text.slice(i));
      return `Not valid JSON near \`${word}\`: put ${isName ? "names" : "text values"} in double quotes`;
    } else i++;
  }
  return null;
}

/** Where a JSON text first goes wrong: its offset, and the character found there (null: the text ended). */
export type JsonSyntaxError = { offset: number; found: string | null };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * The first place `text` is not JSON (RFC 8259, as JSON.parse reads it), null when it is. Read by our
 * own scan, not from the engine's message: V8's quotes ten characters either side of the mistake, or the
 * whole text, which may hold a secret. Iterative, so a deep nesting cannot overflow the stack.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  const n = text.length;
  const stack: string[] = [];
  let state: "value" | "valueOrClose" | "keyOrClose" | "key" | "colon" | "after" = "value";
  let i = 0;
  const fail = (at: number): JsonSyntaxError => ({ offset: at, found: at < n ? text[at]! : null });
  // the offset after the string starting at i, or the error inside it
  const string = (): number | JsonSyntaxError => {
    let j = i + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c < 0x20) return fail(j);
      if (c === 92) {
        const e = text[j + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) j += 2;
        else if (e === "u" && HEX4.test(text.slice(j + 2, j + 6))) j += 6;
        else return fail(j + 1);
      } else j++;
    }
    return fail(n);
  };
  for (;;) {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    if (i >= n) return state === "after" && stack.length === 0 ? null : fail(n);
    const c = text[i]!;
    if ((state === "valueOrClose" && c === "]") || (state === "keyOrClose" && c === "}")) {
      stack.pop();
      i++;
      state = "after";
      continue;
    }
    if (state === "value" || state === "valueOrClose") {
      if (c === "{" || c === "[") {
        stack.push(c);
        i++;
        state = c === "{" ? "keyOrClose" : "valueOrClose";
        continue;
      }
      if (c === '"') {
        const end = string();
        if (typeof end !== "number") return end;
        i = end;
      } else {
        NUMBER.lastIndex = i;
        const num = NUMBER.exec(text);
        const literal = ["true", "false", "null"].find((l) => text.startsWith(l, i));
        if (num) i += num[0].length;
        else if (literal) i += literal.length;
        else return fail(i);
      }
      state = "after";
    } else if (state === "key" || state === "keyOrClose") {
      if (c !== '"') return fail(i);
      const end = string();
      if (typeof end !== "number") return end;
      i = end;
      state = "colon";
    } else if (state === "colon") {
      if (c !== ":") return fail(i);
      i++;
      state = "value";
    } else {
      const open = stack.at(-1);
      if (open && c === ",") state = open === "{" ? "key" : "value";
      else if ((open === "{" && c === "}") || (open === "[" && c === "]")) stack.pop();
      else return fail(i);
      i++;
    }
  }
}

const STRUCTURAL = new Set(["{", "}", "[", "]", ",", ":", '"']);

/**
 * Where a rendered JSON value goes wrong, without a word of the value: "at character 36: unexpected `}`"
 * (line and column when it has lines). Only a structural character is named; any other could be part
 * of a secret written in the value.
 */
export function jsonSyntaxWhere(text: string): string {
  const error = jsonSyntaxError(text);
  if (!error) return "";
  const before = text.slice(0, error.offset);
  const line = before.split("\n").length;
  const where = line > 1 ? `line ${line}, column ${error.offset - before.lastIndexOf("\n")}` : `character ${error.offset + 1}`;
  const what = error.found === null ? "it ends too soon" : STRUCTURAL.has(error.found) ? `unexpected \`${error.found}\`` : "unexpected character";
  return `at ${where}: ${what}`;
}
