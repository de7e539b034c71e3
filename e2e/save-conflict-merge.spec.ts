// Two tabs on one campaign edit different fields and one field both: A saves first; B's save is
// refused, B merges their changes (A's name and timeout come in, B's description stays, the URL both
// changed keeps B's and says what A's was; A's rate limit shows in B's unedited Delivery section),
// then saves: the stored campaign has both edits, A's delivery setting too.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a refused save merges their changes into the form, says each clash, and the next Save keeps both edits", async ({ page, context }) => {
  const prisma = await appDb();
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Weekly digest");
  await page.getByLabel("URL", { exact: true }).fill("https://old.example.com/digest/{{user.id}}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const id = page.url().split("/").at(-1)!;

  const tabA = await context.newPage();
  const tabB = await context.newPage();
  await tabA.goto(`/campaigns/${id}`);
  await tabB.goto(`/campaigns/${id}`);
  await expect(tabB.getByLabel("URL", { exact: true })).toHaveValue("https://old.example.com/digest/{{user.id}}");

  // A: the name, the timeout, the URL, and a delivery setting
  await tabA.getByLabel("Rate limit (requests per second)").fill("5");
  await tabA.getByLabel("Campaign name").fill("Weekly digest (EU)");
  await tabA.getByLabel("Timeout (seconds)").fill("20");
  await tabA.getByLabel("URL", { exact: true }).fill("https://theirs.example.com/digest/{{user.id}}");
  await tabA.getByRole("button", { name: "Save", exact: true }).click();
  await expect(tabA.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  // B: the description and the URL, from the version it loaded before A's save
  await tabB.getByLabel("Description").fill("Sent every Monday");
  await tabB.getByLabel("URL", { exact: true }).fill("https://mine.example.com/digest/{{user.id}}");
  await tabB.getByRole("button", { name: "Save", exact: true }).click();
  const status = tabB.getByRole("status").filter({ hasText: "This campaign was changed" });
  await expect(status.getByRole("button", { name: "Reload" })).toBeVisible();
  await status.getByRole("button", { name: "Merge their changes" }).click();

  const notice = tabB.getByRole("region", { name: "Merged changes" });
  await expect(notice).toContainText("Nothing is saved until you press Save.");
  await expect(notice).toContainText("From them: Campaign name, Webhook 1 timeout, Delivery settings.");
  await expect(notice.getByRole("listitem")).toHaveText(["Both changed Webhook 1 URL: yours kept; theirs was https://theirs.example.com/digest/{{user.id}}"]);
  await expect(tabB.getByLabel("Campaign name")).toHaveValue("Weekly digest (EU)");
  await expect(tabB.getByLabel("Timeout (seconds)")).toHaveValue("20");
  await expect(tabB.getByLabel("Description")).toHaveValue("Sent every Monday");
  await expect(tabB.getByLabel("URL", { exact: true })).toHaveValue("https://mine.example.com/digest/{{user.id}}");
  await expect(tabB.getByLabel("Rate limit (requests per second)")).toHaveValue("5");

  // nothing was saved by the merge
  const before = await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { description: true } });
  expect(before.description).toBe("");

  await tabB.getByRole("button", { name: "Save", exact: true }).click();
  await expect(tabB.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(notice).toBeHidden();

  const stored = await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { name: true, description: true, actions: { select: { urlTemplate: true, timeoutMs: true, rateLimitPerSecond: true } } } });
  expect(stored).toEqual({
    name: "Weekly digest (EU)",
    description: "Sent every Monday",
    actions: [{ urlTemplate: "https://mine.example.com/digest/{{user.id}}", timeoutMs: 20_000, rateLimitPerSecond: 5 }],
  });
});

// The review: an edited Delivery section was kept whole as B's, so B's next Save (at A's version) put
// back every delivery field A changed. It merges field by field now.
test("with both Delivery sections edited, the merge keeps their delivery fields and mine, and the clash names theirs", async ({ page, context }) => {
  const prisma = await appDb();
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Delivery merge");
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/in");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const id = page.url().split("/").at(-1)!;

  const tabA = await context.newPage();
  const tabB = await context.newPage();
  await tabA.goto(`/campaigns/${id}`);
  await tabB.goto(`/campaigns/${id}`);
  await expect(tabB.getByLabel("Retries")).toHaveValue("default");

  // A: the rate limit and the retries
  await tabA.getByLabel("Rate limit (requests per second)").fill("5");
  await tabA.getByLabel("Retries").selectOption("none");
  await tabA.getByRole("button", { name: "Save", exact: true }).click();
  await expect(tabA.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  // B: quiet hours and the retries
  await tabB.getByLabel(/Quiet hours/).check();
  await tabB.getByLabel("Retries").selectOption("aggressive");
  await tabB.getByRole("button", { name: "Save", exact: true }).click();
  const status = tabB.getByRole("status").filter({ hasText: "This campaign was changed" });
  await status.getByRole("button", { name: "Merge their changes" }).click();

  const notice = tabB.getByRole("region", { name: "Merged changes" });
  await expect(notice).toContainText("From them: Webhook 1 rate limit.");
  await expect(notice.getByRole("listitem")).toHaveText(["Both changed Webhook 1 retries: yours kept; theirs was none"]);
  await expect(tabB.getByLabel("Rate limit (requests per second)")).toHaveValue("5");
  await expect(tabB.getByLabel("Retries")).toHaveValue("aggressive");
  await expect(tabB.getByLabel(/Quiet hours/)).toBeChecked();

  await tabB.getByRole("button", { name: "Save", exact: true }).click();
  await expect(tabB.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  const stored = await prisma.campaign.findUniqueOrThrow({ where: { id }, select: { deliveryRule: true, actions: { select: { retryPolicy: true, rateLimitPerSecond: true } } } });
  expect(stored.actions).toEqual([{ retryPolicy: "aggressive", rateLimitPerSecond: 5 }]);
  expect((stored.deliveryRule as { quietHours?: unknown }).quietHours).toEqual({ start: "22:00", end: "08:00" });
});
