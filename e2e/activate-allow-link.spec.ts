// Activate refuses a URL whose fixed host is a private address no one allowed (lib/delivery/store/
// check-action.ts), in the same words as a refused Test send. Test send's result offers admins the
// "Allow it in Settings › Allowed destinations" link; Activate's refusal now does too, from the same
// component (components/AllowDestinationLink.tsx). Others read the same words without the link.
// Activate checks before it asks (lib checkActivation): the refusal, with the link, is the dialog
// itself, never a "Send now to N users?" that is then refused.
// 127.0.0.4: no other spec allows it.
import { expect as baseExpect, type Browser, type Page } from "@playwright/test";
import { activateRefused, expect, test } from "./fixtures";

const LINK = "Allow it in Settings › Allowed destinations";
const REASON = "every delivery would be refused: destination 127.0.0.4 is a loopback address; an admin can allow it in Settings › Allowed destinations";

async function refusedActivation(page: Page, { admin }: { admin: boolean }) {
  await activateRefused(page, async (dialog) => {
    await expect(dialog).toContainText("The campaign cannot be activated yet:");
    await expect(dialog.getByRole("listitem")).toHaveText([new RegExp(`${REASON.replace(/[.()]/g, "\\$&")}$`)]);
    await expect(dialog.getByRole("link", { name: LINK })).toHaveCount(admin ? 1 : 0);
    if (admin) await expect(dialog.getByRole("link", { name: LINK })).toHaveAttribute("href", "/settings?allow=127.0.0.4#allowed-destinations");
  });
  const status = page.getByRole("region", { name: "Delivery", exact: true }).getByRole("status").filter({ hasText: "The campaign cannot be activated yet:" });
  await expect(status).toContainText(REASON);
  return status;
}

async function joinAsEditor(page: Page, browser: Browser, baseURL: string) {
  const email = `editor-${Date.now()}@example.com`;
  await page.goto("/settings");
  await page.getByRole("button", { name: "Invite member" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("editor");
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = (await page.getByLabel("Invitation link").textContent())!.trim();
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const editor = await context.newPage();
  await editor.goto(link);
  await editor.getByLabel("Name").fill("Eddie");
  await editor.getByLabel("Password").fill("eddie-password-1");
  await editor.getByRole("button", { name: "Join" }).click();
  await baseExpect(editor.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  return { context, editor };
}

test("Activate refused for a private destination offers admins the Allow link Test send offers; an editor reads the same words without it", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000); // two members, an invitation and two activations
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Allow link ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.4:4000/hook/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const campaignUrl = page.url();

  const status = await refusedActivation(page, { admin: true });
  const allow = status.getByRole("link", { name: LINK });
  await expect(allow).toBeVisible();
  await expect(allow).toHaveAttribute("href", "/settings?allow=127.0.0.4#allowed-destinations");
  await expect(allow).toHaveAttribute("target", "_blank");

  const { context, editor } = await joinAsEditor(page, browser, baseURL!);
  try {
    await editor.goto(campaignUrl);
    const refused = await refusedActivation(editor, { admin: false });
    await expect(refused.getByRole("link", { name: LINK })).toHaveCount(0);
  } finally {
    await context.close();
  }
});
