// Activate renders each webhook for the audience's first users before it asks (lib/delivery/store/
// sample-renders.ts). Found in a walkthrough: a JSON data field of {{user.city}} ("Paris" is not valid
// JSON) was saved and activated with "Send now to 46 users?", and all 46 deliveries failed at once.
// Now a webhook that fails for every user tried is refused in the dialog; one that fails for some is
// a warning under the question: Cancel leaves a draft, confirming activates it for everyone.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("Activate refuses a webhook no user tried can build, and warns of one some users break", async ({ page }) => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  const tag = `sample${Date.now()}`;
  const campaignOf = (group: string) =>
    prisma.campaign.create({
      data: {
        name: `Sample users ${group} ${tag}`,
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: `${tag}-${group}-` }] },
        actions: { create: { name: "Hook", urlTemplate: `http://127.0.0.1:${port}/hook`, fields: [{ key: "meta", value: "{{user.sampleCity}}", type: "json" }], headers: [] } },
      },
    });
  try {
    // every user's city is a word, never JSON: refused, with nothing to confirm (an attribute of this spec's own:
    // the database is shared, and a number in "city" would change what the autocomplete spec reads of it)
    await prisma.user.createMany({ data: Array.from({ length: 3 }, (_, i) => ({ id: `${tag}-all-${i}`, attributes: { sampleCity: "Paris" } })) });
    const all = await campaignOf("all");
    await page.goto(`/campaigns/${all.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(delivery.getByText(/^3 of \d+ users match$/)).toBeVisible();
    await delivery.getByRole("button", { name: "Activate" }).click();
    const refused = page.getByRole("dialog", { name: "Not ready to activate", exact: true });
    await expect(refused).toContainText(`Webhook 1 (Hook): Data field "meta": The value is not valid JSON`);
    await expect(refused).toContainText(`for every user tried (3 of 3, e.g. user ${tag}-all-0)`);
    await refused.getByRole("button", { name: "Close", exact: true }).click();
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: all.id }, select: { status: true, _count: { select: { deliveries: true } } } })).toEqual({ status: "draft", _count: { deliveries: 0 } });

    // one user of four breaks it: said under the question; Cancel sends nothing, confirming activates
    await prisma.user.createMany({ data: Array.from({ length: 4 }, (_, i) => ({ id: `${tag}-some-${i}`, attributes: { sampleCity: i === 1 ? "Paris" : 75 } })) });
    const some = await campaignOf("some");
    await page.goto(`/campaigns/${some.id}`);
    await expect(delivery.getByText(/^4 of \d+ users match$/)).toBeVisible();
    const activate = delivery.getByRole("button", { name: "Activate" });
    await activate.click();
    const dialog = page.getByRole("dialog", { name: "Send now to 4 users?" });
    const note = dialog.getByRole("note", { name: "Users it fails for" });
    await expect(note).toContainText(`Webhook 1 (Hook): fails for 1 of 4 users tried, e.g. user ${tag}-some-1: Data field "meta": The value is not valid JSON`);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: some.id } })).status).toBe("draft");
    await activate.click();
    await dialog.getByRole("button", { name: "Activate", exact: true }).click();
    await expect(delivery.getByText("Active: 4 deliveries planned.")).toBeVisible();
  } finally {
    await prisma.$disconnect();
    server.close();
  }
});
