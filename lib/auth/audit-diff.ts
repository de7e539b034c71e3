// The field-level changes an audit entry carries (details.diff of "campaign.updated", written by
// saveCampaign through diffCampaigns), read back for the audit log page. Secrets were never stored:
// a secret change is only "changed", "added" or "removed"; other credential parts are stored masked.
import type { FieldChange } from "../campaigns/campaign-diff";
import { maskCredentialUrl, maskCredentialUrlsIn, maskSecretJsonBody } from "../webhooks/credential-parts";
import { maskUrlPasswords } from "../webhooks/url-credentials";

type Plain = string | number | boolean | null;
const isPlain = (v: unknown): v is Plain => v === null || ["string", "number", "boolean"].includes(typeof v);

/** The entry's changes, [] when it records none (or details of another shape). */
export function auditChanges(details: unknown): FieldChange[] {
  const diff = details && typeof details === "object" ? (details as { diff?: unknown }).diff : undefined;
  if (!Array.isArray(diff)) return [];
  return diff.flatMap((c): FieldChange[] => {
    if (!c || typeof c !== "object" || typeof (c as { field?: unknown }).field !== "string") return [];
    const { field, secret, before, after } = c as { field: string; secret?: unknown; before?: unknown; after?: unknown };
    if (secret === "changed" || secret === "added" || secret === "removed") return [{ field, secret }];
    const b = before ?? null;
    const a = after ?? null;
    return isPlain(b) && isPlain(a) ? [{ field, before: shownValue(field, b), after: shownValue(field, a) }] : [];
  });
}

/**
 * A value as the page shows it. An entry written before the diff masked credential parts (campaign-diff.ts)
 * holds them in clear: what the value tells of itself is masked as it is read (a URL's parts, URLs in a
 * value, secret-named JSON keys). A field's name is not in the entry, so a plain secret-named field's old
 * value is not. Masking is idempotent: a newer entry shows as it was written.
 */
function shownValue(field: string, value: Plain): Plain {
  if (typeof value !== "string") return value;
  if (field.endsWith(".url")) return maskCredentialUrl(maskUrlPasswords(value));
  return /\.(?:fields|headers)\[\d+\]\.value$/.test(field) ? maskSecretJsonBody(maskCredentialUrlsIn(value)) : value;
}

/** A value as the log shows it: text quoted, nothing as "(none)". */
export function auditValue(value: Plain): string {
  if (value === null || value === "") return "(none)";
  return typeof value === "string" ? `"${value}"` : String(value);
}
