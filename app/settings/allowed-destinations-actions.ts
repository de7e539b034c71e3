"use server";
// Settings › Allowed destinations: admins add and remove entries (lib/webhooks/allowed-destinations.ts).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { succeeded } from "@/lib/api/action-result";
import { idSchema } from "@/lib/api/ids";
import { addAllowedDestination, AllowedDestinationError, removeAllowedDestination } from "@/lib/webhooks/allowed-destinations";
import { defineAction } from "@/app/define-action";

const addSchema = z.object({ entry: z.string().max(300, "At most 300 characters"), note: z.string().max(200, "A note can be at most 200 characters").default("") });

export const addAllowedDestinationAction = defineAction({ role: "admin", schema: addSchema, name: "Allowing the destination" }, async (input, member) => {
  await addAllowedDestination(input, member);
  revalidatePath("/settings");
  return succeeded(undefined);
});

export const removeAllowedDestinationAction = defineAction({ role: "admin", schema: idSchema, name: "Removing the destination" }, async (id, member) => {
  if (!(await removeAllowedDestination(id, member))) throw new AllowedDestinationError("This entry was already removed.");
  revalidatePath("/settings");
  return succeeded(undefined);
});
