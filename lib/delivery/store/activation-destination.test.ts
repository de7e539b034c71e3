// Activation refuses a destination the SSRF guard refuses for everyone: an IP address or localhost
// name the allow list does not hold, or a forbidden port. Test send refused it already; activation
// used to accept it, and then every delivery failed with "is a loopback address". Judged without a
// DNS lookup, with the allow list as sending reads it (HOOKLINE_ALLOWED_HOSTS and Settings' entries).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { resetEnv } from "../../env";
import { activateCampaign } from "./lifecycle";
import { createCampaign } from "../testing/fixtures";
import { addAllowedDestination, listAllowedDestinations, removeAllowedDestination } from "../../webhooks/allowed-destinations";
import { currentAllowList, refusalWithoutLookup } from "../../webhooks/ssrf";
import { apiKeyHeaders, apiRequest, routeParams } from "../../api/testing";
import { POST as activateRoute } from "../../../app/api/v1/campaigns/[id]/activate/route";

const TEST_ALLOWED = process.env.HOOKLINE_ALLOWED_HOSTS;
const HOW_TO_ALLOW = "an admin can allow it in Settings › Allowed destinations";

function allowHosts(value: string) {
  process.env.HOOKLINE_ALLOWED_HOSTS = value;
  resetEnv();
}

async function activate(url: string) {
  const campaign = await createCampaign({ url, fields: [] });
  const result = await activateCampaign(campaign.id, { actor: "ed@example.com" });
  const status = (await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status;
  return { campaign, result, status };
}

beforeAll(async () => {
  await db().user.create({ data: { id: "dest-user", attributes: {} } });
});

afterEach(async () => {
  allowHosts(TEST_ALLOWED ?? "");
  for (const row of await listAllowedDestinations()) await removeAllowedDestination(row.id, { role: "admin", email: "admin@example.com" });
});

describe("activation refuses a destination the SSRF guard refuses for everyone", () => {
  it.each([
    ["http://127.0.0.1:4000/hook", "destination 127.0.0.1 is a loopback address"],
    ["http://[::1]:4000/hook", "destination ::1 is a loopback address"],
    ["http://localhost:4000/hook", "destination 127.0.0.1 is a loopback address"],
    ["https://10.1.2.3/hook/{{user.id}}", "destination 10.1.2.3 is in a private network"],
  ])("refuses %s at the URL field, saying what to do", async (url, reason) => {
    allowHosts("");
    const { result, status } = await activate(url);
    expect(status).toBe("draft");
    expect(result).toEqual({
      ok: false,
      problems: [`Webhook 1 (Hook): URL: every delivery would be refused: ${reason}; ${HOW_TO_ALLOW}`],
      fieldErrors: { "actions.0.url": `every delivery would be refused: ${reason}; ${HOW_TO_ALLOW}` },
    });
  });

  it("refuses a port the guard refuses, even on an allowed host", async () => {
    const { result } = await activate("http://127.0.0.1:22/hook");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors).toEqual({ "actions.0.url": "every delivery would be refused: port 22 is not allowed: webhooks may use 80, 443 or 1024-65535" });
  });

  it("accepts it once HOOKLINE_ALLOWED_HOSTS allows it", async () => {
    allowHosts("10.0.0.0/8");
    expect((await activate("https://10.1.2.3/hook")).result.ok).toBe(true);
    allowHosts("localhost");
    expect((await activate("http://localhost:4000/hook")).result.ok).toBe(true);
  });

  it("accepts it once Settings › Allowed destinations allows it, at once (the entries are read afresh)", async () => {
    allowHosts("");
    await currentAllowList(); // the guard has read the (empty) list just now
    expect((await activate("http://127.0.0.1:4000/hook")).result.ok).toBe(false);
    await addAllowedDestination({ entry: "127.0.0.1" }, { role: "admin", email: "admin@example.com" });
    expect((await activate("http://127.0.0.1:4000/hook")).result.ok).toBe(true);
  });

  it("does not judge a host that is a template: it may differ per user", async () => {
    allowHosts("");
    // the sample (no attributes) renders 10.1.2.4, yet a user with vip set is sent elsewhere
    expect((await activate("http://{{#if userAttribute.vip}}10.1.2.3{{else}}10.1.2.4{{/if}}:4000/hook")).result.ok).toBe(true);
  });

  it("does not look a host name up: it may resolve differently when sent to", async () => {
    allowHosts("");
    expect((await activate("https://crm.example.invalid/hook")).result.ok).toBe(true);
    // the check is synchronous: it cannot wait for a DNS answer
    expect(refusalWithoutLookup("crm.example.invalid", 443, await currentAllowList())).toBeNull();
  });

  it("the API's activation says the same, with 409", async () => {
    allowHosts("");
    const campaign = await createCampaign({ url: "http://127.0.0.1:4000/hook", fields: [] });
    const res = await activateRoute(apiRequest("POST", `/campaigns/${campaign.id}/activate`, await apiKeyHeaders("editor")), routeParams(campaign.id));
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(JSON.stringify(body)).toContain(`Webhook 1 (Hook): URL: every delivery would be refused: destination 127.0.0.1 is a loopback address; ${HOW_TO_ALLOW}`);
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
  });
});
