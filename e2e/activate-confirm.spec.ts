// Activate asks first, in plain words, what it is about to do: an immediate campaign says how many
// users it sends to now (the Audience fields' count). Cancel and Escape leave it a draft that has sent
// nothing (the edits Activate saved stay saved, and it says so); confirming activates it, and Goal and
// results fills in without a reload. The receiver on 127.0.0.1 is allowed by playwright.config.ts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

const USERS = 7;

test("Activate asks 'Send now to 7 users?'; Cancel and Escape send nothing, confirming activates", async ({ page }) => {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(req.url ?? "");
    req.resume();
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  const tag = `confirm${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: USERS }, (_, i) => ({ id: `${tag}-u-${i}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Confirm activation ${tag}`,
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        actions: { create: { name: "Notify receiver", urlTemplate: `http://127.0.0.1:${port}/hook/{{user.id}}`, fields: [], headers: [] } },
      },
    });
    const stored = () => prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { status: true, _count: { select: { deliveries: true } } } });

    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(delivery.getByText(new RegExp(`^${USERS} of \\d+ users match$`))).toBeVisible();
    const activate = delivery.getByRole("button", { name: "Activate" });

    // Cancel: the focus starts on it (the safe choice), and nothing is sent. Activate saved the
    // unsaved edit first (its check reads the saved campaign), and the dialog says so plainly.
    await page.getByLabel("Campaign name").fill(`Confirm activation ${tag} (edited)`);
    await activate.click();
    const dialog = page.getByRole("dialog", { name: `Send now to ${USERS} users?` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("Each of them is sent this campaign's webhooks now");
    await expect(dialog).toContainText("Your changes are saved; Cancel sends nothing and leaves the campaign a draft.");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(activate).toBeFocused();
    expect(await stored()).toEqual({ status: "draft", _count: { deliveries: 0 } });
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).name).toBe(`Confirm activation ${tag} (edited)`);

    // Escape cancels too; with nothing unsaved this time, nothing to say about saving
    await activate.click();
    await expect(dialog).toBeVisible();
    await expect(dialog).not.toContainText("Your changes are saved");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(delivery.getByText(/^Active: /)).toHaveCount(0);
    await expect(delivery.getByText("Draft", { exact: true })).toBeVisible();
    expect(await stored()).toEqual({ status: "draft", _count: { deliveries: 0 } });
    expect(received).toEqual([]);

    // Confirming activates: what the dialog said is what is sent
    expect(await activateCampaign(page)).toBe(`Send now to ${USERS} users?`);
    await expect(delivery.getByText(`Active: ${USERS} deliveries planned.`)).toBeVisible();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(USERS);
    expect(received.every((url) => url.startsWith(`/hook/${tag}-u-`))).toBe(true);

    // Goal and results follows without a reload: the send finishes within seconds, and the table
    // (which said "No results yet") shows the users reached and delivered
    const results = page.getByRole("region", { name: "Goal and results" });
    const row = results.getByRole("table", { name: "Results: Notify receiver" }).getByRole("row", { name: /^Notify receiver/ });
    await expect(row.getByRole("cell").nth(0)).toHaveText(String(USERS), { timeout: 20_000 });
    await expect(row.getByRole("cell").nth(1)).toHaveText(String(USERS), { timeout: 20_000 });
    await expect(results.getByText("No results yet", { exact: false })).toHaveCount(0);
  } finally {
    await prisma.$disconnect();
    server.close();
  }
});

test("with a control group, Activate says about how many are held out instead of 'each of them is sent'", async ({ page }) => {
  const prisma = await appDb();
  const tag = `held${Date.now()}`;
  try {
    await prisma.user.createMany({ data: Array.from({ length: 10 }, (_, i) => ({ id: `${tag}-u-${i}`, attributes: {} })) });
    const campaign = await prisma.campaign.create({
      data: {
        name: `Held out ${tag}`,
        deliveryRule: { when: "immediate" },
        audience: { match: "all", conditions: [{ key: "id", operator: "contains", value: tag }] },
        // nothing is sent: the dialog is cancelled (activation's dry run checks the address)
        actions: { create: { name: "Notify", urlTemplate: "http://127.0.0.1:9999/hook/{{user.id}}", fields: [], headers: [], controlPercent: 20 } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await expect(delivery.getByText(/^10 of \d+ users match$/)).toBeVisible();
    await delivery.getByRole("button", { name: "Activate" }).click();
    const dialog = page.getByRole("dialog", { name: "Send now to 10 users, about 20% of them held out as the control group?" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("Each of them outside the control group is sent this campaign's webhooks now");
    await expect(dialog).toContainText("About 20% of them (the control group) are held out and sent nothing.");
    await expect(dialog).toContainText("Each user is placed by a hash of their id, not counted out, so in a small audience the share held out varies.");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  } finally {
    await prisma.$disconnect();
  }
});
