// The live preview never passes off an earlier request as the current one. When POST /api/preview
// refuses a member (429: their previews took their share of rendering time, preview-rate.ts), the
// panel says the request shown is out of date and when it resumes, and then shows the request for
// what is typed without another keystroke. (CI under load: "Stop signing" left webhook-signature in
// a preview that a 429 had frozen, with only a generic error and no retry.)
import { expect, test } from "./fixtures";

// ten fields of nested #each over a 3,000-item sample: each preview renders until its time budget ends
const nested = "{{#each userAttribute.a}}{{#each ../userAttribute.a}}{{upper (lower (upper (lower \"abcdefghijklmnopqrstuvwxyz\")))}}{{/each}}{{/each}}";
const heavy = {
  action: { url: "https://hooks.example.com/x", fields: Array.from({ length: 10 }, (_, i) => ({ key: `f${i}`, value: `${nested} ${i}` })) },
  campaign: { name: "c" },
  attributes: { a: Array.from({ length: 3000 }, (_, i) => i) },
};

/**
 * Holds the page's previews back with the same member's (the page's session's) heavy previews: each
 * preview the page asks for waits (page.route) until the member's share has just been spent (a heavy
 * preview of the member's refused, 429), then goes to the server as sent; should the server still
 * render it (the share came back in between: on a fast machine a spent share is short by only a few
 * milliseconds), the share is spent again and it is sent again, until the server refuses it by itself,
 * and that refusal is what the page gets. Before, the hold waited for a refusal with Retry-After of 2 s
 * or more, which only a loaded machine gives (a quiet one renders a heavy preview well within its
 * budget and is short by less than a second): CI on a quiet machine failed both tests for a minute.
 * `retryAfter`: the Retry-After of the refusal that spent it first. `stop` lets the page's previews through.
 */
async function holdPreviewsBack(page: import("@playwright/test").Page, baseURL: string) {
  const spend = async (): Promise<number> => {
    for (let i = 0; i < 200; i++) {
      const res = await page.request.post("/api/preview", { data: heavy, headers: { origin: baseURL } });
      if (res.status() === 429) return Number(res.headers()["retry-after"]);
    }
    throw new Error("the member's share of rendering time was never spent");
  };
  let holding = true;
  await page.route("**/api/preview", async (route) => {
    try {
      for (let i = 0; holding && i < 50; i++) {
        await spend();
        const res = await route.fetch();
        if (res.status() === 429 || !holding) return await route.fulfill({ response: res });
      }
      await route.continue();
    } catch {
      // the page dropped the request (a newer preview replaced it) or closed (the test ended)
    }
  });
  const retryAfter = await spend();
  return {
    retryAfter,
    stop: async () => {
      holding = false;
      await page.unroute("**/api/preview");
    },
  };
}

test("a preview refused for rendering time says it is out of date and when it resumes, then shows what is typed by itself", async ({ page, baseURL }) => {
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(preview).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill("Paused preview");
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/hook/{{user.id}}");
  // the page settles before the click (a note the preview's answer adds above the button moves it)
  await expect(preview).toContainText("127.0.0.1:9/hook/");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("greeting");
  const value = page.getByLabel("Value", { exact: true });
  await value.fill("first draft");
  await expect(preview).toContainText(/"greeting":\s*"first draft"/);

  // The same member (this page's session) loops heavy templates until the route holds them back for
  // more than a second, so the editor's next preview is refused too.
  const held = await holdPreviewsBack(page, baseURL!);
  const retryAfter = held.retryAfter;

  await value.fill("second draft");
  // what is shown is said to be out of date, why, and when it resumes; not passed off as current
  const notice = preview.getByRole("status").filter({ hasText: "out of date" });
  await expect(notice).toContainText(/share of rendering time/);
  await expect(notice).toContainText(/updates by itself in \d+ s/);
  // the wait is said once (the server's message said "continues in N s" before the notice's own)
  expect((await notice.innerText()).match(/\d+ s\b/g)).toHaveLength(1);
  await expect(preview).toContainText(/"greeting":\s*"first draft"/);
  await held.stop();
  // nothing typed since: the preview asks again once the wait is over
  await expect(preview).toContainText(/"greeting":\s*"second draft"/, { timeout: (retryAfter + 8) * 1000 });
  await expect(notice).toHaveCount(0);
});

test("Stop signing while previews are held back: the signed request is called out of date, then the unsigned one shows by itself", async ({ page, baseURL }) => {
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(preview).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill("Stops signing while paused");
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/signed/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  await page.getByRole("button", { name: "Generate signing secret" }).click();
  await expect(preview).toContainText("webhook-signature");

  const held = await holdPreviewsBack(page, baseURL!);
  const retryAfter = held.retryAfter;

  // the preview's body is unchanged (the secret is not in it): the same query asks again and is refused
  await page.getByRole("button", { name: "Stop signing" }).click();
  await expect(page.getByText("Requests are no longer signed.")).toBeVisible();
  const notice = preview.getByRole("status").filter({ hasText: "out of date" });
  await expect(notice).toContainText(/updates by itself in \d+ s/);
  await held.stop();
  await expect(preview).not.toContainText("webhook-signature", { timeout: (retryAfter + 8) * 1000 });
  await expect(notice).toHaveCount(0);
});

test("previews held back for long stop asking by themselves and offer Try again, which shows what is typed", async ({ page, baseURL }) => {
  test.setTimeout(120_000); // six refusals, each after its Retry-After
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(preview).toContainText("To fix before saving");
  await page.getByLabel("Campaign name").fill("Held for long");
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/hook/{{user.id}}");
  // the page settles before the click (a note the preview's answer adds above the button moves it)
  await expect(preview).toContainText("127.0.0.1:9/hook/");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("greeting");
  const value = page.getByLabel("Value", { exact: true });
  await value.fill("first draft");
  await expect(preview).toContainText(/"greeting":\s*"first draft"/);

  // the page's previews are counted while the member's share stays spent: a bounded number is asked
  let asked = 0;
  page.on("request", (r) => {
    if (r.url().endsWith("/api/preview")) asked++;
  });
  const held = await holdPreviewsBack(page, baseURL!);
  await value.fill("second draft");
  // "Preview out of date" while it asks again; once it gives up, the query's error holds no earlier
  // request ("No preview yet", as after another failure): the notice is known by its reason
  const notice = preview.getByRole("status").filter({ hasText: "share of rendering time" });
  await expect(notice).toContainText(/updates by itself in \d+ s/);
  // it stops asking (one request per Retry-After while the tab was open, before) and says how to go on
  const tryAgain = notice.getByRole("button", { name: "Try again" });
  await expect(tryAgain).toBeVisible({ timeout: 60_000 });
  await expect(notice).not.toContainText(/updates by itself/);
  await expect(preview).not.toContainText(/"greeting":\s*"second draft"/);
  const whenStopped = asked;
  await page.waitForTimeout(3_000);
  expect(asked).toBe(whenStopped);
  await held.stop();
  await tryAgain.click();
  await expect(preview).toContainText(/"greeting":\s*"second draft"/, { timeout: 10_000 });
  await expect(notice).toHaveCount(0);
});
