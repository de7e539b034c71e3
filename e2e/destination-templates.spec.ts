// Issue 14, destination templates: a webhook started from the Slack template (with its note on where
// the secret is), a webhook with a secret header saved as a template (the secret left out, as
// Settings › Webhook templates shows), and that template used for a new webhook, which records it.
import { expect, test } from "./fixtures";
import { appDb } from "./app-db";

test("start from the Slack template, save a webhook as a template without its secret, see it in Settings, use it", async ({ page, context }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Template trail");

  // Start from the Slack template: the list shows where to find the secret.
  await page.getByRole("button", { name: "Start from a template" }).click();
  const picker = page.getByRole("dialog", { name: "Start from a template" });
  await picker.getByRole("radio", { name: /Slack incoming webhook/ }).check();
  const secretNote = picker.getByRole("region", { name: "Where to find the secret" });
  await expect(secretNote).toContainText("api.slack.com/apps");
  await expect(picker.getByText("in the URL with your own")).toContainText("{{slack_webhook_path}}");
  await picker.getByRole("button", { name: "Use template" }).click();
  await expect(picker).toBeHidden();

  // It took the place of the new campaign's empty webhook, with the note above it.
  await expect(page.getByLabel("Webhook name")).toHaveCount(1);
  await expect(page.getByLabel("Webhook name")).toHaveValue("Slack incoming webhook");
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue("https://hooks.slack.com/services/{{slack_webhook_path}}");
  const note = page.getByRole("note", { name: "Started from Slack incoming webhook" });
  await expect(note).toContainText("Where to find the secret:");
  await expect(note).toContainText("{{slack_webhook_path}}");

  // Save as template does not offer the built-in template's own name, which would be refused.
  await page.getByRole("button", { name: "Save as template" }).click();
  const copyDialog = page.getByRole("dialog", { name: "Save as template" });
  await expect(copyDialog.getByLabel("Template name")).toHaveValue("Slack incoming webhook (copy)");
  await copyDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(copyDialog).toBeHidden();

  // Make it a CRM webhook with a secret header, and save it as a template.
  await page.getByLabel("Webhook name").fill("CRM contact");
  await page.getByLabel("URL", { exact: true }).fill("https://crm.example.com/contacts/{{user.id}}");
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header name").fill("X-Api-Key");
  await page.getByLabel("Header value").fill("e2e-secret-key-123");
  await page.getByLabel("Secret").check();
  await page.getByRole("button", { name: "Save as template" }).click();
  const saveDialog = page.getByRole("dialog", { name: "Save as template" });
  await expect(saveDialog.getByLabel("Template name")).toHaveValue("CRM contact");
  await saveDialog.getByLabel("Template name").fill("CRM contact (e2e)");
  await saveDialog.getByLabel("Where to find the secret (optional)").fill("In the CRM: Settings › API keys › New key");
  await saveDialog.getByRole("button", { name: "Save template" }).click();
  await expect(saveDialog.getByRole("status")).toContainText("Saved “CRM contact (e2e)” as a template.");
  await expect(saveDialog.getByRole("status")).toContainText('the value of the header "X-Api-Key"');
  await saveDialog.getByRole("button", { name: "Done" }).click();

  // Settings › Webhook templates lists it with the secret empty.
  const settings = await context.newPage();
  await settings.goto("/settings#webhook-templates");
  const section = settings.getByRole("region", { name: "Webhook templates" });
  const row = section.getByRole("row", { name: /CRM contact \(e2e\)/ });
  await expect(row).toContainText("POST https://crm.example.com/contacts/{{user.id}}");
  await expect(row).toContainText("X-Api-Key: secret, empty (typed when used)");
  await expect(section).not.toContainText("e2e-secret-key-123");
  await expect(section).toContainText("Built in (read-only): Slack incoming webhook, Microsoft Teams");

  // Use it: a new campaign's webhook starts from it, the secret header there to be typed.
  const second = await context.newPage();
  await second.goto("/campaigns/new");
  await second.getByLabel("Campaign name").fill("From my template");
  await second.getByRole("button", { name: "Start from a template" }).click();
  const picker2 = second.getByRole("dialog", { name: "Start from a template" });
  await picker2.getByRole("radio", { name: /CRM contact \(e2e\)/ }).check();
  await expect(picker2.getByRole("region", { name: "Where to find the secret" })).toContainText("In the CRM: Settings › API keys › New key");
  await picker2.getByRole("button", { name: "Use template" }).click();
  await expect(second.getByLabel("URL", { exact: true })).toHaveValue("https://crm.example.com/contacts/{{user.id}}");
  await expect(second.getByLabel("Header name")).toHaveValue("X-Api-Key");
  await expect(second.getByLabel("Header value")).toHaveValue("");
  await expect(second.getByLabel("Secret")).toBeChecked();
  await second.getByLabel("Header value").fill("typed-when-used");
  await second.getByRole("button", { name: "Save", exact: true }).click();
  await expect(second.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(second).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);

  const db = await appDb();
  try {
    const template = await db.destinationTemplate.findUniqueOrThrow({ where: { name: "CRM contact (e2e)" } });
    expect(JSON.stringify(template)).not.toContain("e2e-secret-key-123");
    const campaignId = second.url().split("/").pop()!;
    const action = await db.action.findFirstOrThrow({ where: { campaignId } });
    expect(action.templateId).toBe(template.id);
  } finally {
    await db.$disconnect();
  }
});
