// A campaign's version: the API's ETag and the editor's optimistic lock. One place decides when it
// moves (a save changing what the editor or the API PUT writes: name, description, goal, webhooks, and
// delivery settings other than the cap exemption alone, writeDeliverySettings; never a save changing
// nothing) and which saves it refuses. saveCampaign, saveCampaignGoal and writeDeliverySettings write it
// in the transaction of their change, with the campaign's row locked first.
import type { FieldChange } from "./campaign-diff";

/**
 * Which stored versions an API PUT may write over (its If-Match, lib/api/etag.ts): "*" any, or a list
 * of versions (any one matching passes; an empty list never does).
 */
export type IfMatch = "*" | readonly number[];

/** What a save says it was made from: the editor's loaded `version`, or the API's If-Match. Neither: last write wins. */
export type VersionCheck = { version?: number; ifMatch?: IfMatch; goalEvent?: unknown; goalWindowHours?: unknown };

type Stored = { version: number; contentVersion: number };

/**
 * Whether a save made from `check` would write over a change it has not seen.
 * - If-Match compares the whole version, the goal's changes included (RFC 9110's strong comparison:
 *   the ETag is the representation GET answered, goal and all).
 * - The editor's save: the Goal form saves the goal on its own and the editor's draft leaves it out
 *   (saveCampaign keeps the stored one), so a goal set since its load loses nothing and is no conflict
 *   for it: only a newer name, description or webhooks (contentVersion) is. A draft that does carry
 *   the goal is checked against the whole version, as it would overwrite a goal it has not seen.
 */
export function isStale(check: VersionCheck, stored: Stored): boolean {
  if (check.ifMatch !== undefined) return check.ifMatch !== "*" && !check.ifMatch.includes(stored.version);
  if (check.version === undefined) return false;
  if (check.version > stored.version) return true;
  const writesGoal = check.goalEvent !== undefined || check.goalWindowHours !== undefined;
  return writesGoal ? check.version !== stored.version : stored.contentVersion > check.version;
}

const GOAL_FIELDS = new Set(["goalEvent", "goalWindowHours"]);

/** A campaign's webhooks as placed: a reorder or a variant moved is a change the field diff does not name. */
type Placed = { actions: { id: string; position: number; variantOfId: string | null }[] };
const placesOf = (c: Placed) => JSON.stringify(c.actions.map((a) => [a.id, a.position, a.variantOfId]).sort());

/** What of the versioned content a save changed, from its field diff (diffCampaigns) and the rows before and after. */
export function versionedChanges(changes: FieldChange[], before: Placed, after: Placed): { content: boolean; goal: boolean } {
  return {
    content: changes.some((c) => !GOAL_FIELDS.has(c.field)) || placesOf(before) !== placesOf(after),
    goal: changes.some((c) => GOAL_FIELDS.has(c.field)),
  };
}

/** The version columns a save writes (null: it changed nothing versioned, the version stays). */
export function nextVersions(stored: Stored, changed: { content: boolean; goal: boolean }): Partial<Stored> | null {
  if (!changed.content && !changed.goal) return null;
  const version = stored.version + 1;
  return changed.content ? { version, contentVersion: version } : { version };
}
