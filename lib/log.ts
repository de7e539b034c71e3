// The app's logger: one line per message on stderr, filtered by HOOKLINE_LOG_LEVEL.
// Never pass a full webhook URL or a secret here: log hosts only (lib/webhooks/mask.ts).
import { env } from "./env";

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof levels, "silent">;

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  let threshold: number;
  try {
    threshold = levels[env().HOOKLINE_LOG_LEVEL];
  } catch {
    threshold = levels.info;
  }
  if (levels[level] < threshold) return;
  const extra = fields ? " " + JSON.stringify(fields) : "";
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${extra}\n`);
}

/**
 * An error as a log line may hold it: its kind, code and first line (the rest of a database error
 * is the data it was given), every URL in it cut to its scheme and host (a webhook URL's path and
 * query often carry tokens), credentials masked. For every "... failed" line of the app's wrappers.
 */
export function describeSafely(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const hostsOnly = safeMessage(err);
  if (typeof err === "string") return hostsOnly;
  const name = err instanceof Error ? err.constructor.name : typeof err;
  return `${name}${typeof code === "string" ? ` ${code}` : ""}: ${hostsOnly}`;
}

/** describeSafely without the kind and code: the line of the message that says what happened, hosts only. */
export function safeMessage(err: unknown): string {
  const lines = (err instanceof Error ? err.message : String(err)).split("\n").map((l) => l.trim()).filter(Boolean);
  // Prisma's request errors start with a blank line and the invocation, the query's data below it, and
  // end with the reason ("Unique constraint failed on the fields: (`id`)"): that last line is the one
  const prismaRequest = err instanceof Error && err.constructor.name === "PrismaClientKnownRequestError";
  const first = ((prismaRequest ? lines.at(-1) : lines[0]) ?? "").slice(0, 200);
  // a URL's userinfo ends at its last "@" (a password may hold "/" or "@"); what follows its host is cut
  return first.replace(/\b([a-z][a-z0-9+.-]*:\/\/)(\S*)/gi, (_, scheme: string, rest: string) => {
    const at = rest.lastIndexOf("@");
    const afterUserinfo = at < 0 ? rest : rest.slice(at + 1);
    const host = /^[^/?#\\]*/.exec(afterUserinfo)![0];
    return `${scheme}${at < 0 ? "" : "***@"}${host}${host.length < afterUserinfo.length ? "/…" : ""}`;
  });
}

const lastWritten = new Map<string, { at: number; held: number }>();

/**
 * Writes `message` at most once per `everyMs` (keyed by the message): a flapping connection
 * reports every few hundred ms, which would bury the log. The next line says how many it held back.
 */
function throttled(level: Level, everyMs: number, message: string, fields?: Record<string, unknown>) {
  const now = Date.now();
  const last = lastWritten.get(message);
  if (last && now - last.at < everyMs) {
    last.held++;
    return;
  }
  lastWritten.set(message, { at: now, held: 0 });
  write(level, message, last?.held ? { ...fields, heldBack: last.held } : fields);
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
  /** like warn, at most once per `everyMs` for the same message */
  warnEvery: (everyMs: number, m: string, f?: Record<string, unknown>) => throttled("warn", everyMs, m, f),
};
