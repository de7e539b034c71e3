// Issue 13, bug 5: a template mistake is said in plain words at its field, with the column it
// starts at (not the parser's "unexpected INVALID" or "is a {{/if}} missing?"), and fixing it
// clears the message.
import { expect, test } from "./fixtures";

test("a half-typed {{ in a data value is explained at the field; fixing it clears it", async ({ page }) => {
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(page.getByLabel("Preview as")).toHaveValue("user-1001");
  await page.getByLabel("URL", { exact: true }).fill("https://api.example.com/hook");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("greeting");
  const value = page.getByLabel("Value", { exact: true });
  await value.pressSequentially("Hello {{user.");
  await value.press("Escape"); // close the suggestions, keep the half-typed text
  await value.press("Tab"); // leave the field
  // and the new row: the preview holds a just-added row's problems until the focus leaves it (new-rows.tsx)
  await page.getByLabel("URL", { exact: true }).focus();

  await expect(value).toHaveAttribute("aria-invalid", "true");
  await expect(value).toHaveAccessibleDescription(/`\{\{` is not closed: add `\}\}`.*column 7/);
  await expect(preview).toContainText("`{{` is not closed: add `}}`");
  await expect(page.getByText(/unexpected|INVALID|EOF|missing\?/)).toHaveCount(0);

  // An unclosed block names the block and where it opened.
  await value.fill("{{#if user.plan}}Hello");
  await expect(value).toHaveAccessibleDescription(/`\{\{#if\}\}` opened on line 1 is not closed: add `\{\{\/if\}\}`/);

  await value.fill("Hello {{user.firstName}}");
  await expect(value).not.toHaveAttribute("aria-invalid", "true");
  await expect(preview).toContainText(/"greeting":\s*"Hello Mary"/);
  await expect(preview).not.toContainText("is not closed");
});
