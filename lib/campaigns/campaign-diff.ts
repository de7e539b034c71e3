// What a save changed in a campaign, field by field, for the audit log ("campaign.updated" with
// details.diff). Secrets (secret header values, the URL password) are compared by a fingerprint of
// their plaintext and reported as "changed", never with a value. The other credential parts (a hook's
// path, ?token=, secret-named fields and headers, URLs in a value: credential-parts.ts) are shown masked
// as a viewer reads them, with a fingerprint of what they hide: a change to those alone is "changed".
import { createHash } from "node:crypto";
import type { Action } from "../db";
import { decryptSecret } from "../crypto/secret-box";
import { openStoredValue } from "./secret-resolver";
import type { DataField } from "../webhooks/types";
import { parseStoredMapping } from "../webhooks/response-mapping";
import { maskUrlPasswords } from "../webhooks/url-credentials";
import { maskedUrlTemplate } from "./url-password";
import { maskCredentialWebhook } from "../webhooks/credential-parts";

type StoredHeader = { name: string; value: string; secret: boolean };

/** A secret's stand-in: equal plaintexts give equal fingerprints, and nothing else is kept. */
type Fingerprint = { secret: string };
/** A value with credential parts, as a viewer reads it (`shown`) and a fingerprint of it whole (`hidden`). */
type Masked = { shown: string; hidden: string };

export type ActionSnapshot = {
  id: string;
  name: string;
  method: string;
  url: string | Masked;
  urlPassword: Fingerprint | null;
  contentType: string;
  timeoutSeconds: number;
  fields: (Omit<DataField, "value"> & { value: string | Masked })[];
  headers: { name: string; value: string | Fingerprint | Masked; secret: boolean }[];
  /** "Save response to user" rows (absent in snapshots made before it existed) */
  responseMapping?: { path: string; attribute: string; type: string | null }[];
  /** A variant's share of its step's deliveries, and the step's control group (absent in older snapshots) */
  splitPercent?: number;
  controlPercent?: number;
};
export type CampaignSnapshot = { name: string; description: string; goalEvent?: string | null; goalWindowHours?: number; actions: ActionSnapshot[] };

/** One changed field: `before`/`after` as plain values, or `secret: "changed"` for a secret. */
type Plain = string | number | boolean | null;
export type FieldChange =
  | { field: string; before: Plain; after: Plain }
  | { field: string; secret: "changed" | "added" | "removed" };

type StoredAction = Pick<Action, "id" | "name" | "method" | "urlTemplate" | "urlPasswordEnc" | "contentType" | "fields" | "headers" | "timeoutMs"> & Partial<Pick<Action, "responseMapping" | "splitPercent" | "controlPercent">>;

function fingerprint(plain: string): Fingerprint {
  return { secret: createHash("sha256").update(plain, "utf8").digest("base64url").slice(0, 16) };
}

/** The value as shown, and a fingerprint of what its masking hides when it hides something. */
function masked(shown: string, value: string): string | Masked {
  return shown === value ? value : { shown, hidden: fingerprint(value).secret };
}

/** An action's URL, fields and plain headers as a viewer reads them (maskCredentialWebhook), each with what it hides. */
function shownParts(a: StoredAction) {
  const fields = Array.isArray(a.fields) ? (a.fields as DataField[]) : [];
  const headers = Array.isArray(a.headers) ? (a.headers as StoredHeader[]) : [];
  // the URL as the editor shows it (its stored secret masked in place, a key saved in the template before
  // it was split out masked too: url-password.ts), then every other "name:password@" written in it
  const url = maskUrlPasswords(maskedUrlTemplate(a.urlTemplate, a.urlPasswordEnc ? decryptSecret(a.urlPasswordEnc) : null));
  // secret headers are fingerprinted whole; the others are masked as a viewer's read masks them
  const shown = maskCredentialWebhook({ url, fields, headers: headers.map((h) => ({ name: h.name, value: h.secret ? "" : h.value })) });
  return {
    url: masked(shown.url, a.urlTemplate),
    fields: fields.map((f, i) => ({ ...f, value: masked(shown.fields[i]!.value, f.value) })),
    headers: headers.map((h, i) => ({ name: h.name, value: h.secret ? fingerprint(openStoredValue(h.value)) : masked(shown.headers[i]!.value, h.value), secret: h.secret })),
  };
}

/** The campaign as stored, in the shape the diff compares (secrets fingerprinted, credential parts masked). */
export function campaignSnapshot(campaign: { name: string; description: string; goalEvent?: string | null; goalWindowHours?: number; actions: StoredAction[] }): CampaignSnapshot {
  return {
    name: campaign.name,
    description: campaign.description,
    goalEvent: campaign.goalEvent,
    goalWindowHours: campaign.goalWindowHours,
    actions: campaign.actions.map((a) => ({
      id: a.id,
      name: a.name,
      method: a.method,
      ...shownParts(a),
      urlPassword: a.urlPasswordEnc ? fingerprint(decryptSecret(a.urlPasswordEnc)) : null,
      contentType: a.contentType,
      timeoutSeconds: Math.round(a.timeoutMs / 1000),
      responseMapping: (parseStoredMapping(a.responseMapping) ?? []).map((m) => ({ path: m.path, attribute: m.attribute, type: m.type ?? null })),
      splitPercent: a.splitPercent,
      controlPercent: a.controlPercent,
    })),
  };
}

const isFingerprint = (v: unknown): v is Fingerprint => typeof v === "object" && v !== null && "secret" in v;
const isMasked = (v: unknown): v is Masked => typeof v === "object" && v !== null && "shown" in v;

function compare(changes: FieldChange[], field: string, before: unknown, after: unknown) {
  if (isMasked(before) || isMasked(after)) {
    const shownOf = (v: unknown) => (isMasked(v) ? v.shown : v);
    const hiddenOf = (v: unknown) => (isMasked(v) ? v.hidden : null);
    // what a viewer would see changed is shown; a change to the masked parts alone is only "changed"
    if (shownOf(before) === shownOf(after) && hiddenOf(before) !== hiddenOf(after)) changes.push({ field, secret: "changed" });
    else compare(changes, field, shownOf(before), shownOf(after));
    return;
  }
  if (isFingerprint(before) || isFingerprint(after)) {
    if (before === undefined || before === null) changes.push({ field, secret: "added" });
    else if (after === undefined || after === null) changes.push({ field, secret: "removed" });
    // a value that became (or stopped being) secret counts as changed: neither side is shown
    else if (!isFingerprint(before) || !isFingerprint(after) || before.secret !== after.secret) changes.push({ field, secret: "changed" });
    return;
  }
  const b = (before ?? null) as Plain;
  const a = (after ?? null) as Plain;
  if (b !== a) changes.push({ field, before: b, after: a });
}

/** Rows (fields or headers) compared by position; a row's own columns compared one by one. */
function compareRows<T extends Record<string, unknown>>(changes: FieldChange[], prefix: string, before: T[], after: T[], columns: (keyof T & string)[]) {
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    for (const column of columns) compare(changes, `${prefix}[${i}].${column}`, before[i]?.[column], after[i]?.[column]);
  }
}

const ACTION_COLUMNS = ["name", "method", "url", "urlPassword", "contentType", "timeoutSeconds", "splitPercent", "controlPercent"] as const;

/**
 * The field-level difference between two snapshots of one campaign. Webhooks are matched by id and
 * named by their position and name after the save ("actions[0] (Order paid).url").
 */
export function diffCampaigns(before: CampaignSnapshot, after: CampaignSnapshot): FieldChange[] {
  const changes: FieldChange[] = [];
  compare(changes, "name", before.name, after.name);
  compare(changes, "description", before.description, after.description);
  compare(changes, "goalEvent", before.goalEvent, after.goalEvent);
  compare(changes, "goalWindowHours", before.goalWindowHours, after.goalWindowHours);
  const previous = new Map(before.actions.map((a) => [a.id, a]));
  const kept = new Set<string>();
  for (const [i, action] of after.actions.entries()) {
    const label = `actions[${i}] (${action.name})`;
    const old = previous.get(action.id);
    if (!old) {
      changes.push({ field: label, before: null, after: "added" });
      continue;
    }
    kept.add(action.id);
    for (const column of ACTION_COLUMNS) compare(changes, `${label}.${column}`, old[column], action[column]);
    compareRows(changes, `${label}.fields`, old.fields, action.fields, ["key", "value", "type"]);
    compareRows(changes, `${label}.headers`, old.headers, action.headers, ["name", "value", "secret"]);
    compareRows(changes, `${label}.responseMapping`, old.responseMapping ?? [], action.responseMapping ?? [], ["path", "attribute", "type"]);
  }
  for (const action of before.actions) {
    if (!kept.has(action.id)) changes.push({ field: `webhook (${action.name})`, before: "present", after: "removed" });
  }
  return changes;
}
