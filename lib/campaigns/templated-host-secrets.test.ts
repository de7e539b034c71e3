// A stored literal secret (URL credentials, a secret header's value) is kept only for a fixed host:
// saveCampaign (every save: the editor, the API) refuses one when the URL's scheme, host or port is a
// template, naming the field; a test send of such a draft sends nothing and says why; the preview says
// it too. A receiver on 127.0.0.1 whose address the sample user's data names proves nothing leaves.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { saveCampaign } from "./campaigns";
import { campaignDraftSchema } from "./schemas";
import { SecretHostError } from "./fixed-host-secrets";
import { sampleRequestSchema, type SampleRequest } from "./preview-input";
import { previewAction } from "./preview";
import { runTestSend } from "./test-sends";

let received: { url: string; headers: IncomingMessage["headers"] }[] = [];
let server: Server;
let host = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ url: req.url!, headers: req.headers });
    req.resume().on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  await db().user.create({ data: { id: "ths-u1", attributes: { host, token: "t0k" } } });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const draft = (actions: unknown[]) => campaignDraftSchema.parse({ name: "Secrets", actions });
const sample = (action: SampleRequest["action"]) => sampleRequestSchema.parse({ action, campaign: { name: "Test" }, userId: "ths-u1" });

async function refusal(actions: unknown[]): Promise<Record<string, string>> {
  const before = await db().action.count();
  const err = await saveCampaign(draft(actions)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SecretHostError);
  expect(await db().action.count()).toBe(before);
  return (err as SecretHostError).fieldErrors;
}

describe("saveCampaign: a stored secret needs a fixed host", () => {
  it("refuses a URL password at a templated host, at the URL field", async () => {
    const errors = await refusal([{ url: "http://alice:pwSECRET1234@{{{userAttribute.host}}}/x" }]);
    expect(errors).toEqual({ "actions.0.url": expect.stringMatching(/password in the URL is kept only for a fixed host: this URL.s scheme, host or port is a template/) });
  });

  it("refuses a secret header's value, at the header's value, in a variant too", async () => {
    const header = { name: "X-Secret", value: "hdrSECRET5678", secret: true };
    expect(await refusal([{ url: "http://{{{userAttribute.host}}}/x", headers: [header] }])).toEqual({
      "actions.0.headers.0.value": expect.stringMatching(/secret header "X-Secret" keeps its value only for a fixed host/),
    });
    expect(await refusal([{ url: "https://api.example.com", splitPercent: 50, variants: [{ url: "https://{{user.crm}}:8443/x", splitPercent: 50, headers: [header] }] }])).toEqual({
      "actions.0.variants.0.headers.0.value": expect.stringMatching(/fixed host/),
    });
  });

  it("keeps a secret header whose value is a template of the data, and literal secrets at a fixed host", async () => {
    await saveCampaign(draft([{ url: "http://{{{userAttribute.host}}}/x", headers: [{ name: "Authorization", value: "Bearer {{userAttribute.token}}", secret: true }] }]));
    await saveCampaign(draft([{ url: "http://alice:pw@api.example.com/{{user.id}}", headers: [{ name: "X-Secret", value: "s", secret: true }] }]));
  });
});

describe("test send and preview of a draft with a secret at a templated host", () => {
  const typed = { url: "http://alice:pwSECRET1234@{{{userAttribute.host}}}/x", headers: [{ name: "X-Secret", value: "hdrSECRET5678", secret: true }] };

  it("a test send sends nothing and says why", async () => {
    received = [];
    const send = await runTestSend(sample(typed));
    expect(received).toEqual([]);
    expect(send.error).toMatch(/fixed host/);
    expect(JSON.stringify(send)).not.toContain("SECRET");
  });

  it("the preview shows why at the fields", async () => {
    const preview = await previewAction(sample(typed));
    expect(preview.request).toBeNull();
    expect(JSON.stringify(preview)).toMatch(/fixed host/);
  });

  it("a test send of a template of the data sends it", async () => {
    received = [];
    const send = await runTestSend(sample({ url: "http://{{{userAttribute.host}}}/token", headers: [{ name: "Authorization", value: "Bearer {{userAttribute.token}}", secret: true }] }));
    expect(send.error).toBeNull();
    expect(received.map((r) => r.headers.authorization)).toEqual(["Bearer t0k"]);
  });
});
