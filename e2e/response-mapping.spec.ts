// Issue 14, "Responses saved to the user": the webhook editor's "Save response to user" rows (errors
// at the field), a test send that shows what would be saved, and after activation the user's page
// naming the campaign that set the attribute. The receiver runs on 127.0.0.1 and answers JSON.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";
import { MAX_ATTRIBUTE_NAME } from "../lib/api/schemas/users";
import { MAX_MAPPING_PATH } from "../lib/webhooks/response-mapping";

let server: http.Server;
let port = 0;
// values of this run only: an attribute already holding the answered value is not written again, and
// "set by" keeps naming the campaign that set it (ab-test-journey's receiver answers crm-<user> too)
const run = Date.now().toString(36);
test.beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const userId = decodeURIComponent(req.url!.split("/").pop()!);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ customer: { id: `crm-${userId}-${run}` } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test("a response mapping is edited, shown by a test send, and names its campaign on the user's page", async ({ page }) => {
  const name = `CRM sync ${Date.now()}`;
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(name);
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/crm/{{user.id}}`);

  const section = page.getByRole("group", { name: "Save response to user" });
  await section.getByRole("button", { name: "Add mapping" }).click();
  await section.getByLabel("JSON path 1").fill("customer.id");
  await section.getByLabel("User attribute 1").fill("crmId");
  // a row into "plan", which the demo users hold as text: saving numbers into it is called out
  await section.getByRole("button", { name: "Add mapping" }).click();
  await section.getByLabel("User attribute 2").fill("plan");
  await section.getByLabel("Saved as 2").selectOption("number");
  await expect(section.getByRole("note")).toContainText(`Your users' "plan" holds text; saving number replaces it`);
  await section.getByLabel("Saved as 2").selectOption("string");
  await expect(section.getByRole("note")).toHaveCount(0);
  await section.getByRole("button", { name: "Remove mapping 2" }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(section.getByText('Start the path with "$", for example $.customer.id')).toBeVisible();
  await section.getByLabel("JSON path 1").fill("$.customer.id");

  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByRole("button", { name: "Test send" }).click();
  const wouldSave = result.getByRole("region", { name: "Would save to user" });
  await expect(wouldSave).toContainText("crmId");
  await expect(wouldSave).toContainText(`"crm-user-1001-${run}"`);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  // a test send wrote nothing (other specs' campaigns may have set crmId: count this campaign's)
  const campaignId = page.url().split("/").at(-1)!;
  const prisma = await appDb();
  // "user.attribute" for each attribute this campaign set (User.attributeSources)
  const setByCampaign = async (userId?: string) => {
    const ours = new Set((await prisma.delivery.findMany({ where: { campaignId }, select: { id: true } })).map((d) => d.id));
    return (await prisma.user.findMany({ where: userId ? { id: userId } : {}, select: { id: true, attributeSources: true } })).flatMap((u) =>
      // each source is the id of the delivery whose response set the attribute
      Object.entries((u.attributeSources ?? {}) as Record<string, unknown>).filter(([, s]) => typeof s === "string" && ours.has(s)).map(([attribute]) => `${u.id}.${attribute}`),
    );
  };
  try {
    expect(await setByCampaign()).toEqual([]);
    await page.reload();
    await expect(section.getByLabel("JSON path 1")).toHaveValue("$.customer.id");

    await activateCampaign(page);
    await expect.poll(async () => setByCampaign("user-1001"), { timeout: 30_000 }).toEqual(["user-1001.crmId"]);
  } finally {
    await prisma.$disconnect();
  }

  await page.goto("/users/user-1001");
  await expect(page.getByText(`crm-user-1001-${run}`)).toBeVisible();
  const link = page.getByRole("link", { name: `campaign ${name}` });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.getByLabel("Campaign name")).toHaveValue(name);
});

test("a mapping's JSON path and attribute name stop at the lengths the server accepts", async ({ page }) => {
  await page.goto("/campaigns/new");
  const section = page.getByRole("group", { name: "Save response to user" });
  await section.getByRole("button", { name: "Add mapping" }).click();
  await expect(section.getByLabel("JSON path 1")).toHaveAttribute("maxlength", String(MAX_MAPPING_PATH));
  await expect(section.getByLabel("User attribute 1")).toHaveAttribute("maxlength", String(MAX_ATTRIBUTE_NAME));
  await section.getByLabel("User attribute 1").fill("a".repeat(MAX_ATTRIBUTE_NAME + 5));
  await expect(section.getByLabel("User attribute 1")).toHaveValue("a".repeat(MAX_ATTRIBUTE_NAME));
});
