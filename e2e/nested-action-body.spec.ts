// A server action's body of arrays nested 10,000 deep made React's decodeReply overflow its stack:
// Next.js answered a 500 (the stack in the log). proxy.ts (lib/http/action-body.ts) refuses it first
// with a 400 in plain words, as a text body and as a multipart one; the editor's own Save, a real
// server action read by the same check, still saves.
import { expect, test } from "./fixtures";

const NESTED = "[".repeat(10_000) + "]".repeat(10_000);
const REFUSED = "Bad request: the action's data nests arrays or objects more than 128 levels deep";

test("a deeply nested server-action body is a 400; the editor's Save still works", async ({ page, baseURL }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Nested body ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9/hooks/{{user.id}}");
  const saving = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const save = await saving;
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);

  const headers = { "next-action": save.headers()["next-action"]!, origin: baseURL!, accept: "text/x-component" };
  const asText = await page.request.post(save.url(), { headers: { ...headers, "content-type": "text/plain;charset=UTF-8" }, data: NESTED });
  expect(asText.status()).toBe(400);
  expect(await asText.text()).toBe(REFUSED);
  const asForm = await page.request.post(save.url(), { headers, multipart: { "0": NESTED } });
  expect(asForm.status()).toBe(400);
  expect(await asForm.text()).toBe(REFUSED);

  // the page's actions keep working: a rename saves
  const renamed = `Nested body renamed ${Date.now()}`;
  await page.getByLabel("Campaign name").fill(renamed);
  const renaming = page.waitForResponse((r) => r.request().method() === "POST" && !!r.request().headers()["next-action"]);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  expect((await renaming).status()).toBe(200);
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Campaign name")).toHaveValue(renamed);
});
