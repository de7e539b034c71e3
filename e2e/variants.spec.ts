// Issue 14, "Variants and a control group" in the editor: add a variant (a copy of the webhook),
// edit it in its own tab, set the splits (an error while they do not add up to 100) and a control
// group, preview variant B, save, and find it all again after a reload.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("adds a variant, splits 60/40 with a 20% control group, previews B, saves and reloads", async ({ page }) => {
  const prisma = await appDb();
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("A/B welcome");
  const url = page.getByLabel("URL", { exact: true });
  await url.fill("https://a.example.com/hook/{{user.id}}");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(preview).toContainText("a.example.com/hook/");

  // B starts as a copy of A, in its own tab
  await page.getByRole("button", { name: "Add variant" }).click();
  await expect(page.getByRole("tab", { name: "Variant B" })).toHaveAttribute("aria-selected", "true");
  await expect(url).toHaveValue("https://a.example.com/hook/{{user.id}}");
  await url.fill("https://b.example.com/hook/{{user.id}}");

  // the preview follows the tab, and its Variant choice moves the tab
  const variantChoice = page.getByLabel("Variant", { exact: true });
  await expect(variantChoice).toHaveValue("1");
  await expect(preview).toContainText("b.example.com/hook/");
  await variantChoice.selectOption({ label: "Variant A" });
  await expect(page.getByRole("tab", { name: "Variant A" })).toHaveAttribute("aria-selected", "true");
  await expect(url).toHaveValue("https://a.example.com/hook/{{user.id}}");
  await expect(preview).toContainText("a.example.com/hook/");

  // splits start even; a sum other than 100 is named at once
  await expect(page.getByLabel("Split A (%)")).toHaveValue("50");
  await expect(page.getByLabel("Split B (%)")).toHaveValue("50");
  await page.getByLabel("Split A (%)").fill("60");
  // at the splits (the preview may list it too, in its own words: "Variant splits: ...")
  await expect(page.getByText("The variants' splits add up to 110%; they must add up to 100%", { exact: true })).toBeVisible();
  await page.getByLabel("Split B (%)").fill("40");
  await expect(page.getByText(/they must add up to 100%/)).toHaveCount(0);
  await page.getByLabel("Control group (%)").fill("20");
  // the splits share what the control group leaves: 60/40 with a 20% control is 48% and 32% of users (60 + 40 + 20 read as 120%)
  await expect(page.getByLabel("Split A (%)")).toHaveAccessibleDescription("= 48% of users");
  await expect(page.getByLabel("Split B (%)")).toHaveAccessibleDescription("= 32% of users");
  await expect(page.getByLabel("Control group (%)")).toHaveAccessibleDescription("20% of users get nothing");
  // a control group holds its users out of the later webhooks too (lib/delivery/core/plan.ts)
  await expect(page.getByText("Held out of this webhook and every later one.")).toBeVisible();

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const id = page.url().split("/").at(-1)!;
  const rows = await prisma.action.findMany({ where: { campaignId: id }, orderBy: { createdAt: "asc" } });
  expect(rows).toHaveLength(2);
  const step = rows.find((r) => !r.variantOfId)!;
  expect(step).toMatchObject({ splitPercent: 60, controlPercent: 20, urlTemplate: "https://a.example.com/hook/{{user.id}}" });
  expect(rows.find((r) => r.variantOfId === step.id)).toMatchObject({ splitPercent: 40, urlTemplate: "https://b.example.com/hook/{{user.id}}" });

  await page.reload();
  await expect(page.getByLabel("Split A (%)")).toHaveValue("60");
  await expect(page.getByLabel("Split B (%)")).toHaveValue("40");
  await expect(page.getByLabel("Control group (%)")).toHaveValue("20");
  await page.getByRole("tab", { name: "Variant B" }).click();
  await expect(url).toHaveValue("https://b.example.com/hook/{{user.id}}");
  await expect(preview).toContainText("b.example.com/hook/");
});
