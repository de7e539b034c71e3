// A receiver that echoes its request (httpbin, a debug endpoint) answers with the secrets it was sent.
// An editor may test-send a saved webhook with its masked secrets to its saved URL, which may echo
// (the secret resolver keeps them only there; another path of the same origin gets none): what comes
// back, and what a viewer reads in the test-send history, must not hold the admin's password or secret
// header. Real receiver on 127.0.0.1 (found by a review).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { apiKeyHeaders } from "@/lib/api/testing";
import { memberCookies } from "@/test/sessions";
import { POST as create } from "@/app/api/v1/campaigns/route";
import { GET as listTests, POST as testSend } from "./route";

const PASSWORD = "adminPw-93x";
const KEY = "sk_live_SECRETHEADER42";
let server: http.Server;
let port = 0;
let cookies: Awaited<ReturnType<typeof memberCookies>>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-echo": String(req.headers["x-key"] ?? "") });
    res.end(req.url === "/echo" ? JSON.stringify({ headers: req.headers }) : "{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
  cookies = await memberCookies();
  await db().user.create({ data: { id: "u1", attributes: {} } });
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

it("an editor's test send to an echoing path shows no stored secret, nor does the history a viewer reads", async () => {
  const res = await create(
    new Request("http://127.0.0.1/api/v1/campaigns", {
      method: "POST",
      headers: { ...(await apiKeyHeaders("admin")), "content-type": "application/json" },
      body: JSON.stringify({ name: "crm", actions: [{ name: "CRM", url: `http://bob:${PASSWORD}@127.0.0.1:${port}/echo`, headers: [{ name: "X-Key", value: KEY, secret: true }] }] }),
    }),
    { params: Promise.resolve({}) },
  );
  expect(res.status).toBe(201);
  const campaign = (await res.json()) as { id: string; actions: { id: string; url: string }[] };
  const action = campaign.actions[0]!;
  const sent = await testSend(
    new Request("http://127.0.0.1/api/test-sends", {
      method: "POST",
      headers: { cookie: cookies.editor, origin: "http://127.0.0.1", "content-type": "application/json" },
      body: JSON.stringify({ action, campaign: { id: campaign.id, name: "crm" }, userId: "u1" }),
    }),
  );
  expect(sent.status).toBe(200);
  const shown = await sent.text();
  // the stored secrets were sent (the receiver echoed something) ...
  const echoed = JSON.parse((JSON.parse(shown) as { response: { body: string } }).response.body) as { headers: Record<string, string> };
  // masked whole, the scheme with it
  expect(echoed.headers).toMatchObject({ authorization: "••••", "x-key": "••••" });
  const history = await (await listTests(new Request(`http://127.0.0.1/api/test-sends?actionId=${action.id}`, { headers: { cookie: cookies.viewer } }))).text();
  expect(history).toContain("x-key");
  // ... and neither answer holds them, in any form
  const basic = Buffer.from(`bob:${PASSWORD}`).toString("base64");
  for (const text of [shown, history]) for (const secret of [KEY, basic, PASSWORD]) expect(text).not.toContain(secret);
});
