// Issue 13, the newcomer path: a test send to a private address is refused with a link (for admins)
// to Settings › Allowed destinations; allowing it there takes effect at once, without a restart.
// The receiver listens on 127.0.0.2, which playwright.config.ts's HOOKLINE_ALLOWED_HOSTS does not allow.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";

let server: Server;
let port = 0;
const received: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.url ?? "");
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", resolve));
  port = (server.address() as AddressInfo).port;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("a refused private destination is allowed in Settings › Allowed destinations, at once", async ({ page, context }) => {
  await page.goto("/campaigns/new");
  await page.getByLabel("Campaign name").fill("Local receiver");
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.2:${port}/hook`);

  const result = page.getByRole("region", { name: "Test send result" });
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("destination 127.0.0.2 is a loopback address; an admin can allow it in Settings › Allowed destinations");
  expect(received).toEqual([]);
  const allowLink = result.getByRole("link", { name: "Allow it in Settings › Allowed destinations" });
  await expect(allowLink).toBeVisible();

  // The link opens the settings with the address filled in (in a second tab: the draft stays open).
  const settings = await context.newPage();
  await settings.goto((await allowLink.getAttribute("href"))!);
  const section = settings.getByRole("region", { name: "Allowed destinations" });
  await expect(section.getByLabel("Host, IP address or CIDR range")).toHaveValue("127.0.0.2");
  // HOOKLINE_ALLOWED_HOSTS is listed, read-only
  await expect(section.getByRole("row", { name: /127\.0\.0\.1 From HOOKLINE_ALLOWED_HOSTS/ })).toBeVisible();
  await section.getByLabel("Note (optional)").fill("receiver for trying test sends");
  await section.getByRole("button", { name: "Allow destination" }).click();
  await expect(section.getByRole("status")).toHaveText("127.0.0.2 is allowed. Webhooks may reach it now.");
  await expect(section.getByRole("row", { name: /127\.0\.0\.2 receiver for trying test sends/ })).toBeVisible();

  // No restart: the very next test send gets through.
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("200 OK");
  expect(received).toEqual(["/hook"]);
  await expect(result.getByRole("link", { name: "Allow it in Settings › Allowed destinations" })).toHaveCount(0);

  // A malformed entry is refused in words.
  await section.getByLabel("Host, IP address or CIDR range").fill("http://127.0.0.3:8080/x");
  await section.getByRole("button", { name: "Allow destination" }).click();
  await expect(section.getByRole("alert")).toHaveText("Enter the host alone (such as localhost or 10.1.2.3), not a URL");

  // The change is in the audit log, and removing the entry refuses again.
  await settings.goto("/audit-log");
  await expect(settings.getByRole("row", { name: /allowed_destination\.added 127\.0\.0\.2/ })).toBeVisible();
  await settings.goto("/settings");
  await settings.getByRole("button", { name: "Remove 127.0.0.2" }).click();
  await expect(settings.getByRole("status").filter({ hasText: "127.0.0.2 is no longer allowed." })).toBeVisible();
  await page.getByRole("button", { name: "Test send" }).click();
  await expect(result).toContainText("is a loopback address");
  expect(received).toEqual(["/hook"]);
});
