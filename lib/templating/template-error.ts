// A template that cannot compile or render: the message in plain words, where it is when known.
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    /** the expression limit this template passes (source-check.ts): per field, or per webhook */
    readonly limit?: "field" | "webhook",
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

/**
 * A render stopped by {{required x}}: the user lacks a value the marketer marked required. Not a broken
 * template but a valid outcome: the request is not built and, at delivery, the row ends suppressed
 * (lib/delivery/core/decide.ts). A TemplateError still, so that code unaware of it sends nothing.
 */
export class TemplateSkip extends TemplateError {
  constructor(
    /** "user.crmId is empty", or the template's own reason ({{required user.crmId "no CRM id yet"}}) */
    readonly reason: string,
    /** the value's expression as written ("user.crmId") */
    readonly written?: string,
  ) {
    super(skippedReason(reason));
    this.name = "TemplateSkip";
  }
}

/** Why a delivery was suppressed by {{required}}: "Skipped: user.crmId is empty". */
export function skippedReason(reason: string): string {
  return `Skipped: ${reason}`;
}

/** What the preview and a test send say for a sample user {{required}} skips. */
export function wouldSkipMessage(reason: string): string {
  return `${WOULD_SKIP} ${reason}`;
}
const WOULD_SKIP = "This user would be skipped:";

/** Whether a message is wouldSkipMessage's (test sends stored before their outcome said "skipped" are read by it). */
export function isWouldSkipMessage(message: string | null | undefined): boolean {
  return !!message?.startsWith(`${WOULD_SKIP} `);
}

// The parser's token names, in the words of the editor (lib/templating/source-check.ts finds the
// common mistakes first; these are what is left).
const TOKENS: Record<string, string> = {
  CLOSE: "`}}`",
  CLOSE_UNESCAPED: "`}}}`",
  CLOSE_RAW_BLOCK: "`}}}}`",
  OPEN: "`{{`",
  OPEN_BLOCK: "`{{#`",
  OPEN_ENDBLOCK: "`{{/`",
  OPEN_INVERSE: "`{{^`",
  OPEN_INVERSE_CHAIN: "`{{else`",
  INVERSE: "`{{else}}`",
  OPEN_UNESCAPED: "`{{{`",
  OPEN_SEXPR: "`(`",
  CLOSE_SEXPR: "`)`",
  OPEN_BLOCK_PARAMS: "`as |`",
  CLOSE_BLOCK_PARAMS: "`|`",
  EQUALS: "`=`",
  SEP: "a `.` or `/`",
  DATA: "`@`",
  ID: "a name",
  STRING: "a text value",
  NUMBER: "a number",
  BOOLEAN: "true or false",
  UNDEFINED: "undefined",
  NULL: "null",
  CONTENT: "text",
  INVALID: "a character that cannot be used inside {{…}}",
  EOF: "the end of the template",
};

const wordFor = (token: string | undefined) => (token ? (TOKENS[token] ?? token.toLowerCase()) : "something");

/** Handlebars' own errors, in words a marketer can act on. */
export function toTemplateError(err: unknown): TemplateError {
  if (err instanceof TemplateError) return err;
  const e = err as Error & { lineNumber?: number; column?: number };
  const message = String(e?.message ?? err);
  if (message.startsWith("Parse error on line")) {
    const line = Number(/on line (\d+)/.exec(message)?.[1] ?? 1);
    const lines = message.split("\n");
    const caret = lines.find((l) => /^-*\^$/.test(l));
    const expecting = lines.find((l) => l.startsWith("Expecting"));
    const got = expecting ? /got '([^']+)'/.exec(expecting)?.[1] : undefined;
    const wantsName = !!expecting && /'ID'/.test(expecting);
    const friendly =
      got === "EOF"
        ? "the template ends in the middle of a {{…}} or a block: finish it"
        : got === "CLOSE_UNESCAPED"
          ? "}}} closes a {{{raw}}} value: to close a JSON object after {{value}}, put a space between }} and }"
          : got === "CLOSE" && wantsName
            ? "a {{…}} is empty or ends too early: write a variable or a helper before `}}`"
            : `${wordFor(got)} cannot come here${wantsName ? ": a variable or a helper name is expected" : ""}`;
    return new TemplateError(friendly.charAt(0).toUpperCase() + friendly.slice(1), line, caret ? caret.length : undefined);
  }
  if (err instanceof RangeError) return new TemplateError("The rendered value is too large");
  // a helper given what it cannot use, e.g. {{lookup user}} without a key: not JavaScript's words
  if (err instanceof TypeError) return new TemplateError("A helper got values it cannot use: check its arguments (e.g. {{lookup user.tags 1}})", e?.lineNumber);
  const cleaned = message
    .replace(/ - \d+:\d+$/, "")
    .replace("You specified knownHelpersOnly, but used the unknown helper", "Unknown helper");
  return new TemplateError(cleaned, e?.lineNumber, e?.column !== undefined ? e.column + 1 : undefined);
}
