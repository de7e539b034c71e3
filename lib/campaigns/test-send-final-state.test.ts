// A test send's row never stays "sending": whatever fails after the row is reserved, it ends in a
// final state; a header value with a broken character is refused before anything is sent; a
// receiver's NUL byte cannot make the result unstorable (PostgreSQL refuses U+0000).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { saveCampaign } from "./campaigns";
import { sampleRequestSchema, type SampleRequest } from "./preview-input";
import { campaignDraftSchema } from "./schemas";
import { runTestSend } from "./test-sends";

let server: Server;
let base = "";
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end(Buffer.from("before\0after")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await db().user.create({ data: { id: "fs-user", attributes: {} } });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const sample = (action: SampleRequest["action"]) => sampleRequestSchema.parse({ action, campaign: { name: "Test" }, userId: "fs-user" });
const sending = () => db().testSend.count({ where: { outcome: "sending" } });

describe("test sends end in a final state", () => {
  it("stores a response body holding a NUL byte (replaced), on both databases", async () => {
    const send = await runTestSend(sample({ url: `${base}/nul` }));
    expect(send.outcome).toBe("delivered");
    expect(send.response?.body).toBe("before\uFFFDafter");
    expect(await sending()).toBe(0);
  });

  it("refuses a lone surrogate in a header value before sending", async () => {
    const before = hits;
    const send = await runTestSend(sample({ url: `${base}/h`, headers: [{ name: "X-Broken", value: "half \ud800 pair", secret: false }] }));
    expect(send.outcome).toBe("failed");
    expect(send.error).toMatch(/Header "X-Broken" value: A header value cannot contain a broken character/);
    expect(hits).toBe(before);
    expect(await sending()).toBe(0);
  });

  it("a failure after the row is reserved leaves it failed, not sending", async () => {
    const { id } = await saveCampaign(
      campaignDraftSchema.parse({ name: "Secret", actions: [{ url: `${base}/s`, headers: [{ name: "X-Key", value: "k3y", secret: true }] }] }),
    );
    const action = await db().action.findFirstOrThrow({ where: { campaignId: id } });
    // a stored secret that no longer decrypts (say, the key file was replaced)
    const headers = (action.headers as { name: string; value: string; secret?: boolean }[]).map((h) => ({ ...h, value: "v1:broken" }));
    await db().action.update({ where: { id: action.id }, data: { headers } });
    const own = sampleRequestSchema.parse({ action: { id: action.id, url: `${base}/s`, headers: [{ name: "X-Key", value: "••••", secret: true }] }, campaign: { id, name: "Secret" }, userId: "fs-user" });
    await expect(runTestSend(own)).rejects.toThrow();
    const rows = await db().testSend.findMany({ where: { actionId: action.id } });
    expect(rows.map((r) => r.outcome)).toEqual(["failed"]);
    expect(rows[0]!.error).toMatch(/server problem/);
  });
});
