// A browser walkthrough's keyboard, wording and small UI faults (2026-12-06), each pinned here: Test
// send keeps the focus, "+ Add ..." focuses the new row and its empty key waits until the row is left,
// "Request (not sent)" whenever nothing left, no editing hints for a viewer, Role dropdowns named "Role",
// a missing user leads back to Users, an export of a missing campaign is a 404, and an opaque editor header.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { appDb } from "./app-db";
import { expect, invite, joinAs, test } from "./fixtures";


/** The names Chromium itself gives the page's comboboxes (what a screen reader announces). */
async function comboboxNames(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: { role?: { value?: string }; name?: { value?: string } }[] };
    return nodes.filter((n) => n.role?.value === "combobox").map((n) => String(n.name?.value ?? ""));
  } finally {
    await cdp.detach();
  }
}

test("Test send pressed with Enter keeps the focus while it sends, ignores a second press, and announces the answer", async ({ page }) => {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    // slow enough for the "Sending…" state to be seen
    req.on("end", () => setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), 1500));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const port = (server.address() as AddressInfo).port;
    await page.goto("/campaigns/new");
    await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/slow`);
    await expect(page.getByRole("region", { name: "Request preview" })).toContainText(`127.0.0.1:${port}/slow`);
    const button = page.getByRole("button", { name: /^(Test send|Sending…)$/ });
    await button.focus();
    await page.keyboard.press("Enter");
    await expect(button).toHaveText("Sending…");
    await expect(button).toBeFocused();
    await page.keyboard.press("Enter");
    const result = page.getByRole("region", { name: "Test send result" });
    await expect(result).toContainText("200 OK");
    await expect(button).toHaveText("Test send");
    await expect(button).toBeFocused();
    await expect(page.getByRole("status").filter({ hasText: "Test send: 200 OK" })).toHaveCount(1);
    expect(hits).toBe(1);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test("Test send says 'Request (not sent)' for a refused port and for a host that does not resolve", async ({ page }) => {
  await page.goto("/campaigns/new");
  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:22/x");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("127.0.0.1:22/x");
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("port 22 is not allowed");
  await expect(result.getByText("Request (not sent)")).toBeVisible();
  await expect(result.getByText("Request as sent")).toHaveCount(0);

  await page.getByLabel("Timeout (seconds)").fill("3");
  await page.getByLabel("URL", { exact: true }).fill("http://nowhere.invalid/x");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("nowhere.invalid/x");
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("Not delivered");
  await expect(result.getByText("Request (not sent)")).toBeVisible();
  await expect(result.getByText("Request as sent")).toHaveCount(0);
});

test("+ Add field, header and mapping focus the new row; its empty key is not a problem until the row is left", async ({ page }) => {
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/rows");
  await expect(preview).toContainText("127.0.0.1:9/rows");

  await page.getByRole("button", { name: "Add field" }).click();
  const key = page.getByLabel("Key", { exact: true });
  await expect(key).toBeFocused();
  // typed, then emptied again without leaving the row: the preview follows, and holds the empty key back
  await page.keyboard.type("first_name");
  await expect(preview).toContainText("first_name");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Backspace");
  await expect(preview).not.toContainText("first_name");
  await expect(preview).not.toContainText("Field 1 key");
  await expect(key).not.toHaveAttribute("aria-invalid", "true");
  // Tab goes on within the row (Value), not to "+ Add header"
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Value", { exact: true })).toBeFocused();
  // leaving the row: now it is a problem
  await page.getByLabel("Webhook name").focus();
  await expect(preview).toContainText("Field 1 key: Enter a key");

  await page.getByRole("button", { name: "Add header" }).click();
  await expect(page.getByLabel("Header name")).toBeFocused();
  await page.keyboard.type("X-Trace");
  await expect(preview).toContainText("X-Trace");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Backspace");
  await expect(preview).not.toContainText("X-Trace");
  await expect(preview).not.toContainText("Header 1 name");
  await page.getByLabel("Webhook name").focus();
  await expect(preview).toContainText("Header 1 name");

  await page.getByRole("button", { name: "Add mapping" }).click();
  await expect(page.getByLabel("JSON path 1")).toBeFocused();
});

test("a viewer reads no editing hints: not the saved password's 'type a new one', not 'changes apply to the next deliveries'", async ({ page, browser, baseURL }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Viewer hints ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill("http://crm:pw-123@127.0.0.1:9/hints/{{user.id}}");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("127.0.0.1:9/hints/");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const id = page.url().split("/").at(-1)!;
  const prisma = await appDb();
  try {
    // live, triggered by an event nobody sends (an immediate one with nothing left to send reads as finished)
    await prisma.campaign.update({ where: { id }, data: { status: "active", deliveryRule: { when: "triggered", event: `hints-${id}` } } });
  } finally {
    await prisma.$disconnect();
  }
  // the owner, who may edit, reads both
  await page.goto(`/campaigns/${id}`);
  await expect(page.getByText("type a new one in its place to change it", { exact: false })).toBeVisible();
  await expect(page.getByText("changes apply to the next deliveries", { exact: false }).first()).toBeVisible();

  const link = await invite(page, `hints-viewer-${Date.now()}@example.com`, "viewer");
  const viewer = await joinAs(browser, baseURL!, link, "Hilda");
  try {
    await viewer.page.goto(`/campaigns/${id}`);
    await expect(viewer.page.getByText("You can view this campaign; editing needs the editor role")).toBeVisible();
    await expect(viewer.page.getByLabel("URL", { exact: true })).toHaveValue(/127\.0\.0\.1:9\/hints\//);
    await expect(viewer.page.getByText("type a new one in its place to change it", { exact: false })).toHaveCount(0);
    await expect(viewer.page.getByText("changes apply to the next deliveries", { exact: false })).toHaveCount(0);
  } finally {
    await viewer.context.close();
  }
});

test("the API-key and invitation forms' Role dropdowns are announced as 'Role', not with their options run in", async ({ page }) => {
  await page.goto("/settings");
  await page.getByRole("button", { name: "Create API key" }).click();
  await expect(page.getByLabel("Key name")).toBeVisible();
  let names = await comboboxNames(page);
  expect(names.filter((n) => n.startsWith("Role") && !n.startsWith("Role of"))).toEqual(["Role"]);
  // Chromium's own name skips a select inside its label, but screen readers ran the options in: labelled by for/id instead
  const wrapped = page.locator("label").filter({ has: page.getByRole("combobox", { name: "Role", exact: true }) });
  await expect(wrapped).toHaveCount(0);
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Invite member" }).click();
  await expect(page.getByLabel("Email")).toBeVisible();
  names = await comboboxNames(page);
  expect(names.filter((n) => n.startsWith("Role") && !n.startsWith("Role of"))).toEqual(["Role"]);
  await expect(wrapped).toHaveCount(0);
});

test("a user that does not exist leads back to Users; an export of a missing campaign is a 404 that says so", async ({ page }) => {
  await page.goto("/users/nope");
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to users" })).toHaveAttribute("href", "/users");
  await expect(page.getByRole("link", { name: "Back to campaigns" })).toHaveCount(0);

  const res = await page.request.get("/api/deliveries/export?campaignId=nope");
  expect(res.status()).toBe(404);
  expect(res.headers()["content-disposition"]).toBeUndefined();
  expect((await res.json()).error.message).toBe('No campaign with id "nope"; it may have been deleted.');
});

test("the campaign editor's sticky header is opaque: nothing scrolled under it shows through", async ({ page }) => {
  await page.goto("/campaigns/new");
  const save = page.getByRole("button", { name: "Save", exact: true });
  await expect(save).toBeVisible();
  const background = await save.evaluate((el) => {
    let node: Element | null = el;
    while (node && getComputedStyle(node).position !== "sticky") node = node.parentElement;
    return node ? getComputedStyle(node).backgroundColor : "no sticky header";
  });
  // an alpha below 1 reads "rgba(…, 0.95)" or "oklab(… / 0.95)"
  expect(background).not.toMatch(/rgba|\/\s*0?\.\d|transparent|no sticky/);
});
