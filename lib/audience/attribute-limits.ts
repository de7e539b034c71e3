// A user's limits, whoever writes their attributes: at most 500 attributes and 256 KiB as JSON. The
// users API and the CSV import judge a merge in JS (mergedAttributesProblem); a response mapping's
// write judges it inside its UPDATE (mergedAttributesOverSql), on the row as it is then. The limits are
// a user's, not one write's: each request, CSV row or response within them still added up (one user
// grew by 5 MB a request, or by ~5 MiB a send through 20 mapped steps), and every audience count,
// catalogue and fan-out reads every user's attributes. A change that does not grow a user already
// over (one written before this check) still applies, so such a user can be trimmed.
import { MAX_ATTRIBUTES_BYTES, MAX_ATTRIBUTES_PER_USER } from "../api/schemas/users";
import { jsonKeyCountSql, jsonTextBytesSql } from "../db/dialect";

type Attributes = Record<string, unknown>;

export const utf8Bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Why a user cannot hold `merged` (what they held was `before`), or null. */
export function mergedAttributesProblem(merged: Attributes, before: Attributes | null): string | null {
  const count = Object.keys(merged).length;
  if (count > MAX_ATTRIBUTES_PER_USER && count > (before ? Object.keys(before).length : 0)) {
    return `A user can hold at most ${MAX_ATTRIBUTES_PER_USER} attributes; these would make ${count} (send null to remove some)`;
  }
  const bytes = utf8Bytes(merged);
  if (bytes > MAX_ATTRIBUTES_BYTES && bytes > (before ? utf8Bytes(before) : 0)) {
    return `A user's attributes can be at most ${MAX_ATTRIBUTES_BYTES / 1024} KiB as JSON; with what the user holds these would make ${Math.ceil(bytes / 1024)} KiB (send null to remove some)`;
  }
  return null;
}

/** What a mapped write the limits refused notes on its attempt, per limit. */
export const MAPPED_OVER_BYTES = `not saved: the user would be over ${MAX_ATTRIBUTES_BYTES / 1024} KiB of attributes`;
export const MAPPED_OVER_COUNT = `not saved: the user would be over ${MAX_ATTRIBUTES_PER_USER} attributes`;

/**
 * mergedAttributesProblem in SQL, for `before` (a JSON object column), `patch` (a JSON object merged
 * into it: `merged`, e.g. a jsonMergeSql) and `patchBytes`, an expression at least the patch's size as
 * text (mappedPatchBytes): the condition under which `merged` is refused, and which message says why.
 * The size is the JSON text's (on PostgreSQL jsonb's, with a space after each ":" and ",": a user near
 * 256 KiB is refused up to a byte per value sooner there). A merge is no longer than its two parts, so
 * a user and patch under 2,500 bytes together are let through on their lengths alone, without merging
 * or counting again (the common case: it runs per mapped delivery); 501 attributes cannot fit in fewer
 * bytes ({"":0} is 5 bytes an attribute and a brace).
 */
export function mergedAttributesOverSql(merged: string, before: string, patchBytes: string): { over: string; message: string } {
  const bytes = (json: string) => jsonTextBytesSql(`(${json})`);
  const bytesOver = `(${bytes(merged)} > ${MAX_ATTRIBUTES_BYTES} AND ${bytes(merged)} > ${bytes(before)})`;
  const countOver =
    `(${bytes(merged)} > ${SMALL_BYTES} AND ${jsonKeyCountSql(merged)} > ${MAX_ATTRIBUTES_PER_USER} ` +
    `AND ${jsonKeyCountSql(merged)} > ${jsonKeyCountSql(before)})`;
  return {
    over: `(${bytes(before)} + ${patchBytes} > ${SMALL_BYTES} AND (${bytesOver} OR ${countOver}))`,
    message: `CASE WHEN ${bytesOver} THEN '${MAPPED_OVER_BYTES}' ELSE '${MAPPED_OVER_COUNT}' END`,
  };
}

// no user this small can be over either limit
const SMALL_BYTES = 5 * MAX_ATTRIBUTES_PER_USER;

/**
 * At least the size of `patch` as JSON text in either database: twice its minified UTF-8 (PostgreSQL's
 * jsonb text adds a space after each ":" and ",", never more than one per byte).
 */
export function mappedPatchBytes(patch: Record<string, unknown>): number {
  return mappedPatchBytesOfText(utf8Bytes(patch));
}

/** mappedPatchBytes of a patch whose minified JSON text is `utf8Bytes` long in UTF-8 */
export const mappedPatchBytesOfText = (utf8Bytes: number) => 2 * utf8Bytes;
