// A campaign's version: the API's ETag and the editor's optimistic lock. One place decides when it
// moves (a save changing what the editor or the API PUTs write: name, description, goal, webhooks,
// delivery settings; never a save changing nothing; once per save, however many of them it changed)
// and which saves it refuses. `contentVersion` is the version of the last change the editor's draft
// could write over (not the goal nor the cap exemption alone, which its save leaves as they are unless
// it carries them). saveCampaign, saveCampaignGoal, writeDeliverySettings, deleteAction and
// duplicateAction write it in the transaction of their change, with the campaign's row locked first;
// a new campaign starts at 1, whatever its first save writes.
import type { FieldChange } from "./campaign-diff";
import { mayChangeCapExempt, type MemberRole } from "../auth/roles";

/**
 * Which stored versions an API PUT may write over (its If-Match, lib/api/etag.ts): "*" any, or a list
 * of versions (any one matching passes; an empty list never does).
 */
export type IfMatch = "*" | readonly number[];

/**
 * What a save says it was made from: the editor's loaded `version`, or the API's If-Match. Neither: last
 * write wins. `capExempt`: the cap exemption the save writes (an admin's tab sends it; an editor's leaves it out).
 */
export type VersionCheck = { version?: number; ifMatch?: IfMatch; goalEvent?: unknown; goalWindowHours?: unknown; capExempt?: boolean };

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
export function isStale(check: VersionCheck, stored: Stored & { capExempt?: boolean }): boolean {
  if (check.ifMatch !== undefined) return check.ifMatch !== "*" && !check.ifMatch.includes(stored.version);
  if (check.version === undefined) return false;
  if (check.version > stored.version) return true;
  const writesGoal = check.goalEvent !== undefined || check.goalWindowHours !== undefined;
  // an admin's tab sends the exemption it shows: one other than the stored is this tab's change only if
  // nothing moved the version since it loaded (another admin's change of it alone moves only `version`)
  const writesExemption = check.capExempt !== undefined && check.capExempt !== stored.capExempt;
  return writesGoal || writesExemption ? check.version !== stored.version : stored.contentVersion > check.version;
}

const GOAL_FIELDS = new Set(["goalEvent", "goalWindowHours"]);

/** A campaign's webhooks as placed: a reorder or a variant moved is a change the field diff does not name. */
type Placed = { actions: { id: string; position: number; variantOfId: string | null }[] };
const placesOf = (c: Placed) => JSON.stringify(c.actions.map((a) => [a.id, a.position, a.variantOfId]).sort());

/** What of the versioned content a save changed, from its field diff (diffCampaigns) and the rows before and after. */
export function versionedChanges(changes: FieldChange[], before: Placed, after: Placed): VersionedChanges {
  return {
    content: changes.some((c) => !GOAL_FIELDS.has(c.field)) || placesOf(before) !== placesOf(after),
    goal: changes.some((c) => GOAL_FIELDS.has(c.field)),
  };
}

/**
 * What of the versioned state a save changed: `content` what the editor's draft writes (name,
 * description, webhooks, delivery settings but the exemption), `goal` the goal, `capExempt` the cap
 * exemption. The last two move `version` only (isStale: no conflict for a draft that leaves them out).
 */
export type VersionedChanges = { content: boolean; goal: boolean; capExempt?: boolean };

/** Both saves' changes, as one save's (saveCampaign's and its delivery settings'). */
export const bothChanges = (a: VersionedChanges, b: VersionedChanges): VersionedChanges => ({
  content: a.content || b.content,
  goal: a.goal || b.goal,
  capExempt: !!(a.capExempt || b.capExempt),
});

/** The version columns a save writes (null: it changed nothing versioned, the version stays). */
export function nextVersions(stored: Stored, changed: VersionedChanges): Partial<Stored> | null {
  if (!changed.content && !changed.goal && !changed.capExempt) return null;
  const version = stored.version + 1;
  return changed.content ? { version, contentVersion: version } : { version };
}

/**
 * The tab a change was made from: the version it holds (left out: the API, which holds none), its
 * member's role, and the cap exemption its box shows (an admin's tab; an editor's has none to show).
 * The role is required: every door that moves the version says whose tab it hands the next one to.
 */
export type SavingTab = { version?: number; role: MemberRole; capExempt?: boolean };

/**
 * The version a tab holds after its own change moved the campaign's (a Save, a webhook's delete, the
 * Goal form's save, Activate's save of the settings on screen), the one rule every such door answers
 * by. `before`: the campaign's versions before the change, with its cap exemption as the change left it.
 * - It held the stored one (or holds none): the new one. It has seen everything, so its own next Save,
 *   Activate and goal are no conflict.
 * - It missed a change of what its Save writes (contentVersion moved past it): its own, so that Save
 *   is still refused rather than written over the change (a delete is not refused itself).
 * - It missed only a change that moves `version` alone (a goal, a cap exemption set elsewhere): the new
 *   one when its page cannot show a stale exemption (an editor's, which never writes it, or an admin's
 *   box showing the stored one); its own otherwise, or its next Save would put the old exemption back.
 */
export function versionHeldNext(tab: SavingTab, before: Stored & { capExempt: boolean }, written: number): number {
  if (tab.version === undefined || tab.version === before.version) return written;
  if (before.contentVersion > tab.version) return tab.version;
  const seesExemption = !mayChangeCapExempt(tab.role) || tab.capExempt === before.capExempt;
  return seesExemption ? written : tab.version;
}
