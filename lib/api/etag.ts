// A campaign's ETag is its version (saveCampaign's optimistic lock): GET answers it, PUT takes it back
// in If-Match and is refused with 412 when the campaign was saved since. Without If-Match the PUT
// overwrites whatever is stored, as before ETags (last write wins).
import { ApiError } from "./errors";

/** The ETag header's value for a campaign at `version` ("3", quoted as RFC 9110 wants). */
export const etagOf = (version: number) => `"${version}"`;

/**
 * The version If-Match names, or undefined for none (no header, or "*": any stored campaign). A weak
 * W/"3" is read as "3"; a value that is not one of our ETags can never match: 412.
 */
export function versionFromIfMatch(header: string | null): number | undefined {
  const value = header?.trim();
  if (!value || value === "*") return undefined;
  const match = /^(?:W\/)?"(\d{1,10})"$/.exec(value);
  const version = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1 || version > 2_147_483_647) throw preconditionFailed(`If-Match ${JSON.stringify(value)} is not an ETag of this campaign; GET it for its ETag`);
  return version;
}

export function preconditionFailed(message: string, currentVersion?: number): ApiError {
  return new ApiError(412, "precondition_failed", message, currentVersion ? { currentETag: etagOf(currentVersion) } : null, currentVersion ? { ETag: etagOf(currentVersion) } : undefined);
}
