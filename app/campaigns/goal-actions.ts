"use server";
// The campaign page's Goal form: the goal event and its window, saved on their own.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { saveCampaignGoal } from "@/lib/campaigns/campaign-goal";
import { goalSettingsSchema } from "@/lib/campaigns/goals";
import { auditUi } from "@/app/member";
import { defineAction } from "@/app/define-action";

// the third argument: the version the page holds (an older one than the stored is refused as a conflict,
// nothing saved), the fourth the goal the form shows as stored (another stored one is refused too);
// `version` in the answer, the one it holds next (a goal's change moves it)
const loadedVersion = z.number().int().positive().optional();

export const saveCampaignGoalAction = defineAction(
  { role: "editor", schema: z.tuple([idSchema, goalSettingsSchema, loadedVersion, goalSettingsSchema.optional()]), name: "Saving the goal" },
  async ([campaignId, settings, version, seen], member) => {
    const { goal, changes, held } = await saveCampaignGoal(campaignId, settings, { version, role: member.role, seen });
    if (changes.length) await auditUi("campaign.updated", campaignId, { diff: changes });
    revalidatePath(`/campaigns/${campaignId}`);
    return succeeded({ ...goal, version: held });
  },
);
