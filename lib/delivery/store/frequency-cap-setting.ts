// Where the install-wide frequency cap is kept: the Setting row read by the engine (batch-context.ts).
import { db } from "../../db";
import type { DbOrTx } from "../../db/client";
import { FREQUENCY_CAP_SETTING } from "./batch-context";
import { capIsSet, frequencyCapSchema, type FrequencyCap } from "../core/frequency-cap";
import { requireRole } from "../../auth/access";
import type { Member } from "../../auth/members";

export async function getFrequencyCap(prisma: DbOrTx = db()): Promise<FrequencyCap | null> {
  const row = await prisma.setting.findUnique({ where: { key: FREQUENCY_CAP_SETTING } });
  if (!row) return null;
  const parsed = frequencyCapSchema.safeParse(JSON.parse(row.value));
  return parsed.success && capIsSet(parsed.data) ? parsed.data : null;
}

/** Sets (or, with null, removes) the cap; workers pick it up within 10 seconds. Admins only (AccessError 403). */
export async function setFrequencyCap(cap: FrequencyCap | null, actor: Pick<Member, "role">) {
  requireRole(actor, "admin");
  if (!cap || !capIsSet(cap)) {
    await db().setting.deleteMany({ where: { key: FREQUENCY_CAP_SETTING } });
    return;
  }
  const value = JSON.stringify(frequencyCapSchema.parse(cap));
  await db().setting.upsert({ where: { key: FREQUENCY_CAP_SETTING }, create: { key: FREQUENCY_CAP_SETTING, value }, update: { value } });
}
