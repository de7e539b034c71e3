// A campaign's ETag is its version (lib/campaigns/campaign-version.ts): GET, POST and PUT answer it,
// PUT takes it back in If-Match and is refused with 412 when the campaign changed since. Without
// If-Match the PUT overwrites whatever is stored (last write wins).
import type { CampaignConflictError } from "../campaigns/campaigns";
import { formatUtc } from "../campaigns/campaigns";
import type { IfMatch } from "../campaigns/campaign-version";
import { ApiError } from "./errors";

/** The ETag header's value for a campaign at `version` ("3", quoted as RFC 9110 wants). */
export const etagOf = (version: number) => `"${version}"`;

// one member of the list: an entity-tag (RFC 9110 §8.8.3: [W/] DQUOTE *etagc DQUOTE), then a comma or the end
const MEMBER = /[ \t]*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(?:,|$)/y;
const EMPTY_MEMBER = /[ \t]*,/y;
const OUR_TAG = /^[1-9]\d{0,9}$/;
const MAX_VERSION = 2_147_483_647;

/**
 * If-Match as RFC 9110 §13.1.1 reads it: undefined when absent; "*" (any stored campaign); or the
 * versions its strong tags name, a list matching when any member does. A weak tag (W/"3") never
 * matches (If-Match compares strongly), nor a tag that is not one of ours ("abc"): a list of only such
 * tags can never pass, so it is a 412 at once. A header that is not a list of entity tags is a 400.
 */
export function ifMatchOf(header: string | null): IfMatch | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (value === "*") return "*";
  const strong: number[] = [];
  let weak = 0;
  let members = 0;
  for (let at = 0; at < value.length; ) {
    EMPTY_MEMBER.lastIndex = at;
    // empty list members (", ,") are allowed and ignored
    if (EMPTY_MEMBER.test(value)) {
      at = EMPTY_MEMBER.lastIndex;
      continue;
    }
    MEMBER.lastIndex = at;
    const member = MEMBER.exec(value);
    if (!member) throw malformed(value);
    members++;
    at = MEMBER.lastIndex;
    if (member[1]) weak++;
    else if (OUR_TAG.test(member[2]!) && Number(member[2]) <= MAX_VERSION) strong.push(Number(member[2]));
  }
  if (!members) throw malformed(value);
  if (!strong.length) {
    const why = weak ? 'a weak tag (W/"…") never matches, as If-Match compares strongly' : "it names no ETag of this campaign";
    throw preconditionFailed(`If-Match ${value} cannot match: ${why}. GET the campaign and send its ETag as it is ("3").`);
  }
  return strong;
}

const malformed = (value: string) =>
  new ApiError(400, "validation_error", `If-Match: ${JSON.stringify(value)} is not "*" or a list of entity tags; send the ETag a GET of the campaign answered, quotes included ("3").`, [
    { path: "If-Match", message: 'Expected "*" or a comma-separated list of quoted entity tags' },
  ]);

/**
 * The API's 412 for a save refused because the campaign changed since its If-Match: what happened,
 * who and when (from the conflict saveCampaign found), and what to do next.
 */
export function staleIfMatch(conflict: CampaignConflictError, sent: IfMatch | undefined): ApiError {
  const by = conflict.changedBy ? ` by ${conflict.changedBy}` : "";
  const since = sent && sent !== "*" ? ` since the ETag you sent (${sent.map(etagOf).join(", ")})` : "";
  return preconditionFailed(
    `This campaign was changed${by} at ${formatUtc(conflict.changedAt)}${since}; it is ${etagOf(conflict.currentVersion)} now. GET the campaign again, re-apply your change and send it with the new ETag.`,
    conflict.currentVersion,
  );
}

export function preconditionFailed(message: string, currentVersion?: number): ApiError {
  return new ApiError(412, "precondition_failed", message, currentVersion ? { currentETag: etagOf(currentVersion) } : null, currentVersion ? { ETag: etagOf(currentVersion) } : undefined);
}
