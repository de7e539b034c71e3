// A webhook timed from a user attribute an earlier webhook saves from its response ("Due reminder", 10 hours
// before dueAt, which "Due lookup" saves from its answer): the editor says under the attribute that each
// user's send waits for that answer for its time, and Activate's question says the same (it is no longer
// suppressed for everyone at activation: lib/delivery/engine/earlier-step-timing.test.ts). Nothing is sent:
// the dialog is cancelled. The receiver on 127.0.0.1 is allowed by playwright.config.ts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a webhook timed from what an earlier one saves: the timing field and Activate's question say it waits for that answer for its time", async ({ page }) => {
  const tag = `timed${Date.now()}`;
  const server = http.createServer((req, res) => void req.resume().on("end", () => res.writeHead(200).end("ok")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const prisma = await appDb();
  try {
    await prisma.user.createMany({ data: [{ id: `${tag}-u-0`, attributes: {} }] });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Due reminder ${tag}`,
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: {
          create: [
            { position: 0, name: "Due lookup", urlTemplate: `${base}/due/{{user.id}}`, fields: [], headers: [], responseMapping: [{ path: "$.due", attribute: "dueAt", type: "date" }] },
            { position: 1, name: "Due reminder", urlTemplate: `${base}/remind/{{user.id}}`, fields: [], headers: [] },
          ],
        },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const timing = page.getByRole("group", { name: "Due reminder" });
    await timing.getByLabel("Delay").fill("10");
    await timing.getByLabel("Unit").selectOption("hours");
    await timing.getByLabel(/Measure from a time/).check();
    await timing.getByLabel("Before or after").selectOption("before");
    await timing.getByLabel("Time from").selectOption("user");
    const key = timing.getByLabel("Parameter or attribute");
    await key.fill("dueAt");
    await expect(key).toHaveAccessibleDescription("Set from Webhook 1's response (`$.due`): each user's send waits for that answer for its time, and is suppressed for a user it saves no time for");
    // an attribute no earlier webhook saves: no such note
    await key.fill("renewsAt");
    await expect(key).not.toHaveAccessibleDescription(/Set from/);
    await key.fill("dueAt");

    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await delivery.getByRole("button", { name: "Activate" }).click();
    const dialog = page.getByRole("dialog", { name: "Send now to 1 user?" });
    await expect(dialog).toContainText("“Due reminder” waits for Webhook 1 (Due lookup)'s answer for its time: it is timed from dueAt once that webhook has saved it (sent at once if that time has passed), and suppressed for a user it saves no time for.");
    await expect(dialog).not.toContainText("reads what an earlier webhook saves");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
  } finally {
    await prisma.$disconnect();
    server.close();
  }
});
