// Issue 2: a marketer creates a campaign, composes its webhook while the preview follows, saves,
// reloads, and a broken template shows an error in the preview without breaking the page.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

const shots = "test-results/screenshots";

async function screenshots(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("create a campaign, compose a webhook with a live preview, save, reload", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/campaigns");
  await expect(page.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Welcome to Hookline (demo)" })).toBeVisible();

  await page.getByRole("link", { name: "New campaign" }).click();
  await page.getByLabel("Campaign name").fill("Spring newsletter");
  await page.getByLabel("URL", { exact: true }).fill("https://api.example.com/users/{{user.id}}/notify?city={{userAttribute.city}}");

  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(page.getByLabel("Preview as")).toHaveValue("user-1001");
  await expect(preview).toContainText("https://api.example.com/users/user-1001/notify?city=Paris");

  // Three fields of three types.
  const rows = [
    { key: "first_name", value: "{{userAttribute.firstName}}", type: "text" },
    { key: "seats", value: "5", type: "number" },
    { key: "vip", value: "true", type: "boolean" },
  ];
  for (const [i, row] of rows.entries()) {
    await page.getByRole("button", { name: "Add field" }).click();
    await page.getByLabel("Key", { exact: true }).nth(i).fill(row.key);
    await page.getByLabel("Value", { exact: true }).nth(i).fill(row.value);
    await page.getByLabel("Type", { exact: true }).nth(i).selectOption(row.type);
  }
  await expect(preview).toContainText(/"first_name":\s*"Mary"/);
  await expect(preview).toContainText(/"seats":\s*5\b/);
  await expect(preview).toContainText(/"vip":\s*true\b/);

  // Another sample user: the preview follows.
  await page.getByLabel("Preview as").selectOption("user-1003");
  await expect(preview).toContainText("https://api.example.com/users/user-1003/notify?city=Tokyo");
  await expect(preview).toContainText(/"first_name":\s*"Aiko"/);
  await page.getByLabel("Preview as").selectOption("user-1001");

  // Switch the content type: the body becomes form-encoded.
  await page.getByLabel("Content type").selectOption("application/x-www-form-urlencoded");
  await expect(preview).toContainText("first_name=Mary&seats=5&vip=true");
  await expect(preview).toContainText("application/x-www-form-urlencoded");

  // A refused save keeps everything typed and says why next to the field.
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header name").fill("Host");
  await page.getByLabel("Header value").fill("example.org");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const headerName = page.getByLabel("Header name");
  await expect(headerName).toHaveAccessibleDescription(/set by Hookline/);
  await expect(page.getByLabel("Campaign name")).toHaveValue("Spring newsletter");
  await expect(page.getByLabel("Value", { exact: true }).first()).toHaveValue("{{userAttribute.firstName}}");
  await page.getByRole("button", { name: "Remove header 1" }).click();

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);

  await page.reload();
  await expect(page.getByLabel("Campaign name")).toHaveValue("Spring newsletter");
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue("https://api.example.com/users/{{user.id}}/notify?city={{userAttribute.city}}");
  await expect(page.getByLabel("Content type")).toHaveValue("application/x-www-form-urlencoded");
  await expect(page.getByLabel("Key", { exact: true })).toHaveCount(3);
  for (const [i, row] of rows.entries()) {
    await expect(page.getByLabel("Key", { exact: true }).nth(i)).toHaveValue(row.key);
    await expect(page.getByLabel("Value", { exact: true }).nth(i)).toHaveValue(row.value);
  }
  await page.getByLabel("Content type").selectOption("application/json");
  await expect(page.getByLabel("Type", { exact: true }).nth(1)).toHaveValue("number");
  await expect(page.getByLabel("Type", { exact: true }).nth(2)).toHaveValue("boolean");
  await expect(preview).toContainText(/"seats":\s*5\b/);

  // A broken template: an inline error in the preview, and the page keeps working.
  await page.getByLabel("Value", { exact: true }).nth(0).fill("{{#if user.plan}}");
  await expect(preview).toContainText(/Field "first_name" value \(line \d+, column \d+\)/);
  // At the field too, once it is left (issue 13, bug 4: not while still typing).
  await expect(page.getByLabel("Value", { exact: true }).nth(0)).not.toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Value", { exact: true }).nth(0).blur();
  await expect(page.getByLabel("Value", { exact: true }).nth(0)).toHaveAccessibleDescription(/line \d+, column \d+/);
  // Saving it is refused at the field; nothing typed is lost.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "syntax error" })).toBeVisible();
  await expect(page.getByLabel("Value", { exact: true }).nth(0)).toHaveValue("{{#if user.plan}}");
  await page.getByLabel("Value", { exact: true }).nth(0).fill("Hello {{userAttribute.firstName}}");
  await expect(preview).toContainText(/"first_name":\s*"Hello Mary"/);
  await expect(preview).not.toContainText("line 1");

  // A missing attribute renders empty and is listed as a warning.
  await page.getByLabel("Value", { exact: true }).nth(0).fill("{{userAttribute.nickname}}");
  await expect(preview).toContainText("nickname");
  await page.getByLabel("Value", { exact: true }).nth(0).fill("{{userAttribute.firstName}}");
  await expect(preview).toContainText(/"first_name":\s*"Mary"/);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await screenshots(page, "campaign-editor");

  // The list shows it beside the demo campaign.
  await page.getByRole("link", { name: "Campaigns" }).first().click();
  await expect(page.getByRole("link", { name: "Spring newsletter" })).toBeVisible();
  await screenshots(page, "campaign-list");
  await page.getByRole("link", { name: "Spring newsletter" }).click();

  // Leaving with unsaved changes asks first.
  await page.getByLabel("Description").fill("Spring offers for every plan");
  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.type();
    void dialog.accept();
  });
  await page.reload();
  expect(asked).toBe("beforeunload");
});

test("duplicate and delete a campaign from the list, with confirmation", async ({ page }) => {
  await page.goto("/campaigns");
  await page.getByRole("button", { name: "Duplicate Welcome to Hookline (demo)" }).click();
  await expect(page.getByLabel("Campaign name")).toHaveValue("Welcome to Hookline (demo) (copy)");
  await page.getByRole("link", { name: "Campaigns" }).first().click();
  await page.getByRole("button", { name: "Delete Welcome to Hookline (demo) (copy)" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this campaign?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("link", { name: "Welcome to Hookline (demo) (copy)" })).toBeVisible();
  await page.getByRole("button", { name: "Delete Welcome to Hookline (demo) (copy)" }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("link", { name: "Welcome to Hookline (demo) (copy)" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Welcome to Hookline (demo)" })).toBeVisible();
});

test("duplicate and delete a webhook inside a campaign, with confirmation", async ({ page }) => {
  await page.goto("/campaigns");
  await page.getByRole("link", { name: "Welcome to Hookline (demo)" }).click();
  await expect(page.getByLabel("Webhook name")).toHaveValue("Notify CRM");
  await page.getByRole("button", { name: "Duplicate webhook" }).click();
  await expect(page.getByLabel("Webhook name")).toHaveCount(2);
  await expect(page.getByLabel("Webhook name").nth(1)).toHaveValue("Notify CRM (copy)");
  await page.getByLabel("Webhook name").nth(1).fill("Notify CRM again");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await page.reload();
  await expect(page.getByLabel("Webhook name")).toHaveCount(2);
  await page.getByRole("button", { name: "Delete webhook" }).nth(1).click();
  const dialog = page.getByRole("dialog", { name: "Delete this webhook?" });
  await expect(dialog).toContainText("Notify CRM again");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByLabel("Webhook name")).toHaveCount(1);
  await page.reload();
  await expect(page.getByLabel("Webhook name")).toHaveCount(1);
  await expect(page.getByLabel("Webhook name")).toHaveValue("Notify CRM");
});
