// Typed and not saved, the campaign editor asks before any way out: a link (the main navigation,
// the breadcrumb) or Back asks in our own dialog ("Leave without saving?": Stay, the default, or
// Leave); a reload or closing the tab gets the browser's own prompt. Clean, nothing asks; Save,
// save-and-go and a confirmed Delete leave without a second question.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

const tag = `leaveguard${Date.now()}`;

/** A saved campaign of this spec's own, opened from the list by a click (so that Back stays in the app). */
async function openFromList(page: Page, name: string) {
  await page.goto(`/campaigns?q=${tag}`);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByLabel("Campaign name")).toHaveValue(name);
  return page.url();
}

async function createCampaign(page: Page, name: string) {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(name);
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/leave/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
}

/** Native dialogs (confirm, beforeunload) seen by the page: the in-app links and Back must not raise any. */
function nativeDialogs(page: Page) {
  const seen: string[] = [];
  page.on("dialog", (d) => {
    seen.push(d.type());
    void d.accept();
  });
  return seen;
}

/**
 * The browser's Back, as its button does it. Asked about, the traversal is cancelled, so Playwright's
 * goBack never sees it happen: it is not awaited past a short while.
 */
async function pressBack(page: Page) {
  const back = page.goBack({ waitUntil: "commit", timeout: 3_000 }).catch(() => null);
  return { settled: () => back };
}

const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" });
const leaveDialog = (page: Page) => page.getByRole("dialog", { name: "Leave without saving?" });

test("a link asks before leaving typed changes: Stay (or Escape) keeps them, Leave goes", async ({ page }) => {
  const name = `Spring sale ${tag}`;
  await createCampaign(page, name);
  const editorUrl = await openFromList(page, name);
  const native = nativeDialogs(page);
  const description = page.getByLabel("Description");

  // clean: the link goes at once
  await mainNav(page).getByRole("link", { name: "Users", exact: true }).click();
  await expect(page).toHaveURL(/\/users$/);
  await page.goto(editorUrl);

  await description.fill("Twenty percent off for every plan");
  await mainNav(page).getByRole("link", { name: "Users", exact: true }).click();
  const dialog = leaveDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute("aria-modal", "true");
  await expect(dialog).toContainText(`Your changes to “${name}” will be lost.`);
  await expect(dialog.getByRole("button", { name: "Stay" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  expect(page.url()).toBe(editorUrl);
  await expect(description).toHaveValue("Twenty percent off for every plan");

  // the breadcrumb asks too; Stay keeps the text and gives focus back
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Campaigns" }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Stay" }).click();
  await expect(dialog).toBeHidden();
  expect(page.url()).toBe(editorUrl);
  await expect(description).toHaveValue("Twenty percent off for every plan");

  // a link opened in a new tab leaves this page as it is: nothing asked
  const opened = page.context().waitForEvent("page");
  await mainNav(page).getByRole("link", { name: "Users", exact: true }).click({ modifiers: ["ControlOrMeta"] });
  await (await opened).close();
  await expect(dialog).toBeHidden();
  expect(page.url()).toBe(editorUrl);

  // Leave goes where the link pointed
  await mainNav(page).getByRole("link", { name: "Users", exact: true }).click();
  await dialog.getByRole("button", { name: "Leave" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(dialog).toBeHidden();
  expect(native).toEqual([]);
});

test("Back asks while there are typed changes and goes at once without them; history does not grow as you type", async ({ page }) => {
  const name = `Back button ${tag}`;
  await createCampaign(page, name);
  const editorUrl = await openFromList(page, name);
  const listUrl = new RegExp(`/campaigns\\?q=${tag}$`);
  const native = nativeDialogs(page);

  // clean: Back goes at once
  await page.goBack();
  await expect(page).toHaveURL(listUrl);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByLabel("Campaign name")).toHaveValue(name);

  const entries = await page.evaluate(() => history.length);
  const description = page.getByLabel("Description");
  await description.pressSequentially("Weekly digest");
  expect(await page.evaluate(() => history.length)).toBe(entries);

  const back = await pressBack(page);
  const dialog = leaveDialog(page);
  await expect(dialog).toBeVisible();
  await expect(page).toHaveURL(editorUrl);
  await back.settled();
  await dialog.getByRole("button", { name: "Stay" }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(editorUrl);
  await expect(description).toHaveValue("Weekly digest");
  await expect(description).toBeFocused();
  expect(await page.evaluate(() => history.length)).toBe(entries);

  const again = await pressBack(page);
  await expect(dialog).toBeVisible();
  await again.settled();
  await dialog.getByRole("button", { name: "Leave" }).click();
  await expect(page).toHaveURL(listUrl);
  await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  expect(native).toEqual([]);
});

test("after Save a link leaves without asking; a reload or closing the tab while typed gets the browser's prompt", async ({ page, context }) => {
  const name = `Saved then left ${tag}`;
  await createCampaign(page, name);
  const editorUrl = await openFromList(page, name);
  const description = page.getByLabel("Description");

  await description.fill("Saved before leaving");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await mainNav(page).getByRole("link", { name: "Users", exact: true }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(leaveDialog(page)).toHaveCount(0);

  await page.goto(editorUrl);
  await expect(description).toHaveValue("Saved before leaving");
  await description.fill("Typed, then reloaded");
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.type();
    void d.accept();
  });
  await page.reload();
  expect(asked).toBe("beforeunload");
  await expect(description).toHaveValue("Saved before leaving");

  // clean again after the reload: nothing asks
  const native = nativeDialogs(page);
  await page.reload();
  expect(native).toEqual([]);

  const tab = await context.newPage();
  await tab.goto(editorUrl);
  await tab.getByLabel("Description").fill("Typed, then the tab closed");
  const closing = tab.waitForEvent("dialog");
  await tab.close({ runBeforeUnload: true });
  const prompt = await closing;
  expect(prompt.type()).toBe("beforeunload");
  await prompt.accept();
});

test("save-and-go and a confirmed Delete leave without a second question", async ({ page }) => {
  const native = nativeDialogs(page);
  const name = `Deleted at once ${tag}`;
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(name);
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/leave/{{user.id}}");
  // a new campaign's first save moves to its own page
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  await expect(leaveDialog(page)).toHaveCount(0);

  await page.getByLabel("Description").fill("Typed, then deleted");
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("dialog", { name: "Delete this campaign?" }).getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/campaigns$/);
  await expect(leaveDialog(page)).toHaveCount(0);
  expect(native).toEqual([]);
});
