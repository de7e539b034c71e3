// The template editor's autocomplete: typing `{{` in a template field lists the variables (with the
// attribute names the demo users have) and helpers; the keyboard or the mouse inserts one.
import type { Locator } from "@playwright/test";
import { expect, test } from "./fixtures";

/** Moves the active option to the one named `name` with the arrow keys, checking each step. */
async function arrowTo(input: Locator, list: Locator, name: string) {
  const target = list.getByRole("option", { name, exact: true });
  await expect(target).toBeVisible();
  const ids = await list.getByRole("option").evaluateAll((options) => options.map((o) => o.id));
  const index = ids.indexOf((await target.getAttribute("id"))!);
  for (let i = 0; i < index; i++) await input.press("ArrowDown");
  await expect(target).toHaveAttribute("aria-selected", "true");
  await expect(input).toHaveAttribute("aria-activedescendant", ids[index]!);
}

test("typing {{ suggests variables and helpers; keyboard and mouse insert them and the preview follows", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(page.getByLabel("Preview as")).toHaveValue("user-1001");
  const list = page.getByRole("listbox", { name: "Template suggestions" });

  // The URL: `{{userAttr` narrows the list to the attributes; the keyboard picks city.
  const url = page.getByLabel("URL", { exact: true });
  await url.fill("https://api.example.com/users/");
  await url.press("End");
  await url.pressSequentially("{{userAttr");
  await expect(url).toHaveAttribute("aria-expanded", "true");
  for (const name of ["userAttribute.city", "userAttribute.firstName", "userAttribute.plan"]) {
    await expect(list.getByRole("option", { name, exact: true })).toBeVisible();
  }
  await expect(list.getByRole("option", { name: "user.id", exact: true })).toHaveCount(0);
  await expect(list.getByRole("option", { name: "userAttribute.city", exact: true })).toHaveAccessibleDescription("attribute · string");
  await page.screenshot({ path: "test-results/screenshots/template-autocomplete-1280.png" });
  await arrowTo(url, list, "userAttribute.city");
  await url.press("Enter");
  await expect(url).toHaveValue("https://api.example.com/users/{{userAttribute.city}}");
  await expect(list).toHaveCount(0);
  await expect(url).toHaveAttribute("aria-expanded", "false");
  await expect(preview).toContainText("https://api.example.com/users/Paris");

  // The caret is after the closing braces: typing goes on; Tab picks too. An attribute is offered as
  // the README spells it (user.plan), the Leanplum spelling only to someone typing it (above).
  await url.pressSequentially("?plan={{pla");
  await expect(list.getByRole("option", { name: "userAttribute.plan", exact: true })).toHaveCount(0);
  await arrowTo(url, list, "user.plan");
  await url.press("Tab");
  await expect(url).toHaveValue("https://api.example.com/users/{{userAttribute.city}}?plan={{user.plan}}");
  await expect(url).toBeFocused();
  await expect(preview).toContainText("https://api.example.com/users/Paris?plan=pro");

  // {{user.f: the README's {{user.firstName}}
  await url.pressSequentially("&name={{user.f");
  await expect(list.getByRole("option").first()).toHaveAccessibleName("user.firstName");
  await expect(list.getByRole("option", { name: "userAttribute.firstName", exact: true })).toHaveCount(0);
  await expect(list.getByRole("option", { name: "user.firstName", exact: true })).toHaveAccessibleDescription("attribute · string");
  await url.press("Enter");
  await expect(url).toHaveValue("https://api.example.com/users/{{userAttribute.city}}?plan={{user.plan}}&name={{user.firstName}}");
  await expect(preview).toContainText("https://api.example.com/users/Paris?plan=pro&name=Mary");

  // Escape closes the list and leaves the text alone.
  await url.pressSequentially("&n={{");
  await expect(list).toBeVisible();
  await expect(list.getByRole("option", { name: "now", exact: true })).toBeVisible();
  await url.press("Escape");
  await expect(list).toHaveCount(0);
  await expect(url).toHaveValue("https://api.example.com/users/{{userAttribute.city}}?plan={{user.plan}}&name={{user.firstName}}&n={{");
  await url.fill("https://api.example.com/users/{{userAttribute.city}}?plan={{user.plan}}");

  // A data value, with the mouse: a helper first, then its argument.
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("email");
  const value = page.getByLabel("Value", { exact: true });
  await value.pressSequentially("{{upp");
  await list.getByRole("option", { name: "upper", exact: true }).click();
  await expect(value).toHaveValue("{{upper }}");
  await expect(value).toBeFocused();
  // the caret waits for the helper's argument, and the list offers variables for it
  await value.pressSequentially("user.em");
  await list.getByRole("option", { name: "user.email", exact: true }).click();
  await expect(value).toHaveValue("{{upper user.email}}");
  await expect(preview).toContainText(/"email":\s*"MARY@EXAMPLE.COM"/);

  // A header value.
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header name").fill("X-Campaign");
  const header = page.getByLabel("Header value");
  await header.pressSequentially("{{campaign.n");
  await arrowTo(header, list, "campaign.name");
  await header.press("Enter");
  await expect(header).toHaveValue("{{campaign.name}}");
  await expect(preview).toContainText(/X-Campaign:\s*Untitled campaign/i);
});
