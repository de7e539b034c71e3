// POST /api/v1/campaigns refuses a stored literal secret (URL credentials, a secret header's value)
// for a URL whose host is a template, a 400 naming the field; nothing is stored. A secret header whose
// value is a template of the data stays allowed, and so does a literal secret at a fixed host.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders, apiRequest } from "@/lib/api/testing";
import { POST as create } from "./route";

const TEMPLATED = "http://{{{user.host}}}/x";

async function post(actions: unknown[]) {
  const res = await create(apiRequest("POST", "/campaigns", await apiKeyHeaders("editor"), { name: "Secrets", actions }));
  return { status: res.status, body: (await res.json()) as { error?: { message: string; details?: { path: string; message: string }[] } } };
}

describe("a stored secret needs a fixed host (POST /api/v1/campaigns)", () => {
  it.each([
    ["a URL password", [{ name: "CRM", url: "http://alice:pwSECRET1234@{{{user.host}}}/x" }], "actions.0.url", /password .*fixed host/],
    ["a credential user name", [{ name: "CRM", url: "https://sk_live_SECRET1234:@{{user.host}}/x" }], "actions.0.url", /fixed host/],
    ["a secret header", [{ name: "CRM", url: TEMPLATED, headers: [{ name: "X-Secret", value: "hdrSECRET5678", secret: true }] }], "actions.0.headers.0.value", /"X-Secret".*fixed host/],
    ["a credential header not ticked", [{ name: "CRM", url: TEMPLATED, headers: [{ name: "Authorization", value: "Bearer hdrSECRET5678" }] }], "actions.0.headers.0.value", /"Authorization".*fixed host/],
    ["a templated scheme", [{ name: "CRM", url: "{{user.scheme}}://api.example.com/x", headers: [{ name: "X-Secret", value: "hdrSECRET5678", secret: true }] }], "actions.0.headers.0.value", /fixed host/],
    ["a variant's secret header", [{ name: "CRM", url: "https://api.example.com/x", splitPercent: 50, variants: [{ url: TEMPLATED, splitPercent: 50, headers: [{ name: "X-Secret", value: "hdrSECRET5678", secret: true }] }] }], "actions.0.variants.0.headers.0.value", /fixed host/],
  ])("%s is a 400 naming the field, nothing stored", async (_, actions, path, message) => {
    const before = await db().campaign.count();
    const { status, body } = await post(actions);
    expect(status).toBe(400);
    expect(body.error!.details).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
    expect(body.error!.message).toContain(path);
    expect(await db().campaign.count()).toBe(before);
  });

  it("a secret header whose value is a template of the data, or a literal secret at a fixed host, is saved", async () => {
    const templated = await post([{ name: "CRM", url: TEMPLATED, headers: [{ name: "Authorization", value: "Bearer {{user.token}}", secret: true }] }]);
    expect(templated.status).toBe(201);
    const fixed = await post([{ name: "CRM", url: "http://alice:pwSECRET1234@api.example.com/{{user.id}}", headers: [{ name: "X-Secret", value: "hdrSECRET5678", secret: true }] }]);
    expect(fixed.status).toBe(201);
  });
});
