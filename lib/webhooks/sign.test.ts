import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSigningSecret, isSigningSecret, sign, signatureHeader, signedAt } from "./sign";
import type { BuiltRequest } from "./types";

describe("Standard Webhooks signatures", () => {
  it("generates whsec_ secrets of 32 random bytes", () => {
    const a = generateSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(a);
    expect(isSigningSecret(a)).toBe(true);
    expect(isSigningSecret("whsec_short")).toBe(false);
    expect(isSigningSecret("secret")).toBe(false);
  });

  it("matches the specification's example", () => {
    // from the Standard Webhooks specification's test vectors
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const body = '{"test": 2432232314}';
    expect(sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verifies with the official package, body bytes included; rotation sends two", () => {
    const current = generateSigningSecret();
    const previous = generateSigningSecret();
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ name: 'Ma"ry 🎉', city: "São Paulo" });
    const header = signatureHeader([current, previous], "msg_1", ts, body);
    expect(header.split(" ")).toHaveLength(2);
    const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(ts), "webhook-signature": header };
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace("Ma", "Mo"), headers)).toThrow();
  });

  it("signedAt stamps a request with the moment it leaves and signs it again, body untouched", () => {
    const secrets = [generateSigningSecret(), generateSigningSecret()];
    const body = '{"a":1}';
    const request: BuiltRequest = {
      method: "POST",
      url: "https://example.com/h",
      body,
      headers: [["Content-Type", "application/json"], ["webhook-id", "msg_1"], ["webhook-timestamp", "1000"], ["webhook-signature", signatureHeader(secrets, "msg_1", 1000, body)], ["X-Other", "x"]],
    };
    const sent = signedAt(request, secrets, 1_400_999);
    expect(sent.body).toBe(body);
    expect(sent.headers).toEqual([["Content-Type", "application/json"], ["webhook-id", "msg_1"], ["webhook-timestamp", "1400"], ["webhook-signature", signatureHeader(secrets, "msg_1", 1400, body)], ["X-Other", "x"]]);
    // within the same second: the request as it is
    expect(signedAt(request, secrets, 1_000_500)).toBe(request);
    // unsigned: the timestamp only
    const unsigned = { ...request, headers: request.headers.filter(([n]) => n !== "webhook-signature") };
    expect(signedAt(unsigned, [], 1_400_000).headers).toContainEqual(["webhook-timestamp", "1400"]);
    expect(signedAt(unsigned, [], 1_400_000).headers.some(([n]) => n === "webhook-signature")).toBe(false);
  });
});
