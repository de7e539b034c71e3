// Two day-one faults of the campaign editor. A live campaign's Delivery settings are locked (the server
// refuses them while it sends): the page says so, leads to Pause, and the locked fields look locked. A
// save refused on a phone names each problem, and each name leads to its field, however far below.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a live campaign says its delivery settings wait for a pause, leads to Pause, and its locked fields look locked", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Live lock ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/live-lock/{{user.id}}");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("127.0.0.1:9/live-lock/");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const id = page.url().split("/").at(-1)!;
  const prisma = await appDb();
  try {
    // live, triggered by an event nobody sends
    await prisma.campaign.update({ where: { id }, data: { status: "active", deliveryRule: { when: "triggered", event: `live-lock-${id}` } } });
  } finally {
    await prisma.$disconnect();
  }
  await page.goto(`/campaigns/${id}`);
  await expect(page.getByText("This campaign is live: webhook changes apply to the next deliveries; pause it to change how it delivers")).toBeVisible();
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await expect(delivery.getByRole("note").filter({ hasText: "Pause the campaign to change how it delivers." })).toBeVisible();

  // locked, and looking it: not the white box of a field that takes typing
  const event = delivery.getByLabel("Event name");
  await expect(event).toBeDisabled();
  await expect(event).not.toHaveCSS("background-color", "rgb(255, 255, 255)");
  const quiet = delivery.getByRole("checkbox", { name: /Quiet hours/ });
  await expect(quiet).toBeDisabled();
  const quietLabel = delivery.locator("label").filter({ hasText: "Quiet hours" });
  await expect(quietLabel).not.toHaveCSS("color", "rgb(51, 65, 85)");

  // the link leads to Pause, by keyboard too
  await delivery.getByRole("link", { name: "Go to Pause" }).focus();
  await page.keyboard.press("Enter");
  await expect(delivery.getByRole("button", { name: "Pause", exact: true })).toBeFocused();
  await expect(delivery.getByRole("button", { name: "Pause", exact: true })).toBeInViewport();
});

test("at 390 px a refused save lists each problem, and each leads to its field", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/campaigns/new");
  await page.getByLabel("URL", { exact: true }).fill("https://save-list.example/{{user.id");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).first().fill("plan");
  await page.getByLabel("Value", { exact: true }).first().fill("{{user.plan");
  await page.getByRole("button", { name: "Save", exact: true }).click();

  const line = page.getByRole("status").filter({ hasText: "3 problems:" });
  await expect(line).toBeVisible();
  await expect(line.getByRole("button")).toHaveText(["Name", "Webhook 1 URL", "Webhook 1 field `plan`"]);

  await line.getByRole("button", { name: "Webhook 1 field `plan`" }).click();
  const value = page.getByLabel("Value", { exact: true }).first();
  await expect(value).toBeFocused();
  await expect(value).toBeInViewport();

  // by keyboard
  await line.getByRole("button", { name: "Webhook 1 URL" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("URL", { exact: true })).toBeFocused();
  await expect(page.getByLabel("URL", { exact: true })).toBeInViewport();

  // one problem left: a short sentence again
  await page.getByLabel("URL", { exact: true }).fill("https://save-list.example/{{user.id}}");
  await page.getByLabel("Value", { exact: true }).first().fill("{{user.plan}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Fix the highlighted field, then save again." })).toBeVisible();
  await expect(page.getByLabel("Campaign name")).toBeFocused();
});

test("a later webhook's attribute that an earlier webhook's response saves is noted as such, unsaved, not 'empty for every user'", async ({ page }) => {
  const attribute = `chainRef${Date.now()}`;
  await page.goto("/campaigns/new");
  await page.getByLabel("URL", { exact: true }).fill("https://chain.example/crm/{{user.id}}");
  const section = page.getByRole("group", { name: "Save response to user" });
  await section.getByRole("button", { name: "Add mapping" }).click();
  await section.getByLabel("JSON path 1").fill("$.id");
  await section.getByLabel("User attribute 1").fill(attribute);
  await page.getByRole("button", { name: "Add webhook" }).click();
  const second = page.getByRole("region", { name: /^2\s*/ });
  const url = second.getByLabel("URL", { exact: true });
  await url.fill(`https://chain.example/follow/{{user.${attribute}}}`);
  await expect(url).toHaveAccessibleDescription(/Set from Webhook 1's response \(`\$\.id`\): each user's request waits for that answer/);
  await expect(page.getByText(`No user has the attribute \`${attribute}\``)).toHaveCount(0);
});
