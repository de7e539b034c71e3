// Template names are unique whatever their case: the library refuses a taken one
// (destination-templates.ts), and Save as template suggests one that is free. Client-safe.
const MAX_NAME = 80; // templateNameSchema's limit

/** Whether `name` is one of `taken`, ignoring case. */
export function templateNameTaken(name: string, taken: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return taken.some((t) => t.toLowerCase() === lower);
}

/** `wanted` when it is free, else "wanted (copy)", "wanted (copy 2)", ... (cut to fit the limit). */
export function freeTemplateName(wanted: string, taken: readonly string[]): string {
  const base = wanted.trim().slice(0, MAX_NAME) || "My template";
  if (!templateNameTaken(base, taken)) return base;
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? " (copy)" : ` (copy ${n})`;
    const candidate = `${base.slice(0, MAX_NAME - suffix.length).trimEnd()}${suffix}`;
    if (!templateNameTaken(candidate, taken)) return candidate;
  }
}
