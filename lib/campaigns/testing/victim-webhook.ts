// The secret tests' victim: an admin's saved webhook with a URL password, a secret header and a
// signing secret, sending to a real receiver on 127.0.0.1 at `path`, and a user "u1" to send for.
// Editors then try to move those secrets elsewhere through the test-send and preview routes.
import { afterAll, afterEach, beforeAll } from "vitest";
import { db } from "../../db";
import { memberCookies } from "@/test/sessions";
import { saveCampaign } from "../campaigns";
import { campaignDraftSchema } from "../schemas";
import { rotateSigningSecret } from "../signing-secrets";
import { startReceiver } from "../../delivery/testing/receiver";

export type VictimWebhook = {
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  cookies: Awaited<ReturnType<typeof memberCookies>>;
  campaignId: string;
  actionId: string;
};

/** Sets the victim up before the file's tests (its fields filled in then), empties the receiver after each, closes it at the end. */
export function victimWebhookForFile(path: string): VictimWebhook {
  const victim = {} as VictimWebhook;
  beforeAll(async () => {
    victim.receiver = await startReceiver();
    victim.cookies = await memberCookies();
    await db().user.create({ data: { id: "u1", email: "mary@example.com", attributes: {} } });
    const saved = await saveCampaign(
      campaignDraftSchema.parse({ name: "Victim", actions: [{ name: "CRM", url: `http://crm:hunter2@127.0.0.1:${victim.receiver.port}${path}`, headers: [{ name: "X-Api-Key", value: "key-123", secret: true }] }] }),
      { role: "admin" },
    );
    victim.campaignId = saved.id;
    victim.actionId = saved.actionIds[0]!;
    await rotateSigningSecret(victim.campaignId, victim.actionId);
  });
  afterEach(() => {
    victim.receiver.received.length = 0;
  });
  afterAll(async () => victim.receiver.close());
  return victim;
}
