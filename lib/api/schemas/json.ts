// Bounds on free-form JSON (event parameters, request bodies): how deep and how large. Checked
// without recursion, before anything that recurses (JSON.stringify, zod, the database driver)
// meets a 100,000-deep value and overflows the stack.
import { z } from "zod";

export type JsonPath = (string | number)[];

/** The path at which `value` is nested deeper than `maxDepth` (a scalar is depth 0), or null. */
export function pathDeeperThan(value: unknown, maxDepth: number): JsonPath | null {
  const stack: { value: unknown; path: JsonPath }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (!v || typeof v !== "object") continue;
    if (path.length >= maxDepth) return path;
    if (Array.isArray(v)) v.forEach((child, i) => stack.push({ value: child, path: [...path, i] }));
    else for (const [key, child] of Object.entries(v)) stack.push({ value: child, path: [...path, key] });
  }
  return null;
}

/** "a.b.0.c…" for a message: the first few steps of a path. */
export function describePath(path: JsonPath, steps = 6): string {
  const shown = path.slice(0, steps).join(".");
  return path.length > steps ? `${shown}…` : shown;
}

const kib = (bytes: number) => `${bytes / 1024} KiB`;

/** A JSON object no deeper than `maxDepth` levels and no larger than `maxBytes` as JSON. */
export function boundedJsonObject(options: { maxDepth: number; maxBytes: number; what: string }) {
  const What = options.what[0]!.toUpperCase() + options.what.slice(1);
  return z.record(z.string().max(200), z.unknown(), { error: `Must be an object of ${options.what}` }).superRefine((value, ctx) => {
    const deep = pathDeeperThan(value, options.maxDepth);
    if (deep) {
      ctx.addIssue({ code: "custom", message: `${What} can be nested at most ${options.maxDepth} levels deep` });
      return;
    }
    if (new TextEncoder().encode(JSON.stringify(value)).length > options.maxBytes) {
      ctx.addIssue({ code: "custom", message: `${What} can be at most ${kib(options.maxBytes)} as JSON` });
    }
  });
}
