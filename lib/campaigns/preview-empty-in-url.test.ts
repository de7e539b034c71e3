// The preview for a sample user lacking a value its URL writes out ({{user.crmId}} in /crm/{{user.crmId}}):
// their request goes to /crm/, the CRM's collection. Said at the URL, with the way to skip such users.
import { describe, expect, it } from "vitest";
import { sampleRequestSchema } from "./preview-input";
import { previewAction } from "./preview";
import { db } from "../db";

const preview = (url: string, attributes: Record<string, unknown>) => previewAction(sampleRequestSchema.parse({ action: { url, fields: [{ key: "plan", value: "gold", type: "text" }], headers: [] }, campaign: { name: "CRM" }, attributes }));
const atUrl = (warnings: { field: string; atField?: true; message: string }[]) => warnings.filter((w) => w.field === "url" && w.atField).map((w) => w.message);

describe("the preview of a URL variable the sample user lacks", () => {
  it("notes at the URL where their request goes, and that {{required}} skips such users", async () => {
    // another user has crmId: it is not an attribute no user has (that warning is about every user)
    await db().user.create({ data: { id: "has-crm", attributes: { crmId: "c-1" } } });
    const shown = await preview("https://crm.example.com/crm/{{user.crmId}}", { plan: "team" });
    expect(shown.request?.url).toBe("https://crm.example.com/crm/");
    expect(atUrl(shown.warnings)).toEqual(["Empty for this user: their request goes to another address, …/crm/ — {{required user.crmId}} skips such users"]);
  });

  it("notes that a query value's parameter is sent empty, the address staying the same", async () => {
    await db().user.upsert({ where: { id: "has-crm" }, create: { id: "has-crm", attributes: { crmId: "c-1" } }, update: {} });
    const shown = await preview("https://crm.example.com/crm?id={{user.crmId}}", { plan: "team" });
    expect(atUrl(shown.warnings)).toEqual(["Empty for this user: their request is sent with id= empty — {{required user.crmId}} skips such users"]);
  });

  it("notes nothing when the user has it, when a default fills it, or with {{required}}", async () => {
    expect(atUrl((await preview("https://crm.example.com/crm/{{user.crmId}}", { crmId: "c-2" })).warnings)).toEqual([]);
    expect(atUrl((await preview('https://crm.example.com/crm/{{default user.crmId "new"}}', {})).warnings)).toEqual([]);
    const required = await preview("https://crm.example.com/crm/{{required user.crmId}}", {});
    expect(required.skipped).toBeDefined();
    expect(atUrl(required.warnings)).toEqual([]);
  });

  it("masks a secret of the address it names (viewers read the preview), and says nothing of a fragment, which is never sent", async () => {
    await db().user.upsert({ where: { id: "has-crm" }, create: { id: "has-crm", attributes: { crmId: "c-1" } }, update: {} });
    const secret = await preview("https://crm.example.com/crm/{{user.crmId}}?api_key=sk_live_SECRET123", {});
    expect(JSON.stringify(secret.warnings)).not.toContain("SECRET123");
    expect(atUrl(secret.warnings)).toEqual(["Empty for this user: their request goes to another address, …/crm/?api_key=•••• — {{required user.crmId}} skips such users"]);
    expect(atUrl((await preview("https://crm.example.com/hook#{{user.crmId}}", {})).warnings)).toEqual([]);
  });

  it("leaves a destination template's placeholder to its own message (replace it), not a value some users lack", async () => {
    const shown = await preview("https://hooks.slack.com/services/{{slack_webhook_path}}", {});
    expect(JSON.stringify(shown.warnings)).not.toContain("{{required");
    expect(shown.warnings.map((w) => w.message).join(" ")).toContain("{{slack_webhook_path}} is a placeholder, not a variable: replace it with your own value");
  });
});
