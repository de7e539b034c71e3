// The Delivery section says what is wrong at the field, in a marketer's words: a rate limit of 0.5
// and a negative delay are refused each under its own input (not zod's "expected int, received
// number", and not a "Saved." that stored "at once"), nothing is saved, and a reload shows the old values.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";
import { DELAY_WHOLE_NOT_NEGATIVE, RATE_LIMIT_WHOLE } from "../lib/delivery/core/rules";
import { ENDS_ON_PASSED } from "../lib/delivery/core/schedule-time";

test("a rate limit of 0.5 and a delay of -5 are refused at their fields, and nothing is saved", async ({ page }) => {
  const prisma = await appDb();
  const tag = `dform${Date.now()}`;
  try {
    const campaign = await prisma.campaign.create({
      data: {
        name: `Field errors ${tag}`,
        deliveryRule: { when: "immediate" },
        actions: { create: { name: "Timed hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [], subDelivery: { kind: "delay", seconds: 120 }, rateLimitPerSecond: 10 } },
      },
      include: { actions: true },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    // the preview answering means the page is hydrated: a value typed before that is lost
    await expect(page.getByRole("region", { name: "Request preview" })).toContainText("crm.example.com/x");
    const timing = page.getByRole("group", { name: "Timed hook" });
    const delay = timing.getByLabel("Delay", { exact: true });
    const rate = timing.getByLabel("Rate limit (requests per second)", { exact: true });
    await expect(delay).toHaveValue("2");
    await rate.fill("0.5");
    await delay.fill("-5");
    await page.getByRole("button", { name: "Save", exact: true }).click();

    await expect(page.getByText("Check the highlighted delivery settings; nothing was saved.", { exact: true })).toBeVisible();
    await expect(timing.getByText(RATE_LIMIT_WHOLE, { exact: true })).toBeVisible();
    await expect(timing.getByText(DELAY_WHOLE_NOT_NEGATIVE, { exact: true })).toBeVisible();
    await expect(rate).toHaveAttribute("aria-invalid", "true");
    await expect(delay).toHaveAttribute("aria-invalid", "true");
    await expect(rate).toHaveAccessibleDescription(new RegExp(RATE_LIMIT_WHOLE));
    await expect(delay).toHaveAccessibleDescription(new RegExp(DELAY_WHOLE_NOT_NEGATIVE));
    await expect(page.getByText(/expected int|received number/)).toHaveCount(0);
    await expect(page.getByRole("status").getByText("Saved.", { exact: true })).toHaveCount(0);

    const stored = await prisma.action.findUniqueOrThrow({ where: { id: campaign.actions[0]!.id } });
    expect([stored.subDelivery, stored.rateLimitPerSecond]).toEqual([{ kind: "delay", seconds: 120 }, 10]);
    // the unsaved-changes guard asks before the reload leaves the page
    page.once("dialog", (d) => d.accept());
    await page.reload();
    await expect(delay).toHaveValue("2");
    await expect(timing.getByLabel("Unit", { exact: true })).toHaveValue("minutes");
    await expect(rate).toHaveValue("10");
  } finally {
    await prisma.$disconnect();
  }
});

test("a recurring end date already past is refused at Ends on, and nothing is saved", async ({ page }) => {
  const prisma = await appDb();
  const tag = `dform-end${Date.now()}`;
  try {
    const campaign = await prisma.campaign.create({
      data: {
        name: `Past end ${tag}`,
        deliveryRule: { when: "recurring", frequency: "daily", time: "09:00", weekdays: [1], timeZone: "UTC", endsOn: null, maxOccurrences: null, quietHours: null },
        actions: { create: { name: "Hook", urlTemplate: "https://crm.example.com/x", fields: [], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    // the preview answering means the page is hydrated: a date typed before that was lost and the
    // Save answered "Saved." (the whole suite's CI run)
    await expect(page.getByRole("region", { name: "Request preview" })).toContainText("crm.example.com/x");
    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    const endsOn = delivery.getByLabel("Ends on", { exact: true });
    await endsOn.fill("2020-01-01");
    await expect(endsOn).toHaveValue("2020-01-01");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(delivery.getByText(ENDS_ON_PASSED, { exact: true })).toBeVisible();
    await expect(endsOn).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("status").getByText("Saved.", { exact: true })).toHaveCount(0);
    expect(((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).deliveryRule as { endsOn: unknown }).endsOn).toBeNull();
  } finally {
    await prisma.$disconnect();
  }
});
