// What a marketer meets on day one in the campaign editor (found by a tester in Chromium on a fresh
// install): the Secret box follows the header's name as the server's rule does; a `{{` being typed
// with its suggestions open is not called an error yet; the request comes before the variants;
// Activate's result replaces "Saved." in the header; a test send answered 500 says a delivery would
// be retried and how (from the one retry policy). Sends go to a receiver on 127.0.0.1.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_SCHEDULE_MS } from "../lib/delivery/core/retry-policy";
import { activateCampaign, expect, test } from "./fixtures";

let server: Server;
let port = 0;

test.beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url?.startsWith("/broken")) return res.writeHead(500, { "content-type": "text/plain" }).end("boom");
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("the Secret box ticks as a credential header is typed, by the server's rule, and unticks only where the server allows", async ({ page }) => {
  await page.goto("/campaigns/new");
  await expect(page.getByRole("region", { name: "Request preview" })).toContainText("To fix before saving");
  await page.getByRole("button", { name: "Add header" }).click();
  const name = page.getByLabel("Header name");
  const value = page.getByLabel("Header value");
  const secret = page.getByRole("checkbox", { name: "Secret" });
  await expect(secret).not.toBeChecked();

  // a literal value under a credential's name: stored as a secret whatever the box says, so ticked and fixed
  await value.fill("sk_live_1234567890");
  await name.pressSequentially("X-Api-Key");
  await expect(secret).toBeChecked();
  await expect(secret).toBeDisabled();
  await expect(secret).toHaveAccessibleDescription(/credential/);
  await expect(value).toHaveAttribute("type", "password");

  // an id's name: not a secret unless ticked
  await name.fill("X-Request-Id");
  await expect(secret).not.toBeChecked();
  await expect(secret).toBeEnabled();

  // only references ("Bearer {{user.token}}" holds no secret of its own): the box is the user's
  await name.fill("Authorization");
  await value.fill("Bearer {{user.token}}");
  await expect(secret).not.toBeChecked();
  await secret.check();
  await expect(secret).toBeChecked();
  await secret.uncheck();
  await expect(secret).not.toBeChecked();
});

test("a `{{` being typed with its suggestions open is not an error yet; once they close, it is", async ({ page }) => {
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(page.getByLabel("Preview as")).toHaveValue("user-1001");
  await page.getByLabel("URL", { exact: true }).fill("https://api.example.com/hook");
  await expect(preview).toContainText("api.example.com/hook");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("greeting");
  const value = page.getByLabel("Value", { exact: true });
  // a save attempt reveals every error at once from then on: the field must still wait for the `{{`
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByLabel("Campaign name")).toHaveAttribute("aria-invalid", "true");

  const rendered = page.waitForResponse((r) => r.url().endsWith("/api/preview") && r.request().postData()!.includes("Hello {{user."));
  await value.pressSequentially("Hello {{user.");
  await expect(page.getByRole("listbox", { name: "Template suggestions" })).toBeVisible();
  await rendered;
  await expect(preview).toHaveAttribute("aria-busy", "false");
  await expect(preview).not.toContainText("is not closed");
  await expect(value).not.toHaveAttribute("aria-invalid", "true");

  // the suggestions closed with the expression still open: now it is a mistake, at the field and in the preview
  await value.press("Escape");
  await expect(preview).toContainText("`{{` is not closed: add `}}`");
  await expect(value).toHaveAttribute("aria-invalid", "true");

  await value.fill("Hello {{user.firstName}}");
  await expect(preview).toContainText(/"greeting":\s*"Hello Mary"/);
  await expect(value).not.toHaveAttribute("aria-invalid", "true");
});

test("while one field's `{{` suggestions are open, another field's error still shows in the preview", async ({ page }) => {
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(page.getByLabel("Preview as")).toHaveValue("user-1001");
  await page.getByLabel("URL", { exact: true }).fill("https://api.example.com/{{user.id");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("greeting");
  await expect(preview).toContainText("URL (line 1, column 25): `{{` is not closed: add `}}`");

  const value = page.getByLabel("Value", { exact: true });
  const rendered = page.waitForResponse((r) => r.url().endsWith("/api/preview") && r.request().postData()!.includes("Hello {{user."));
  await value.pressSequentially("Hello {{user.");
  await expect(page.getByRole("listbox", { name: "Template suggestions" })).toBeVisible();
  await rendered;
  await expect(preview).toHaveAttribute("aria-busy", "false");
  // the URL's mistake is not the one being typed: it stays; the value's own waits
  await expect(preview).toContainText("URL (line 1, column 25): `{{` is not closed: add `}}`");
  await expect(preview).not.toContainText('Field "greeting" value');
  await expect(value).not.toHaveAttribute("aria-invalid", "true");
});

test("the request (URL, content type, data) comes before the variants", async ({ page }) => {
  await page.goto("/campaigns/new");
  const webhook = page.getByRole("region", { name: /Webhook/ });
  const order = await webhook.evaluate((section) => {
    const labels = ["URL", "Content type", "Data", "Variants and control group"];
    const found = [...section.querySelectorAll("label, legend")].map((e) => e.textContent?.trim() ?? "");
    return labels.map((l) => found.findIndex((t) => t === l || t.startsWith(`${l} `)));
  });
  expect(order.every((i) => i >= 0), `labels found at ${order}`).toBe(true);
  expect(order).toEqual([...order].sort((a, b) => a - b));
});

test("after Activate the header says what happened, not 'Saved.'", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Activated in the header");
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/ok/{{user.id}}`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  const header = page.getByRole("status").first();
  await expect(header).toHaveText("Saved.");

  await activateCampaign(page);
  await expect(page.getByRole("region", { name: "Delivery", exact: true }).getByText(/^Active: [\d,]+ deliveries planned/)).toBeVisible();
  await expect(header).toContainText(/^Active: [\d,]+ deliveries planned/);
  await expect(header).not.toContainText("Saved.");
});

test("a test send answered 500 says a delivery would be retried, from the retry policy", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Retry note");
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/broken`);
  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("500 Internal Server Error");
  const retries = DEFAULT_SCHEDULE_MS.length;
  const note = result.getByRole("note");
  await expect(note).toContainText(`A delivery retries this kind of answer. Under the retry policy set now (“Default”): up to ${retries} retries, the first after 30 seconds`);
  // the note is about the policy as set now, not when the test was sent: true whatever it is changed to
  await page.getByRole("region", { name: "Delivery", exact: true }).getByLabel("Retries").selectOption("none");
  await expect(note).toHaveText("A delivery retries this kind of answer, but the retry policy set now is “No retries”: it would be marked failed.");

  // a 200 says nothing of retries
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/ok`);
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  await expect(result).not.toContainText("retried");
});

test("a wrong value in a row just added, the cursor still in it: the preview says to finish the row, not nothing", async ({ page }) => {
  await page.goto("/campaigns/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(preview).toContainText("To fix before saving");
  await page.getByLabel("URL", { exact: true }).fill("https://api.example.com/hook");
  await expect(preview).toContainText("api.example.com/hook");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("greeting");
  const value = page.getByLabel("Value", { exact: true });
  await value.fill("{{/if}}");
  // the row's mistake waits until it is left; the panel says so rather than showing only its heading
  await expect(preview).toContainText("Finish this row (leave it) to see the request.");
  await expect(preview).not.toContainText("The request cannot be built yet");
  await page.getByLabel("URL", { exact: true }).click();
  await expect(preview).toContainText("The request cannot be built yet");
  await expect(preview).not.toContainText("Finish this row");
});
