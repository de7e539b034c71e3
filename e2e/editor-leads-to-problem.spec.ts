// A refused save leads the marketer to the problem (the first field with an error is focused and in
// view); a sample that is not valid JSON is all the preview says (no errors computed from an empty
// sample); a blank audience condition asks to be completed rather than keeping the earlier count;
// a refused activation names the webhook and field in the header.
import { activateRefused, expect, test } from "./fixtures";
import { CONDITIONS_COMPARE_NOTE } from "../lib/audience/conditions";

test("saving an empty new campaign focuses its first invalid field, scrolled into view", async ({ page }) => {
  await page.goto("/campaigns/new");
  await expect(page.getByRole("region", { name: "Delivery", exact: true })).toBeVisible();
  // from the bottom of the page, far from the fields at the top
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  // the name and the URL: each listed, the first focused
  await expect(page.getByRole("status").filter({ hasText: /^2 problems: Name · Webhook 1 URL$/ })).toBeVisible();
  const name = page.getByLabel("Campaign name", { exact: true });
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toBeFocused();
  await expect(name).toBeInViewport();
});

test("a sample that is not valid JSON is the only thing the preview says", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("URL", { exact: true }).fill("https://example.com/hooks/{{user.id}}");
  for (const [key, value] of [["amount", "{{event.params.amount}}"], ["plan", "{{event.params.plan}}"]]) {
    await page.getByRole("button", { name: "Add field", exact: true }).click();
    await page.getByLabel("Key", { exact: true }).last().fill(key!);
    await page.getByLabel("Value", { exact: true }).last().fill(value!);
  }
  await page.getByLabel("Type", { exact: true }).first().selectOption("number");
  const preview = page.getByRole("region", { name: "Request preview", exact: true });
  const sample = page.getByLabel("Sample event parameters", { exact: true });
  await sample.fill('{"plan":"pro", "amount": 4}');
  await expect(preview.getByText('{"amount":4,"plan":"pro"}', { exact: true })).toBeVisible();

  await sample.fill('{"plan":"pro", amount: 4');
  await expect(preview.getByText(/^Sample event parameters: Not valid JSON/)).toBeVisible();
  await expect(preview).not.toContainText("is not a number");
  await expect(preview).not.toContainText("is not set for this user");
  await expect(preview).not.toContainText('"amount":4');
  // nor at the fields: the values are fine, the sample is not
  await expect(page.getByLabel("Value", { exact: true }).first()).not.toHaveAttribute("aria-invalid", "true");

  await sample.fill('{"plan":"pro", "amount": 5}');
  await expect(preview.getByText('{"amount":5,"plan":"pro"}', { exact: true })).toBeVisible();
  await expect(preview.getByText(/^Sample event parameters:/)).toHaveCount(0);
});

test("a blank audience condition asks to be completed instead of keeping the earlier count", async ({ page }) => {
  await page.goto("/campaigns/new");
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  const count = delivery.getByText(/^\d+ of \d+ users? match$/);
  await expect(count).toBeVisible();
  await delivery.getByRole("button", { name: "Add audience condition", exact: true }).click();
  await expect(delivery.getByText("Complete the condition to count", { exact: true })).toBeVisible();
  await expect(count).toHaveCount(0);
  // completed, it counts again
  await delivery.getByLabel("Attribute 1", { exact: true }).fill("plan");
  await expect(count).toBeVisible();
  await expect(delivery.getByText("Complete the condition to count", { exact: true })).toHaveCount(0);
  // what "equals" means is said under the conditions: "plan equals pro" takes "PRO" too
  await expect(delivery.getByText(CONDITIONS_COMPARE_NOTE, { exact: true })).toBeVisible();
});

test("a time zone typo refused at Activate focuses the Time zone field", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name", { exact: true }).fill(`Zone typo ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill("https://example.com/hooks/{{user.id}}");
  const delivery = page.getByRole("region", { name: "Delivery", exact: true });
  await delivery.getByRole("radio", { name: "Scheduled", exact: true }).check();
  await delivery.getByLabel("Send at", { exact: true }).fill("2035-01-01T09:00");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  const zone = delivery.getByLabel("Time zone", { exact: true });
  await zone.fill("Europe/Par");
  await page.evaluate(() => window.scrollTo(0, 0));
  await delivery.getByRole("button", { name: "Activate", exact: true }).click();
  await expect(page.getByText(/^Check the highlighted delivery settings/)).toBeVisible();
  await expect(zone).toHaveAttribute("aria-invalid", "true");
  await expect(zone).toBeFocused();
  await expect(zone).toBeInViewport();
});

test("an empty secret header refused at Activate: the header names the webhook and the field, and the focus goes there", async ({ page }) => {
  await page.goto("/campaigns/new");
  await expect(page.getByRole("region", { name: "Request preview", exact: true })).toContainText("To fix before saving");
  await page.getByLabel("Campaign name", { exact: true }).fill(`Secret header ${Date.now()}`);
  await page.getByRole("button", { name: "Start from a template", exact: true }).click();
  await page.getByRole("dialog").getByText("Generic JSON POST", { exact: true }).first().click();
  await page.getByRole("button", { name: "Use template", exact: true }).click();
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/webhooks/hookline");
  await expect(page.getByLabel("Header name", { exact: true })).toHaveValue("Authorization");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await activateRefused(page);
  await expect(page.getByText('Not activated: see webhook “Generic JSON POST”, Header "Authorization" value.', { exact: true })).toBeVisible();
  const headerValue = page.getByLabel("Header value", { exact: true });
  await expect(headerValue).toHaveAttribute("aria-invalid", "true");
  await expect(headerValue).toBeFocused();
  await expect(headerValue).toBeInViewport();
});
