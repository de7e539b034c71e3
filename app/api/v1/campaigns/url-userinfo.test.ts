// A Basic-auth password holding an unencoded # ? / or @ (http://mkt:p@ss#1@127.0.0.1:4000/...) made the
// sender's URL parser read host `ss`: POST /api/v1/campaigns refuses it, a 400 naming the field, and one
// saved before that rule is refused at Activate and Resume with the same words, nothing sent to `ss`.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { apiKeyHeaders, apiRequest } from "@/lib/api/testing";
import { campaignDraftSchema, fieldErrorsOf } from "@/lib/campaigns/schemas";
import { activateCampaign, pauseCampaign, resumeCampaign } from "@/lib/delivery/store/lifecycle";
import { memberCookies } from "@/test/sessions";
import { POST as preview } from "@/app/api/preview/route";
import { POST as create } from "./route";

const HINT = "URL: the password (or user name) seems to hold # ? / or @: write them percent-encoded (%23 %3F %2F %40)";
const TYPED = "http://mkt:p@ss#1@127.0.0.1:4000/basic/{{user.id}}";

async function post(actions: unknown[]) {
  const res = await create(apiRequest("POST", "/campaigns", await apiKeyHeaders("editor"), { name: "Basic", actions }));
  return { status: res.status, body: (await res.json()) as { error?: { message: string; details?: { path: string; message: string }[] } } };
}

describe("a URL password holding # ? / or @", () => {
  it.each([
    [TYPED, `${HINT}, else the request goes to \`ss\``],
    ["http://mkt:p?ss@127.0.0.1:4000/basic/{{user.id}}", HINT],
    ["http://mkt:p/ss@127.0.0.1:4000/basic/{{user.id}}", HINT],
  ])("%s is a 400 at actions.0.url, nothing stored; the editor's schema says the same", async (url, message) => {
    const before = await db().campaign.count();
    const { status, body } = await post([{ name: "CRM", url }]);
    expect(status).toBe(400);
    expect(body.error!.details).toEqual([{ path: "actions.0.url", message }]);
    expect(await db().campaign.count()).toBe(before);
    const parsed = campaignDraftSchema.safeParse({ name: "c", actions: [{ name: "w", url }] });
    expect(fieldErrorsOf(parsed.error!)).toEqual({ "actions.0.url": message });
  });

  it("the editor's preview builds no request to `ss`: it says what to do, once prefixed", async () => {
    const cookies = await memberCookies();
    await db().user.upsert({ where: { id: "basic-p" }, create: { id: "basic-p", email: "p@example.com", attributes: {} }, update: {} });
    const res = await preview(
      new Request("http://localhost/api/preview", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost", cookie: cookies.editor },
        body: JSON.stringify({ action: { url: TYPED }, campaign: { id: "new", name: "Basic" }, userId: "basic-p" }),
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(JSON.parse(body).request).toBeNull();
    expect(body).toContain("seems to hold # ? / or @");
    expect(body).not.toContain("URL: URL:");
    expect(body).not.toContain("https://ss/");
  });

  it("percent-encoded (or with only @ or a space), it is saved", async () => {
    for (const url of ["http://mkt:p%40ss%231@127.0.0.1:4000/basic/{{user.id}}", "http://mkt:p@ss@127.0.0.1:4000/x", "http://mkt:p ss@127.0.0.1:4000/x", "https://api.example.com/users/bob@example.com"]) {
      expect((await post([{ name: "CRM", url }])).status, url).toBe(201);
    }
  });

  it("saved before this rule (the password stored apart), it is refused at Activate and at Resume with the same words", async () => {
    await db().user.create({ data: { id: "basic-1", email: "b@example.com", attributes: {} } });
    const campaign = await db().campaign.create({
      data: {
        name: "Saved before",
        deliveryRule: { when: "immediate" },
        actions: { create: { name: "Hook", urlTemplate: "http://mkt@ss#1@127.0.0.1:4000/basic/{{user.id}}", urlPasswordEnc: encryptSecret("p"), fields: [], headers: [], timeoutMs: 5000 } },
      },
    });
    const activated = await activateCampaign(campaign.id);
    expect(activated).toMatchObject({ ok: false, problems: [expect.stringContaining(`${HINT}, else the request goes to \`ss\``)] });
    expect(activated.ok ? "" : activated.problems.join(" ")).not.toContain("URL: URL:");
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
    expect(await db().delivery.count({ where: { campaignId: campaign.id } })).toBe(0);

    // paused after being activated before the rule: Resume refuses it too
    await db().campaign.update({ where: { id: campaign.id }, data: { status: "active", activatedAt: new Date() } });
    await pauseCampaign(campaign.id, "system");
    const resumed = await resumeCampaign(campaign.id, "system");
    expect(resumed).toMatchObject({ ok: false, message: expect.stringContaining(`${HINT}, else the request goes to \`ss\``) });
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("paused");
  });
});
