// The import's refusal of a column mapping in the marketer's words. The route answers zod's issues by
// path ("mapping: Map one column to the user id", "mapping.3.name: ..."): the form names the column
// by its header instead of the request's field. Client-safe (no imports).

type Detail = { path?: unknown; message?: unknown };

/** "Map one column to the user id"; 'Column "signup": Two columns are both mapped to ...'; null when the details are not a mapping's. */
export function mappingProblemText(details: unknown, headers: readonly string[]): string | null {
  if (!Array.isArray(details)) return null;
  const lines: string[] = [];
  for (const d of details as Detail[]) {
    if (typeof d?.path !== "string" || typeof d.message !== "string") continue;
    const match = /^mapping(?:\.(\d+))?(?:\.|$)/.exec(d.path);
    if (!match) return null;
    const header = match[1] === undefined ? undefined : headers[Number(match[1])];
    lines.push(header === undefined ? d.message : `Column "${header}": ${d.message}`);
  }
  return lines.length ? [...new Set(lines)].join("; ") : null;
}
