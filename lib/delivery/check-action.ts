// Activation's check of one action: it must load (secrets decrypt) and render for a user with no
// attributes; template errors are listed, data-dependent ones show up per delivery later.
import { db } from "../db";
import { defaultDeliveryDeps } from "./default-deps";

export async function checkActionRenders(ref: { id: string }): Promise<string[]> {
  const action = await db().action.findUnique({ where: { id: ref.id } });
  if (!action) return ["the action no longer exists"];
  const deps = await defaultDeliveryDeps();
  const now = new Date();
  try {
    const template = deps.loadTemplate(action, now);
    const result = deps.render(template, { user: { id: "activation-check", attributes: {} }, event: { name: "", params: {} }, now }, { webhookId: "msg_check", timestamp: now });
    return result.ok ? [] : result.errors.map((e) => `${e.field}: ${e.message}`);
  } catch (err) {
    return [(err as Error).message];
  }
}
