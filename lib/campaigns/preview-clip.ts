import { MAX_VALUE_BYTES } from "./limits";

// A field or header value is cut to twice its limit, still over it: the strict schema then says the
// field's own "at most 16 KiB" at that field, where refusing the request said only that the preview failed.
const CLIP_VALUE_CHARS = MAX_VALUE_BYTES * 2 + 1;
export const clipValue = (value: string) => (value.length > CLIP_VALUE_CHARS ? value.slice(0, CLIP_VALUE_CHARS) : value);

type ValueRows = { fields?: { value: string }[]; headers?: { value: string }[] };
/**
 * The action with each over-long field and header value cut as the preview's schema cuts it (variants too):
 * the editor sends that, so a pasted 2 MB value stays under the request's body bound and still reads as too long.
 */
export function clipOverlongValues<T extends ValueRows & { variants?: ValueRows[] }>(action: T): T {
  const clipRows = <R extends ValueRows>(c: R): R => ({
    ...c,
    ...(c.fields && { fields: c.fields.map((f) => ({ ...f, value: clipValue(f.value) })) }),
    ...(c.headers && { headers: c.headers.map((h) => ({ ...h, value: clipValue(h.value) })) }),
  });
  return { ...clipRows(action), ...(action.variants && { variants: action.variants.map(clipRows) }) };
}
