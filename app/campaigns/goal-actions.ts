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

export const saveCampaignGoalAction = defineAction(
  { role: "editor", schema: z.tuple([idSchema, goalSettingsSchema]), name: "Saving the goal" },
  async ([campaignId, settings]) => {
    const { goal, changes } = await saveCampaignGoal(campaignId, settings);
    if (changes.length) await auditUi("campaign.updated", campaignId, { diff: changes });
    revalidatePath(`/campaigns/${campaignId}`);
    return succeeded(goal);
  },
);
