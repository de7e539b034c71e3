// Settings › Delivery limits: an admin sets the install-wide frequency cap (blank = no cap), bad
// input is refused at its field, the cap is kept and audited; an editor sees it read-only, and the
// Delivery section's exemption from it too.
import { expect, test } from "./fixtures";

test("an admin sets the delivery limits, which are kept and audited; an editor only sees them", async ({ page, browser, baseURL }) => {
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Delivery limits" });
  const perDay = section.getByLabel("Webhook sends per user per day");
  const perWeek = section.getByLabel("Webhook sends per user per week");
  const save = section.getByRole("button", { name: "Save limits" });
  await expect(perDay).toHaveValue("");
  await expect(perWeek).toHaveValue("");

  // Bad input: an error next to each field, nothing saved.
  await perDay.fill("0");
  await perWeek.fill("ten");
  await save.click();
  await expect(section.getByRole("alert")).toContainText("Check the limits");
  await expect(perDay).toHaveAccessibleDescription(/At least 1, or blank for no cap/);
  await expect(perWeek).toHaveAccessibleDescription(/A whole number, or blank for no cap/);
  await page.reload();
  await expect(perDay).toHaveValue("");

  await perDay.fill("3");
  await perWeek.fill("10");
  await save.click();
  await expect(section.getByRole("status")).toHaveText("Delivery limits saved.");
  await expect(perDay).not.toHaveAttribute("aria-invalid");
  await page.reload();
  await expect(perDay).toHaveValue("3");
  await expect(perWeek).toHaveValue("10");
  await page.screenshot({ path: "test-results/screenshots/settings-delivery-limits.png", fullPage: true });

  // A weekly cap below the daily one: said at the daily field as typed (it can never be reached), saved all the same.
  await perWeek.fill("2");
  await expect(perDay).toHaveAccessibleDescription(/Never reached: the weekly cap of 2 stops a user first/);
  await save.click();
  await expect(section.getByRole("status")).toHaveText("Delivery limits saved.");
  await page.reload();
  await expect(perDay).toHaveAccessibleDescription(/Never reached/);
  await perWeek.fill("10");
  await expect(perDay).not.toHaveAccessibleDescription(/Never reached/);
  await save.click();
  await expect(section.getByRole("status")).toHaveText("Delivery limits saved.");

  // Blank removes one cap and keeps the other.
  await perWeek.fill("");
  await save.click();
  await expect(section.getByRole("status")).toHaveText("Delivery limits saved.");
  await page.reload();
  await expect(perDay).toHaveValue("3");
  await expect(perWeek).toHaveValue("");

  await page.goto("/audit-log");
  await expect(page.getByRole("cell", { name: "frequency_cap.updated" })).toHaveCount(4); // 3 and 10, 2 a week, 10 again, then no weekly cap

  // An editor sees the limits but cannot change them.
  await page.goto("/settings");
  await page.getByRole("button", { name: "Invite member" }).click();
  await page.getByLabel("Email").fill("limits-editor@example.com");
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("editor");
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = (await page.getByLabel("Invitation link").textContent())!.trim();
  const editor = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const editorPage = await editor.newPage();
  await editorPage.goto(link);
  await editorPage.getByLabel("Name").fill("Eddie");
  await editorPage.getByLabel("Password").fill("editor-password-1");
  await editorPage.getByRole("button", { name: "Join" }).click();
  await expect(editorPage.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  await editorPage.goto("/settings");
  const readOnly = editorPage.getByRole("region", { name: "Delivery limits" });
  await expect(readOnly.getByLabel("Webhook sends per user per day")).toHaveValue("3");
  await expect(readOnly.getByLabel("Webhook sends per user per day")).not.toBeEditable();
  await expect(readOnly.getByRole("button", { name: "Save limits" })).toHaveCount(0);
  await expect(readOnly).toContainText("Only admins can change the delivery limits.");
  await expect(editorPage.getByRole("region", { name: "API keys" })).toHaveCount(0);
  // nor exempt a campaign from the cap: the Delivery section's checkbox is read-only for an editor
  await editorPage.goto("/campaigns/new");
  const exemptFor = (p: typeof page) => p.getByRole("region", { name: "Delivery", exact: true }).getByRole("checkbox", { name: "Exempt from the per-user frequency cap" });
  await expect(exemptFor(editorPage)).toBeDisabled();
  await expect(editorPage.getByRole("region", { name: "Delivery", exact: true })).toContainText("Only admins can exempt a campaign from the frequency cap.");
  await page.goto("/campaigns/new");
  await expect(exemptFor(page)).toBeEnabled();
  // An admin exempting the editor's campaign while its page is open does not refuse the editor's next
  // save: the editor's page leaves the exemption out (it sent the value it loaded, and got a 403)
  await editorPage.getByLabel("Campaign name").fill("Editor's campaign");
  await editorPage.getByLabel("URL", { exact: true }).fill("https://api.example.com/hook");
  await editorPage.getByRole("button", { name: "Save", exact: true }).click();
  await expect(editorPage).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const campaignId = editorPage.url().split("/").pop()!;
  await page.goto(`/campaigns/${campaignId}`);
  await exemptFor(page).check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  // the admin's Save changed only a delivery setting (the campaign's version stays): the editor's open
  // page is not told of a conflict it need not have; its rename saves, and the exemption stays
  await editorPage.getByLabel("Campaign name").fill("Editor's campaign, renamed");
  await editorPage.getByRole("button", { name: "Save", exact: true }).click();
  await expect(editorPage.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(editorPage.getByText("since you opened it")).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("Campaign name")).toHaveValue("Editor's campaign, renamed");
  await expect(exemptFor(page)).toBeChecked();
  await editor.close();

  // Back as it was: no cap, so that later specs send freely, and no extra member.
  await page.goto("/settings");
  await perDay.fill("");
  await save.click();
  await expect(section.getByRole("status")).toHaveText("Delivery limits saved.");
  await page.getByRole("button", { name: "Remove limits-editor@example.com" }).click();
  await expect(page.getByText("limits-editor@example.com")).toHaveCount(0);
});

test("Settings asks before leaving with limits or a destination typed and not saved, and not otherwise", async ({ page }) => {
  const dialogs: string[] = [];
  const answer = { accept: false };
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void (answer.accept ? dialog.accept() : dialog.dismiss());
  });
  const campaignsLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Campaigns", exact: true });

  // Nothing typed: the link leaves at once.
  await page.goto("/settings");
  await campaignsLink.click();
  await expect(page).toHaveURL(/\/campaigns$/);
  expect(dialogs).toEqual([]);

  // A limit typed and not saved: the link asks; Cancel stays with the value kept.
  await page.goto("/settings");
  const perDay = page.getByRole("region", { name: "Delivery limits" }).getByLabel("Webhook sends per user per day");
  await perDay.fill("7");
  await campaignsLink.click();
  expect(dialogs).toEqual(["confirm: You have unsaved changes. Leave this page and lose them?"]);
  await expect(page).toHaveURL(/\/settings$/);
  await expect(perDay).toHaveValue("7");
  // typed back as it was: nothing to lose, nothing asked
  await perDay.fill("");
  await campaignsLink.click();
  await expect(page).toHaveURL(/\/campaigns$/);
  expect(dialogs).toHaveLength(1);

  // A destination typed and not added: a reload asks too (the browser's own prompt); leaving loses it.
  await page.goto("/settings");
  const destinations = page.getByRole("region", { name: "Allowed destinations" });
  await destinations.getByLabel("Host, IP address or CIDR range").fill("10.9.0.0/16");
  answer.accept = true;
  await page.reload();
  expect(dialogs[1]).toMatch(/^beforeunload: /);
  await expect(destinations.getByLabel("Host, IP address or CIDR range")).toHaveValue("");
  await destinations.getByLabel("Note (optional)").fill("a receiver on this machine");
  await campaignsLink.click();
  await expect(page).toHaveURL(/\/campaigns$/);
  expect(dialogs[2]).toBe("confirm: You have unsaved changes. Leave this page and lose them?");
  await page.goto("/settings");
  await expect(page.getByRole("region", { name: "Delivery limits" }).getByLabel("Webhook sends per user per day")).toHaveValue("");
  await expect(page.getByRole("region", { name: "Allowed destinations" })).not.toContainText("10.9.0.0/16");
});
