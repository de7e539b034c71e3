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
