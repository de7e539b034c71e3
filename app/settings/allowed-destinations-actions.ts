"use server";
// Settings › Allowed destinations: admins add and remove entries (lib/webhooks/allowed-destinations.ts).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actingMember } from "@/app/member";
import { AccessError } from "@/lib/auth/guard";
import { addAllowedDestination, AllowedDestinationError, removeAllowedDestination } from "@/lib/webhooks/allowed-destinations";

type Result = { ok: true } | { ok: false; message: string };
const addSchema = z.object({ entry: z.string().max(300, "At most 300 characters"), note: z.string().max(200, "A note can be at most 200 characters").default("") });

async function asAdmin(run: (email: string) => Promise<unknown>): Promise<Result> {
  try {
    const member = await actingMember("admin");
    await run(member.email);
    revalidatePath("/settings");
    return { ok: true };
  } catch (err) {
    if (err instanceof AccessError || err instanceof AllowedDestinationError) return { ok: false, message: err.message };
    if (err instanceof z.ZodError) return { ok: false, message: err.issues[0]?.message ?? "Check the form" };
    throw err;
  }
}

export async function addAllowedDestinationAction(input: { entry: string; note?: string }): Promise<Result> {
  return asAdmin(async (actor) => addAllowedDestination(addSchema.parse(input), actor));
}

export async function removeAllowedDestinationAction(id: string): Promise<Result> {
  return asAdmin(async (actor) => {
    if (!(await removeAllowedDestination(z.string().min(1).max(64).parse(id), actor))) throw new AllowedDestinationError("This entry was already removed.");
  });
}
