// Specs import { test, expect } from "./fixtures": every page starts signed in as the owner that
// HOOKLINE_BOOTSTRAP_OWNER creates (playwright.config.ts). `signInAs` signs a context in as someone else.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

export const OWNER = { email: "owner@hookline.test", password: "e2e-owner-password" };

export async function signInAs(request: APIRequestContext, baseURL: string, who: { email: string; password: string }) {
  const res = await request.post("/api/auth/sign-in/email", { data: who, headers: { origin: baseURL } });
  if (!res.ok()) throw new Error(`Sign-in as ${who.email} failed: ${res.status()} ${await res.text()}`);
}

/**
 * Presses the campaign page's Activate and confirms in the dialog that says what it will do (its
 * question is returned). What follows (the result, or the problems) shows in the Delivery section.
 */
export async function activateCampaign(page: Page): Promise<string> {
  await page.getByRole("region", { name: "Delivery", exact: true }).getByRole("button", { name: "Activate" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  const question = (await dialog.getByRole("heading").textContent()) ?? "";
  await dialog.getByRole("button", { name: "Activate", exact: true }).click();
  await expect(dialog).toBeHidden();
  return question;
}

/**
 * Presses Activate on a campaign activation refuses: its dry run runs first, so the dialog says why
 * ("Not ready to activate") and asks nothing. `check` reads the open dialog; then it is closed, and
 * the problems stay listed in the Delivery section.
 */
export async function activateRefused(page: Page, check?: (dialog: Locator) => Promise<void>): Promise<void> {
  await page.getByRole("region", { name: "Delivery", exact: true }).getByRole("button", { name: "Activate" }).click();
  const dialog = page.getByRole("dialog", { name: "Not ready to activate", exact: true });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Activate", exact: true })).toHaveCount(0);
  await check?.(dialog);
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(dialog).toBeHidden();
}

export const test = base.extend<object, { ownerState: string }>({
  ownerState: [
    async ({ browser }, provide, workerInfo) => {
      const baseURL = String(workerInfo.project.use.baseURL);
      const file = path.join(workerInfo.project.outputDir, ".auth", `owner-${workerInfo.workerIndex}.json`);
      mkdirSync(path.dirname(file), { recursive: true });
      const context: BrowserContext = await browser.newContext({ baseURL });
      await signInAs(context.request, baseURL, OWNER);
      await context.storageState({ path: file });
      await context.close();
      await provide(file);
    },
    { scope: "worker" },
  ],
  storageState: async ({ ownerState }, provide) => provide(ownerState),
});

export { expect };

/** The owner invites `role` on the Settings page; returns the invitation link shown. */
export async function invite(page: Page, email: string, role: string) {
  await page.goto("/settings");
  await page.getByRole("button", { name: "Invite member" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("combobox", { name: "Role", exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Create invitation" }).click();
  return (await page.getByLabel("Invitation link").textContent())!.trim();
}

/** Joins through an invitation link in a browser context of its own (no owner's cookies), signed in on the campaigns page. */
export async function joinAs(browser: Browser, baseURL: string, link: string, name: string) {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(`${name.toLowerCase()}-password-1`);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("heading", { name: "Campaigns" })).toBeVisible();
  return { context, page };
}
