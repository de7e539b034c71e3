// A campaign saved before the template limits (500 expressions per field, 1,000 per webhook) may pass
// them: its page says so before anything is sent, over the webhooks and at the field, and Resume
// refuses it naming the limit. The campaign is written straight into the app's database, as one saved
// before the limits would be.
import { appDb } from "./app-db";
import { expect, test } from "./fixtures";

test("a paused campaign over the template limits is flagged on its page, and Resume refuses it", async ({ page }) => {
  const prisma = await appDb();
  const tag = `overlimit${Date.now()}`;
  try {
    const tooMany = Array.from({ length: 501 }, () => "{{user.firstName}}").join(" ");
    const campaign = await prisma.campaign.create({
      data: {
        name: `Over the limits ${tag}`,
        status: "paused",
        pausedAt: new Date(),
        deliveryRule: { when: "triggered", event: "signup" },
        actions: { create: { name: "Greet", urlTemplate: "http://127.0.0.1:9999/hook", fields: [{ key: "greeting", value: tooMany, type: "text" }], headers: [] } },
      },
    });
    await page.goto(`/campaigns/${campaign.id}`);
    await expect(page.getByRole("alert").filter({ hasText: "A template of this campaign does not pass the checks a save makes now" })).toContainText(
      "500 expressions per field, 1,000 per webhook, which it was saved before): Activate and Resume refuse it until it is fixed and saved",
    );
    const value = page.getByLabel("Value", { exact: true });
    await expect(value).toHaveAttribute("aria-invalid", "true");
    await expect(value).toHaveAccessibleDescription(/Template too complex: more than 500 expressions in this field/);

    const delivery = page.getByRole("region", { name: "Delivery", exact: true });
    await delivery.getByRole("button", { name: "Resume", exact: true }).click();
    await expect(page.getByText(/It cannot resume yet: .*Template too complex: more than 500 expressions/).first()).toBeVisible();
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("paused");
  } finally {
    await prisma.$disconnect();
  }
});
