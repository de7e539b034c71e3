// A template that cannot compile or render: the message in plain words, where it is when known.
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

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
    const friendly =
      got === "EOF"
        ? "the template ends before a block is closed (is a {{/if}} or {{/each}} missing?)"
        : got === "CLOSE_UNESCAPED"
          ? "}}} closes a {{{raw}}} value: to close a JSON object after {{value}}, put a space between }} and }"
          : `unexpected ${got ?? "text"}`;
    return new TemplateError(`Syntax error: ${friendly}`, line, caret ? caret.length : undefined);
  }
  if (err instanceof RangeError) return new TemplateError("The rendered value is too large");
  const cleaned = message
    .replace(/ - \d+:\d+$/, "")
    .replace("You specified knownHelpersOnly, but used the unknown helper", "Unknown helper");
  return new TemplateError(cleaned, e?.lineNumber, e?.column !== undefined ? e.column + 1 : undefined);
}
