// A campaign's conversion goal in the database: read it, and save it on its own (the Goal form on the
// campaign page), reporting what changed for the audit log. The campaign save and the API set it too,
// through saveCampaign (a draft that leaves the goal out keeps it).
import { db } from "../db";
import { CampaignNotFoundError } from "./campaigns";
import type { FieldChange } from "./campaign-diff";
import { goalSettingsSchema, type GoalSettings, type GoalSettingsInput } from "./goals";
import { transaction } from "../db/transaction";
import { lockRowForUpdate } from "../db/row-locks";
import { conflictOf } from "./campaign-conflict";
import { isStale, nextVersions, type SavingTab, versionHeldNext } from "./campaign-version";

export async function loadCampaignGoal(campaignId: string): Promise<GoalSettings | null> {
  const row = await db().campaign.findUnique({ where: { id: campaignId }, select: { goalEvent: true, goalWindowHours: true } });
  return row && campaignGoalOf(row);
}

/** The goal of the campaign's row already read (its page's). */
export function campaignGoalOf(row: { goalEvent: string | null; goalWindowHours: number }): GoalSettings {
  return { goalEvent: row.goalEvent, goalWindowHours: row.goalWindowHours };
}

/**
 * Sets the goal (validated here, whoever calls); the fields that changed, and the campaign's version
 * after it. A change moves the version: an API PUT from an older ETag would otherwise put the old goal
 * back. It is no conflict for the editor's open page, whose save leaves the goal out (isStale).
 * `from`: the page saving it (its version, its member's role). A page holding an older version than the
 * stored one is refused (CampaignConflictError, nothing written), as any save carrying the goal is
 * (isStale): it would write over a goal, or a change, it has not seen. `from.seen`: the goal the form
 * shows as stored (loaded or last saved by it); another stored one is refused too, whatever the version:
 * a tab handed a version past a goal set elsewhere (versionHeldNext, after its own delete or Save) has
 * still not seen it. `held`: the version it holds next. Without `from.version`, the last write wins.
 */
export async function saveCampaignGoal(campaignId: string, input: GoalSettingsInput, from?: SavingTab & { seen?: GoalSettings }): Promise<{ goal: GoalSettings; changes: FieldChange[]; version: number; held: number }> {
  const goal = goalSettingsSchema.parse(input);
  return transaction(async (tx) => {
    await lockRowForUpdate(tx, "Campaign", campaignId);
    const before = await tx.campaign.findUnique({ where: { id: campaignId }, select: { goalEvent: true, goalWindowHours: true, version: true, contentVersion: true, capExempt: true, updatedAt: true } });
    if (!before) throw new CampaignNotFoundError();
    const goalSince = !!from?.seen && (from.seen.goalEvent !== before.goalEvent || from.seen.goalWindowHours !== before.goalWindowHours);
    if (from && (goalSince || isStale({ version: from.version, ...goal }, before))) throw await conflictOf(tx, { id: campaignId, ...before });
    const changes: FieldChange[] = [];
    if (before.goalEvent !== goal.goalEvent) changes.push({ field: "goalEvent", before: before.goalEvent, after: goal.goalEvent });
    if (before.goalWindowHours !== goal.goalWindowHours) changes.push({ field: "goalWindowHours", before: before.goalWindowHours, after: goal.goalWindowHours });
    const bump = nextVersions(before, { content: false, goal: changes.length > 0 });
    const version = bump ? (await tx.campaign.update({ where: { id: campaignId }, data: { ...goal, ...bump }, select: { version: true } })).version : before.version;
    return { goal, changes, version, held: from ? versionHeldNext(from, before, version) : version };
  });
}
