// A viewer reads a user's secret-looking attributes (accessToken, password, pin, an apiKey inside an
// object: attribute-secrets.ts) as ••••, so no other door may show them or test guesses of them: the
// live preview, which renders any draft the viewer sends for any user ("Preview as"), renders a
// viewer's sample user masked; the audience count answers a viewer's condition on such an attribute's
// value as "holds it" (as the Users page's filter does). Editors and admins are unchanged.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { Role } from "@/lib/auth/roles";
import { getCampaignDraft, saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { memberCookies } from "@/test/sessions";
import { POST as preview } from "./preview/route";
import { POST as audienceCount } from "./audience/count/route";

const SECRETS = { password: "pw_viewer_leak_1", accessToken: "at_viewer_leak_2", pin: 4321, crm: { apiKey: "ak_viewer_leak_3", id: "cus_7" } };
let cookies: Record<"owner" | Role, string>;

beforeAll(async () => {
  cookies = await memberCookies();
  await db().user.create({ data: { id: "u-secret", email: "s@example.com", attributes: { ...SECRETS, plan: "pro" } } });
  await db().user.create({ data: { id: "u-other", attributes: { pin: 1111, accessToken: "zz", plan: "free" } } });
});

const post = (handler: (req: Request) => Promise<Response>, path: string, role: "owner" | Role, body: unknown) =>
  handler(new Request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "application/json", origin: "http://localhost", cookie: cookies[role] }, body: JSON.stringify(body) }));

const draft = {
  url: "https://hooks.example.com/crm?q={{user.accessToken}}&plan={{user.plan}}",
  fields: [
    { key: "x", value: "{{user.password}}" },
    { key: "p", value: "{{user.pin}}" },
    { key: "k", value: "{{user.crm.apiKey}}" },
    { key: "c", value: "{{user.crm.id}}" },
    { key: "a", value: "{{userAttribute.password}}" },
  ],
};

async function previewAs(role: "owner" | Role) {
  const res = await post(preview, "/api/preview", role, { action: draft, campaign: { name: "Leak" }, userId: "u-secret" });
  expect(res.status).toBe(200);
  return (await res.json()) as { request: { url: string; body: string } | null; errors: unknown[] };
}

describe("the live preview for a viewer", () => {
  it("renders the sample user's secret-looking attributes as •••• (body, URL, nested, userAttribute), the others as stored", async () => {
    const result = await previewAs("viewer");
    expect(result.errors).toEqual([]);
    const text = JSON.stringify(result);
    for (const secret of ["pw_viewer_leak_1", "at_viewer_leak_2", "4321", "ak_viewer_leak_3"]) expect(text, secret).not.toContain(secret);
    expect(JSON.parse(result.request!.body)).toEqual({ x: "••••", p: "••••", k: "••••", c: "cus_7", a: "••••" });
    expect(result.request!.url).toContain("plan=pro");
  });

  it("still previews the stored campaign on the editor's page, as the viewer is shown it, with those attributes masked", async () => {
    const saved = await saveCampaign(campaignDraftSchema.parse({ name: "Stored", actions: [{ url: "https://hooks.example.com/crm", fields: [{ key: "ref", value: "{{user.accessToken}}" }, { key: "plan", value: "{{user.plan}}" }] }] }));
    const shown = (await getCampaignDraft(saved.id, "viewer"))!;
    const res = await post(preview, "/api/preview", "viewer", { action: shown.actions[0], campaign: { id: saved.id, name: "Stored" }, userId: "u-secret" });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { request: { body: string } | null; errors: unknown[] };
    expect(result.errors).toEqual([]);
    expect(JSON.parse(result.request!.body)).toEqual({ ref: "••••", plan: "pro" });
  });

  it("is unchanged for an editor, an admin and the owner, who read the user's attributes as stored", async () => {
    for (const role of ["editor", "admin", "owner"] as const) {
      const result = await previewAs(role);
      expect(JSON.parse(result.request!.body), role).toEqual({ x: "pw_viewer_leak_1", p: "4321", k: "ak_viewer_leak_3", c: "cus_7", a: "pw_viewer_leak_1" });
    }
  });
});

const count = async (role: "owner" | Role, conditions: unknown[], zones = false) => {
  const res = await post(audienceCount, `/api/audience/count${zones ? "?zones=1" : ""}`, role, { match: "all", conditions });
  expect(res.status).toBe(200);
  return (await res.json()) as { matching: number; total: number; zones?: { zone: string | null; users: number }[] | null };
};

describe("the audience count for a viewer", () => {
  it("answers a condition on a secret-looking attribute's value as 'holds it': a guess is not tested (equals, greater, less, contains, nested)", async () => {
    const guesses = [
      { key: "pin", operator: "equals", value: "4321" },
      { key: "pin", operator: "equals", value: "9999" },
      { key: "pin", operator: "greater", value: 4000 },
      { key: "pin", operator: "less", value: 4000 },
      { key: "accessToken", operator: "contains", value: "at_v" },
      { key: "accessToken", operator: "notEquals", value: "zz" },
      { key: "pin", operator: "inList", value: ["4321"] },
    ];
    for (const guess of guesses) {
      expect((await count("viewer", [{ key: "id", operator: "equals", value: "u-secret" }, guess])).matching, JSON.stringify(guess)).toBe(1);
      expect((await count("viewer", [guess])).matching, JSON.stringify(guess)).toBe(2);
      expect((await count("viewer", [guess], true)).matching, `zones ${JSON.stringify(guess)}`).toBe(2);
    }
    for (const value of ["ak_viewer_leak_3", "nope"]) expect((await count("viewer", [{ key: "crm.apiKey", operator: "equals", value }])).matching, value).toBe(1);
    // an attribute that does not look secret is tested as before
    expect((await count("viewer", [{ key: "plan", operator: "equals", value: "pro" }])).matching).toBe(1);
  });

  it("is unchanged for an editor and an admin, who read these values", async () => {
    for (const role of ["editor", "admin"] as const) {
      expect((await count(role, [{ key: "pin", operator: "equals", value: "4321" }])).matching, role).toBe(1);
      expect((await count(role, [{ key: "pin", operator: "equals", value: "9999" }])).matching, role).toBe(0);
      expect((await count(role, [{ key: "pin", operator: "equals", value: "9999" }], true)).matching, role).toBe(0);
    }
  });
});
