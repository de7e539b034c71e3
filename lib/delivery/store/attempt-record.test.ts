// What the delivery log keeps of a request: the headers ticked secret masked by the names the renderer
// put on the request (whatever they are called), Authorization and the signature too.
import { describe, expect, it } from "vitest";
import { renderWebhookRequest } from "../../webhooks/render-request";
import { maskedRequest } from "./attempt-record";

describe("maskedRequest", () => {
  it("masks a header ticked secret under any name, credential-named headers and the signature", () => {
    const rendered = renderWebhookRequest(
      {
        method: "POST",
        url: "https://crm:pw-123456@crm.example.com/hook",
        contentType: "application/json",
        fields: [],
        headers: [
          { name: "X-Customer", value: "cust-token-42", secret: true },
          { name: "X-Plain", value: "shown" },
        ],
        signingSecrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
      },
      { user: { id: "u1", email: null, attributes: {} }, now: new Date() } as never,
      { webhookId: "msg_1", timestamp: new Date() },
    );
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
    const headers = Object.fromEntries(maskedRequest(rendered.request).headers);
    expect(headers).toMatchObject({ "X-Customer": "••••", "X-Plain": "shown", Authorization: "Basic ••••", "webhook-signature": "v1,••••" });
    expect(JSON.stringify(maskedRequest(rendered.request))).not.toMatch(/cust-token-42|pw-123456/);
  });
});
