// Issue 3: "Test send" sends the action as typed to a receiver this spec starts on 127.0.0.1 and
// shows what came back; a receiver that hangs shows the timeout.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";

type Received = { url: string; headers: IncomingMessage["headers"]; body: string };
const received: Received[] = [];
let server: Server;
let port = 0;

test.beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ url: req.url!, headers: req.headers, body });
      if (req.url?.startsWith("/hang")) return;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: true, ticket: "rcv-4242" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("Test send shows the receiver's answer, then a hanging receiver's timeout", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Test send check");
  await page.getByLabel("URL", { exact: true }).fill(`http://crm:hunter2@127.0.0.1:${port}/hooks/{{user.id}}`);
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Key", { exact: true }).fill("first_name");
  await page.getByLabel("Value", { exact: true }).fill("{{userAttribute.firstName}}");

  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  await expect(result).toContainText("rcv-4242");
  const first = received.at(-1)!;
  expect(first.url).toBe("/hooks/user-1001");
  expect(JSON.parse(first.body)).toEqual({ first_name: "Mary" });
  expect(Buffer.from(String(first.headers.authorization).slice(6), "base64").toString()).toBe("crm:hunter2");
  // The request as sent is shown masked.
  await expect(result).toContainText("127.0.0.1");
  await expect(result).not.toContainText("hunter2");

  await page.getByRole("button", { name: "Copy as curl" }).click();
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  expect(curl).toContain("curl");
  expect(curl).not.toContain("hunter2");
  // the masked credential is in the command as four dots, and the button says so
  expect(curl).toContain("••••");
  await expect(result.getByText("Secrets are shown as ••••: put them back before running it.", { exact: true })).toBeVisible();

  // Ad-hoc attributes instead of a stored user.
  await page.getByLabel("Test user attributes").fill('{"firstName": "Ada"}');
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  await expect.poll(() => received.at(-1)?.body).toBe('{"first_name":"Ada"}');
  await page.getByLabel("Test user attributes").fill("");

  // Saved: the password shows masked, and a test send still uses the stored one.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  await page.reload();
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue(`http://crm:••••@127.0.0.1:${port}/hooks/{{user.id}}`);
  const before = received.length;
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  expect(received.length).toBe(before + 1);
  expect(Buffer.from(String(received.at(-1)!.headers.authorization).slice(6), "base64").toString()).toBe("crm:hunter2");
  // the two sent before the first save stay in the webhook's history (fae1786), with this one
  await expect(page.getByRole("region", { name: "Recent test sends" }).getByRole("button")).toHaveCount(3);

  // A receiver that never answers: the action's timeout, in plain words.
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/hang`);
  await page.getByLabel("Timeout (seconds)").fill("1");
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText(/timed out after 1 s/i, { timeout: 15_000 });
  await expect(page.getByRole("button", { name: "Test send" })).toBeEnabled();
});

test("a webhook's Recent test sends keep variant B's beside A's, each labelled; the result names the user as Preview as does", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Variant history ${Date.now()}`);
  const url = page.getByLabel("URL", { exact: true });
  await url.fill(`http://127.0.0.1:${port}/a/{{user.id}}`);
  await page.getByRole("button", { name: "Add variant" }).click();
  await expect(page.getByRole("tab", { name: "Variant B" })).toHaveAttribute("aria-selected", "true");
  await url.fill(`http://127.0.0.1:${port}/b/{{user.id}}`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);

  const result = page.getByRole("region", { name: "Test send result" });
  const history = page.getByRole("region", { name: "Recent test sends" });
  // a test send of B
  await page.getByRole("tab", { name: "Variant B" }).click();
  await expect(url).toHaveValue(`http://127.0.0.1:${port}/b/{{user.id}}`);
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  expect(received.at(-1)!.url).toBe("/b/user-1001");
  // the sample user is named as the Preview as picker names them, not by id
  const picked = await page.getByLabel("Preview as").evaluate((select: HTMLSelectElement) => select.selectedOptions[0]!.text);
  // with their id: a demo user and an imported one may both be "Mary · mary@example.com"
  expect(picked).toBe("Mary (user-1001) · mary@example.com");
  await expect(result).toContainText(`Variant B · as ${picked}`);
  await expect(result).not.toContainText("as user-1001");
  await expect(history.getByRole("button")).toHaveCount(1);
  await expect(history.getByRole("button").first()).toContainText("Variant B");

  // then A's: both in the webhook's history, whichever tab is open
  await page.getByRole("tab", { name: "Variant A" }).click();
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("Variant A · as");
  await expect(history.getByRole("button")).toHaveCount(2);
  await expect(history.getByRole("button").nth(0)).toContainText("Variant A");
  await expect(history.getByRole("button").nth(1)).toContainText("Variant B");
  await page.getByRole("tab", { name: "Variant B" }).click();
  await expect(history.getByRole("button")).toHaveCount(2);
  await page.reload();
  await expect(history.getByRole("button")).toHaveCount(2);
});

test("a Test send {{required}} skips says Skipped with its sentence, in the result and the history: not a failure", async ({ page }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill(`Skipped test send ${Date.now()}`);
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/skip/{{required user.skipCheckCrmId}}`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);

  const before = received.length;
  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("Skipped");
  await expect(result).toContainText("This user would be skipped: user.skipCheckCrmId is empty");
  await expect(result).not.toContainText("Not delivered");
  const history = page.getByRole("region", { name: "Recent test sends" });
  await expect(history.getByRole("button")).toHaveCount(1);
  await expect(history.getByRole("button").first()).toContainText("Skipped");
  await expect(history.getByRole("button").first()).not.toContainText("Failed");
  expect(received.length).toBe(before);
});

test("a Test send of webhook 2 says beside its request that it did not wait for webhook 1's answer, and the value it used", async ({ page }) => {
  const attribute = `crmRef${Date.now()}`;
  await page.goto("/campaigns/new");
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/contacts/{{user.id}}`);
  const mapping = page.getByRole("group", { name: "Save response to user" });
  await mapping.getByRole("button", { name: "Add mapping" }).click();
  await mapping.getByLabel("JSON path 1").fill("$.ticket");
  await mapping.getByLabel("User attribute 1").fill(attribute);
  await page.getByRole("button", { name: "Add webhook" }).click();
  await page.getByRole("region", { name: /^2\s*/ }).getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${port}/follow/{{user.${attribute}}}`);

  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  await expect.poll(() => received.at(-1)?.url).toBe("/follow/");
  await expect(result.getByRole("list", { name: "Values from earlier webhooks" })).toHaveText(
    `${attribute} is set from Webhook 1's response (\`$.ticket\`), which a test send does not wait for: this test used Mary's current value (empty)`,
  );
});
