// A test send (the editor's Test button) of a webhook whose secret header a receiver echoes in a form
// the request never wrote: without the spaces it was saved with before values were trimmed, or (a
// non-ASCII secret) read as Latin-1 bytes and echoed as UTF-8 mojibake. The response shown, the history
// kept and what the response mapping would save to the user hold the mask, never the secret.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { startReceiver } from "../delivery/testing/receiver";
import { sampleRequestSchema } from "./preview-input";
import { runTestSend } from "./test-sends";

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  // a Node receiver: header bytes read as Latin-1, echoed back in JSON (UTF-8) and in a header
  receiver = await startReceiver((req) => ({ status: 200, headers: { "content-type": "application/json", "x-echo": String(req.headers["x-api-key"]) }, body: JSON.stringify({ key: req.headers["x-api-key"] }) }));
  await db().user.create({ data: { id: "echo-forms-user", attributes: {} } });
});
afterAll(async () => receiver.close());

describe.each([
  ["a value with a trailing space", "trailsecret456 ", "trailsecret456"],
  ["a non-ASCII value", "pässwört-geheim-123", "geheim-123"],
])("a test send of %s", (_label, value, echoed) => {
  it("shows, keeps and maps the echo masked", async () => {
    const input = sampleRequestSchema.parse({
      action: { url: `${receiver.url}/hook`, headers: [{ name: "X-Api-Key", value, secret: true }], responseMapping: [{ path: "$.key", attribute: "crmKey" }] },
      campaign: { name: "Echo" },
      userId: "echo-forms-user",
    });
    const send = await runTestSend(input);
    expect(send.outcome).toBe("delivered");
    expect(JSON.stringify(send)).not.toContain(echoed);
    expect(send.mapping?.set).toEqual({ crmKey: "••••" });
    const stored = JSON.stringify(await db().testSend.findMany());
    expect(stored).not.toContain(echoed);
  });
});
