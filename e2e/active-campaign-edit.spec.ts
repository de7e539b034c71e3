// Issue 13, "Editing an active campaign": a live campaign says so, Save asks first, and the audit
// log records what changed (a field-level diff, secrets as "changed"). A test send then reaches the
// new URL on a receiver on 127.0.0.1. The audit log page shows that diff under the entry.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { appDb } from "./app-db";
import { activateCampaign, expect, test } from "./fixtures";

test("an active campaign shows it is live, asks before saving, and audits the diff", async ({ page }) => {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(req.url ?? "");
    req.resume();
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const prisma = await appDb();
  try {
    await page.goto("/campaigns/new");
    await page.getByLabel("Campaign name").fill("Live edit");
    await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/v1/{{user.id}}`);
    // the preview follows once the page is interactive
    await expect(page.getByRole("region", { name: "Request preview" })).toContainText(`127.0.0.1:${port}/v1/`);
    await page.getByRole("button", { name: "Add header" }).click();
    await page.getByLabel("Header name").fill("X-Api-Key");
    await page.getByLabel("Header value").fill("first-key-value");
    await page.getByRole("checkbox", { name: /secret/i }).check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
    const id = page.url().split("/").at(-1)!;
    const banner = page.getByText("This campaign is live: webhook changes apply to the next deliveries; pause it to change how it delivers");
    await expect(banner).toHaveCount(0);

    // Triggered by an event nobody sends: active, yet nothing goes out by itself.
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await delivery.getByRole("radiogroup", { name: "When" }).getByRole("radio", { name: "Triggered by event" }).check();
    await delivery.getByLabel("Event name").fill(`live_edit_${id}`);
    await activateCampaign(page);
    await expect(delivery.getByText(`Active: each "live_edit_${id}" event tracked from now on sends this campaign to its user.`)).toBeVisible();
    await expect(banner).toBeVisible();

    // Save asks first; Cancel keeps the edit unsaved.
    const url = page.getByLabel("URL", { exact: true });
    await url.fill(`http://127.0.0.1:${port}/v2/{{user.id}}`);
    await page.getByLabel("Header value").fill("second-key-value");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Save changes to a live campaign?" });
    await expect(dialog).toContainText("changes apply to the next deliveries");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByText("Unsaved changes")).toBeVisible();
    expect(await prisma.action.findFirst({ where: { campaignId: id }, select: { urlTemplate: true } })).toEqual({ urlTemplate: `http://127.0.0.1:${port}/v1/{{user.id}}` });

    await page.getByRole("button", { name: "Save", exact: true }).click();
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await expect(banner).toBeVisible();

    const entry = await prisma.auditLog.findFirst({ where: { action: "campaign.updated", target: id }, orderBy: { createdAt: "desc" } });
    const diff = (entry?.details as { diff?: unknown[] } | null)?.diff;
    expect(diff).toEqual([
      { field: "actions[0] (Webhook).url", before: `http://127.0.0.1:${port}/v1/{{user.id}}`, after: `http://127.0.0.1:${port}/v2/{{user.id}}` },
      { field: "actions[0] (Webhook).headers[0].value", secret: "changed" },
    ]);
    expect(JSON.stringify(entry?.details)).not.toMatch(/first-key-value|second-key-value/);

    await page.getByRole("button", { name: "Test send" }).click();
    await expect(page.getByRole("region", { name: "Test send result" })).toContainText("200 OK");
    expect(received.at(-1)).toMatch(/^\/v2\//);

    // The audit log shows the diff under its entry: field, before -> after, the secret as changed only.
    await page.goto("/audit-log");
    const row = page.getByRole("row").filter({ hasText: "campaign.updated" }).filter({ hasText: "Live edit" }).first();
    await row.getByText("2 changes").click();
    const changes = row.getByRole("list", { name: "Changes" });
    await expect(changes).toBeVisible();
    await expect(changes.getByRole("listitem").nth(0)).toHaveText(
      `actions[0] (Webhook).url: "http://127.0.0.1:${port}/v1/{{user.id}}" → "http://127.0.0.1:${port}/v2/{{user.id}}"`,
    );
    await expect(changes.getByRole("listitem").nth(1)).toHaveText("actions[0] (Webhook).headers[0].value: secret changed");
    await expect(page.getByRole("table")).not.toContainText(/first-key-value|second-key-value/);
  } finally {
    await prisma.$disconnect();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
