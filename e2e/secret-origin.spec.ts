// Issue 11, hole 1 in the browser: a saved password and secret header stay with their webhook's host.
// Pointing the webhook at another path of its server is refused at each field; pointing it at another
// server warns, a test send there sends nothing, and the save clears both with a notice at each field;
// neither the other path nor the other server ever sees them. Two receivers on 127.0.0.1.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";

type Received = { url: string; headers: IncomingMessage["headers"] };
const servers: { server: Server; port: number; received: Received[] }[] = [];

test.beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const received: Received[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        received.push({ url: req.url!, headers: req.headers });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push({ server, port: (server.address() as AddressInfo).port, received });
  }
});

test.afterAll(async () => {
  for (const { server } of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("moving a saved webhook to another server clears its secrets, says so, and sends none of them there", async ({ page }) => {
  const [saved, other] = servers;
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Secret origin check");
  await page.getByLabel("URL", { exact: true }).fill(`http://crm:hunter2@127.0.0.1:${saved!.port}/hook`);
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header name").fill("X-Api-Key");
  await page.getByLabel("Header value").fill("key-123");
  await page.getByLabel("Secret").check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/(?!new$)[a-z0-9]+$/);
  await page.reload();
  await expect(page.getByLabel("Header value")).toHaveValue("••••");

  // Same host: the stored secrets are used.
  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  expect(saved!.received.at(-1)!.headers["x-api-key"]).toBe("key-123");

  // Another path of the same server (a shared host: someone else's endpoint): warned before, refused by a
  // test send and by the save, at each field; the saved webhook keeps its URL and secrets.
  await page.getByLabel("URL", { exact: true }).fill(`http://crm:••••@127.0.0.1:${saved!.port}/mine`);
  await expect(page.getByText("The URL's path or query changed, so the saved password cannot be kept: type it again, or change the URL back.", { exact: true })).toBeVisible(); // the field's note (the preview's summary says it too, prefixed "URL: ")
  const sentBefore = saved!.received.length;
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("The URL's path or query changed, so the saved password cannot be used");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText('The URL\'s path or query changed, so the saved value of the header "X-Api-Key" cannot be kept: type it again, or change the URL back.').first()).toBeVisible(); // at the field and in the form's summary
  expect(saved!.received.slice(sentBefore).map((r) => r.url)).toEqual([]);
  await page.reload();
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue(`http://crm:••••@127.0.0.1:${saved!.port}/hook`);
  await expect(page.getByLabel("Header value")).toHaveValue("••••");

  // Another port is another server: warned before, refused by a test send, cleared by the save.
  await page.getByLabel("URL", { exact: true }).fill(`http://crm:••••@127.0.0.1:${other!.port}/hook`);
  await expect(page.getByText("The host changed, so the saved password will be cleared when you save: type it again.", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("The host changed, so the saved password cannot be used");
  expect(other!.received).toHaveLength(0);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("The host changed, so the saved password was cleared: type it again.")).toBeVisible();
  await expect(page.getByText('The host changed, so the saved value of the header "X-Api-Key" was cleared: type it again.')).toBeVisible();
  await page.reload();
  // the user name went with the password: alone it would be a credential (url-password.ts withoutUrlSecret)
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue(`http://127.0.0.1:${other!.port}/hook`);
  await expect(page.getByLabel("Header value")).toHaveValue("");

  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  const got = other!.received.at(-1)!;
  expect(JSON.stringify(got.headers)).not.toMatch(/key-123|hunter2|Y3JtOmh1bnRlcjI/);
});
