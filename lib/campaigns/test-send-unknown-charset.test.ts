// A response whose Content-Type names a charset TextDecoder does not know (MySQL's `utf8mb4`, `utf_8`,
// `binary`, `none`: receivers send these) is read as UTF-8, as before charsets were decoded: its
// response mapping saves what it answers (a note in place of the body saved nothing), and what it
// echoes of the request's secrets is still masked. A real receiver on 127.0.0.1, through the one sender.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { startReceiver } from "../delivery/testing/receiver";
import { sampleRequestSchema } from "./preview-input";
import { runTestSend } from "./test-sends";

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  // answers with the charset its path names, echoing the request's X-Api-Key
  receiver = await startReceiver((req) => ({
    status: 200,
    headers: { "content-type": `application/json; charset=${req.path.slice(1)}` },
    body: JSON.stringify({ customer: { id: "cus_42", name: "Zoë" }, echo: String(req.headers["x-api-key"] ?? "") }),
  }));
  await db().user.create({ data: { id: "cs1", attributes: { firstName: "Cy" } } });
});
afterAll(async () => receiver.close());

describe("a response in a charset TextDecoder cannot read", () => {
  it.each(["utf8mb4", "utf_8", "binary", "none"])("charset=%s is read as UTF-8: its mapping saves the answer, its echo is masked", async (charset) => {
    const input = sampleRequestSchema.parse({
      action: {
        url: `${receiver.url}/${charset}`,
        headers: [{ name: "X-Api-Key", value: "charset-secret-8812" }],
        responseMapping: [
          { path: "$.customer.id", attribute: "crmId" },
          { path: "$.customer.name", attribute: "crmName" },
        ],
      },
      campaign: { name: "Charset" },
      userId: "cs1",
    });
    const send = await runTestSend(input);
    expect(send.outcome).toBe("delivered");
    expect(send.mapping).toEqual({ set: { crmId: "cus_42", crmName: "Zoë" }, problems: [] });
    expect(JSON.stringify(send)).not.toContain("charset-secret-8812");
    expect(send.response?.body).toContain('"echo":"••••"');
  });
});
