// Hooks whose URL holds their key (credential-parts.ts SECRET_PATH_URLS), read by a viewer and saved as a
// template: Make's path, IFTTT's key and a Telegram bot's token; the IFTTT event and the bot's method stay.
import { expect, it } from "vitest";
import { db } from "../db";
import { getCampaignDraft, saveCampaign } from "./campaigns";
import { saveDestinationTemplate } from "./destination-templates";
import { templateInputSchema } from "./destination-template-schemas";
import { SECRET_MASK as M } from "./limits";
import { campaignDraftSchema } from "./schemas";

const URLS = [
  "https://hook.eu1.make.com/makesecretpath123",
  "https://maker.ifttt.com/trigger/door_opened/with/key/iftttSecretKey1",
  "https://api.telegram.org/bot123456:AAHtelegramSecret/sendMessage?chat_id=42",
];
const SECRETS = /makesecretpath123|iftttSecretKey1|AAHtelegramSecret/;

it("a viewer reads them masked, an editor as typed", async () => {
  const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Paths", actions: URLS.map((url, i) => ({ name: `Hook ${i}`, url })) }), { role: "admin" });
  const viewer = (await getCampaignDraft(id, "viewer"))!;
  expect(JSON.stringify(viewer)).not.toMatch(SECRETS);
  expect(viewer.actions.map((a) => a.url)).toEqual([
    `https://hook.eu1.make.com/${M}`,
    `https://maker.ifttt.com/trigger/door_opened/with/key/${M}`,
    `https://api.telegram.org/bot${M}/sendMessage?chat_id=42`,
  ]);
  expect((await getCampaignDraft(id, "editor"))!.actions.map((a) => a.url)).toEqual(URLS);
});

it("a saved template keeps a placeholder in their place", async () => {
  const saved = [];
  for (const [i, url] of URLS.entries()) saved.push((await saveDestinationTemplate(templateInputSchema.parse({ name: `Path ${i}`, webhook: { url } }), "ed@example.com")).template.webhook.url);
  expect(saved).toEqual([
    "https://hook.eu1.make.com/{{make_webhook_path}}",
    "https://maker.ifttt.com/trigger/door_opened/with/key/{{ifttt_webhook_key}}",
    "https://api.telegram.org/bot{{telegram_bot_token}}/sendMessage?chat_id=42",
  ]);
  expect(JSON.stringify(await db().destinationTemplate.findMany())).not.toMatch(SECRETS);
});
