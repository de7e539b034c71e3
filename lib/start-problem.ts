// A problem found when the web server started that makes every page fail (migrations not applied):
// kept for the process, so proxy.ts answers every request with its sentence instead of a bare 500.
// On globalThis: instrumentation.ts and proxy.ts are bundled apart but run in one process.
const KEY = Symbol.for("hookline.startProblem");
type Holder = { [KEY]?: string | null };

export function setStartProblem(sentence: string | null) {
  (globalThis as Holder)[KEY] = sentence;
}

export function startProblem(): string | null {
  return (globalThis as Holder)[KEY] ?? null;
}
