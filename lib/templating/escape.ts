// Escaping follows the context a value lands in, never HTML:
// - url: the value becomes a marker (private-use characters around an index); once the whole URL
//   is rendered, lib/templating/url-context.ts encodes each value for the part it landed in.
// - json: inside a JSON string ({"city": "{{user.city}}"}); {{json x}} inserts a JSON value as is.
// - raw: as is (text fields, form values and headers are encoded later, by their own rules).

export type EscapeMode = "url" | "json" | "raw";

/**
 * A time budget (performance.now() times): a render's, or a whole request's, compiling included
 * (lib/templating/render.ts). overBudget reads and moves it.
 */
export type RenderBudget = {
  deadline: number;
  /**
   * the process's CPU time (and the wall clock) when the render first ran past its deadline, to tell
   * a slow template from a paused process; read only then (a syscall: too dear for every render)
   */
  cpuStart: NodeJS.CpuUsage | null;
  cpuStartWall: number;
  /** never past this, however little CPU the render used */
  hardDeadline: number;
};

/** A budget of `maxMs` from now (and four times that whatever the load). */
export function startBudget(maxMs: number): RenderBudget {
  const now = performance.now();
  return { deadline: now + maxMs, cpuStart: null, cpuStartWall: 0, hardDeadline: now + 4 * maxMs };
}

/** What one render carries: the escaping mode of the field being rendered, URL values, budgets. */
export type RenderState = RenderBudget & {
  mode: EscapeMode;
  /** called by compiled templates for every {{escaped}} value */
  esc: (value: unknown) => string;
  /** called by compiled templates for every {{{raw}}} value and block output */
  raw: (value: unknown) => unknown;
  /** values rendered into the URL, in marker order */
  urlValues: UrlValue[];
  /** one output per field when a whole request renders in one call */
  outputs?: string[];
  iterations: number;
  iterationBytes: number;
  /** what escaped and {{{raw}}} values added up to so far */
  insertedBytes: number;
  /** the last block helper's output (already counted value by value) */
  blockOutput?: unknown;
};


/** A value in the URL: text to encode, or text already percent-encoded by {{urlencode}}. */
export type UrlValue = { text: string; encoded: boolean };

export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";

export type ValueKind = "value" | "json" | "urlencoded" | "safe";

export function toText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    // SafeStrings (helper output passed on) are text; other objects and arrays are written as JSON
    if (typeof (value as { toHTML?: unknown }).toHTML === "function") return String(value);
    return JSON.stringify(value) ?? "";
  }
  return String(value);
}

/** Lone surrogates become U+FFFD: they cannot be percent-encoded or sent as UTF-8. */
export function wellFormed(text: string): string {
  return /[\uD800-\uDFFF]/.test(text) ? text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD") : text;
}

const cpuUsage = typeof process !== "undefined" && typeof process.cpuUsage === "function" ? (start?: NodeJS.CpuUsage) => process.cpuUsage(start) : null;

export function newRenderState(mode: EscapeMode, maxMs: number): RenderState {
  return {
    mode,
    esc: toText,
    raw: (v) => v ?? "",
    urlValues: [],
    iterations: 0,
    iterationBytes: 0,
    insertedBytes: 0,
    ...startBudget(maxMs),
  };
}

/**
 * Whether the render has spent its budget. The wall clock is checked first (cheap); once it is past,
 * the render is out of time only if the process is really busy (it spent at least half of the wall
 * time since as CPU: a machine so loaded that it paused us is not the template's fault, and a
 * delivery must not fail for it), and in any case at four budgets of wall time.
 */
/** the least time past the deadline over which the process's CPU is judged (a busy render runs that much past it) */
export const BUSY_WINDOW_MS = 50;

export function overBudget(state: RenderBudget): boolean {
  const now = performance.now();
  if (now <= state.deadline) return false;
  if (now > state.hardDeadline || !cpuUsage) return true;
  if (state.cpuStart) {
    // judged over all the time since the deadline first passed, not since the last look 25 ms ago: on a
    // machine shared by many processes, one 25 ms slice may be all CPU and the next none, and a render
    // given a tenth of a core was found "busy" in such a slice (a 10 s budget ended as out of time)
    const wall = now - state.cpuStartWall;
    const used = cpuUsage(state.cpuStart);
    if (wall >= BUSY_WINDOW_MS && (used.user + used.system) / 1000 >= wall / 2) return true;
  } else {
    // past the deadline for the first time: from now on, is the process busy or paused?
    state.cpuStart = cpuUsage();
    state.cpuStartWall = now;
  }
  // paused rather than busy (or not judged yet): look again a little later
  state.deadline = Math.min(now + 25, state.hardDeadline);
  return false;
}

export function escapeValue(value: unknown, kind: ValueKind, state: RenderState | undefined): string {
  const text = toText(value);
  const mode = state?.mode ?? "raw";
  if (mode === "url") {
    if (!state) return encodeURIComponent(wellFormed(text));
    state.urlValues.push({ text, encoded: kind === "urlencoded" });
    return MARK_OPEN + (state.urlValues.length - 1) + MARK_CLOSE;
  }
  if (mode === "json") return kind === "value" ? JSON.stringify(text).slice(1, -1) : text;
  return text;
}
