import { describe, expect, it } from "vitest";
import { hostForLog, isSecretHeader, maskRequest, maskStoredRequest, toCurl } from "./mask";
import { maskUrlPasswords, splitUrlCredentials, urlHasCredentials } from "./url-credentials";
import type { BuiltRequest } from "./types";

const request: BuiltRequest = {
  method: "POST",
  url: "https://api.example.com/hooks/T0KEN?key=abc",
  headers: [
    ["Content-Type", "application/json; charset=utf-8"],
    ["webhook-id", "msg_1"],
    ["webhook-signature", "v1,abc"],
    ["Authorization", "Basic bWFyeTpzM2NyZXQ="],
    ["X-Api-Key", "k-123"],
    ["X-Auth-Token", "t-123"],
    ["X-Custom", "shown"],
    ["X-Private", "p-123"],
  ],
  body: `{"name":"O'Neil"}`,
};

describe("masking for display", () => {
  it("masks Authorization (keeping the scheme), secret-ish headers and headers marked secret", () => {
    const masked = Object.fromEntries(maskRequest({ ...request, secretHeaders: ["X-Private"] }).headers);
    expect(masked).toMatchObject({
      Authorization: "Basic ••••",
      "X-Api-Key": "••••",
      "X-Auth-Token": "••••",
      "X-Private": "••••",
      "X-Custom": "shown",
      "webhook-id": "msg_1",
      "webhook-signature": "v1,••••",
    });
    expect(JSON.stringify(maskRequest({ ...request, secretHeaders: ["X-Private"] }))).not.toMatch(/bWFyeTpzM2NyZXQ|k-123|t-123|p-123/);
  });

  it.each(["X-Api-Key", "api-key", "X-Auth-Token", "Private-Token", "X-Client-Secret", "Cookie", "Proxy-Authorization", "X-Password"])("%s is secret", (name) => {
    expect(isSecretHeader(name)).toBe(true);
  });
  it.each(["X-Pin", "X-OTP", "pin", "X-OTP-Code", "KC-API-PASSPHRASE", "Authentication", "X-Sentry-Dsn"])("%s is secret (a code only as the whole name)", (name) => {
    expect(isSecretHeader(name)).toBe(true);
  });
  it.each(["X-Author", "Accept", "X-Campaign", "webhook-signature", "X-Request-Id", "X-Pin-Code", "Pin-Code", "X-OTP-Sent", "X-OTP-Enabled"])("%s is not", (name) => {
    expect(isSecretHeader(name)).toBe(false);
  });

  it("gives curl with secrets masked and shell-safe quoting", () => {
    const curl = toCurl(request);
    // a secret-named query value is a credential too (credential-parts.ts)
    expect(curl).toContain("curl -X POST 'https://api.example.com/hooks/T0KEN?key=••••'");
    expect(curl).toContain("-H 'Authorization: Basic ••••'");
    expect(curl).toContain(`--data-raw '{"name":"O'\\''Neil"}'`);
    expect(curl).not.toContain("bWFyeTpzM2NyZXQ");
  });

  it("logs the host only", () => {
    expect(hostForLog("https://user:pw@api.example.com:8443/hooks/T0KEN?key=abc")).toBe("api.example.com:8443");
    expect(hostForLog("not a url")).toBe("(invalid url)");
  });

  it("masks and splits URL passwords", () => {
    expect(splitUrlCredentials("https://api.example.com/x?u=a@b")).toEqual({ url: "https://api.example.com/x?u=a@b", username: "", password: "" });
    // userinfo ends at the last @ of the authority, as a browser reads it: no part of the password stays behind
    expect(splitUrlCredentials("https://mary:s3@cret@api.example.com/x")).toEqual({ url: "https://mary@api.example.com/x", username: "mary", password: "s3@cret" });
    expect(urlHasCredentials("https://mary:s3cret@api.example.com/x")).toBe(true);
    expect(urlHasCredentials("https://api.example.com\\@evil.example/x")).toBe(false);
    expect(urlHasCredentials("https://api.example.com/x?u=a@b")).toBe(false);
    expect(splitUrlCredentials("https://crm%20user:p%40ss@api.example.com/x")).toEqual({ url: "https://crm%20user@api.example.com/x", username: "crm user", password: "p@ss" });
    expect(splitUrlCredentials("https://api.example.com/x")).toEqual({ url: "https://api.example.com/x", username: "", password: "" });
  });
});

describe("a token in a path parameter or in a URL's fragment (maskRequest, maskStoredRequest)", () => {
  const sent: BuiltRequest = {
    method: "POST",
    url: "https://api.example.com/hook;jsessionid=URLSESS1?page=2",
    headers: [["Content-Type", "application/json; charset=utf-8"], ["X-Callback", "https://example.com/cb;token=HDRTOK1"]],
    body: JSON.stringify({ cbf: "https://example.com/cb#access_token=BODYFRAG1&state=s", cbp: "https://example.com/cb;JSESSIONID=BODYSESS1/x" }),
  };

  it("the request shown, its curl and a stored attempt read in clear show none of them; the other parts stay", () => {
    const shown = maskRequest(sent);
    expect(shown.url).toBe("https://api.example.com/hook;jsessionid=••••?page=2");
    expect(JSON.parse(shown.body!)).toEqual({ cbf: "https://example.com/cb#access_token=••••&state=s", cbp: "https://example.com/cb;JSESSIONID=••••/x" });
    expect(Object.fromEntries(shown.headers)["X-Callback"]).toBe("https://example.com/cb;token=••••");
    for (const text of [JSON.stringify(shown), toCurl(sent), JSON.stringify(maskStoredRequest(sent))]) expect(text).not.toMatch(/URLSESS1|HDRTOK1|BODYFRAG1|BODYSESS1/);
  });
});

describe("maskUrlPasswords", () => {
  it("masks every password in a URL template, wherever the template puts it", () => {
    expect(maskUrlPasswords("{{#if true}}https://u:s3cret@api.example.com/x{{/if}}")).toBe("{{#if true}}https://u:••••@api.example.com/x{{/if}}");
    expect(maskUrlPasswords("https://crm:pw@a.example.com/a?next=https://x:y@b.example.com")).toBe("https://crm:••••@a.example.com/a?next=https://x:••••@b.example.com");
    // a user name without a password is the credential itself (isCredentialUser); a {{ }} one is data
    expect(maskUrlPasswords("https://crm@a.example.com/{{user.id}}")).toBe("https://••••@a.example.com/{{user.id}}");
    expect(maskUrlPasswords("https://{{user.login}}@a.example.com/")).toBe("https://{{user.login}}@a.example.com/");
    expect(maskUrlPasswords("https://a.example.com:8443/x")).toBe("https://a.example.com:8443/x");
    expect(maskUrlPasswords("{{user.scheme}}://bob:s3cret@crm.example.com/x")).toBe("{{user.scheme}}://bob:••••@crm.example.com/x");
    expect(maskUrlPasswords("{{{user.base}}}bob:s3cret@crm.example.com/x")).toBe("{{{user.base}}}bob:••••@crm.example.com/x");
    expect(maskUrlPasswords("{{{user.base}}}/x?to=mailto:bob@example.com")).toBe("{{{user.base}}}/x?to=mailto:bob@example.com");
  });

  it("a password holding '@' is masked whole: the host starts after the last '@' before the path, query or fragment", () => {
    expect(maskUrlPasswords("https://bob:P@ssw0rd@host.example/x")).toBe("https://bob:••••@host.example/x");
    expect(maskUrlPasswords("https://bob:a@b@c@host.example")).toBe("https://bob:••••@host.example");
    // an '@' in the query is not the userinfo's
    expect(maskUrlPasswords("https://bob:pw@host.example?to=x@y.example")).toBe("https://bob:••••@host.example?to=x@y.example");
    expect(maskUrlPasswords("see https://bob:pw@a.example and mail me@b.example")).toBe("see https://bob:••••@a.example and mail me@b.example");
  });
});

describe("a bare user name holding '@' (a browser reads the user name up to the last '@' before the path)", () => {
  it("is masked whole in a URL written in a value, and gathered for echo masking as written and decoded", async () => {
    const { hiddenBy } = await import("./hidden-parts");
    expect(maskUrlPasswords("https://sk_live@abc123@b.example.com/x")).toBe("https://••••@b.example.com/x");
    expect(maskUrlPasswords("see https://sk_live@abc123:@b.example.com/x?to=a@c.example")).toBe("see https://••••@b.example.com/x?to=a@c.example");
    // a name holding '@' beside a password: the password is masked
    expect(maskUrlPasswords("https://a@b:s3cret@c.example.com/x")).not.toContain("s3cret");
    const hidden = hiddenBy(() => maskUrlPasswords("https://sk_live%40abc123@b.example.com/x"));
    expect(hidden).toContain("sk_live%40abc123");
    expect(hidden).toContain("sk_live@abc123");
  });

  it("is masked whole in a field and a header holding the URL", async () => {
    const { maskCredentialWebhook } = await import("./credential-parts");
    const value = "https://sk_live@abc123@b.example.com/x";
    const shown = maskCredentialWebhook({ url: "https://a.example.com", fields: [{ key: "cb", value }], headers: [{ name: "X-Cb", value }] } as Parameters<typeof maskCredentialWebhook>[0]);
    expect(JSON.stringify(shown)).not.toContain("abc123");
    expect(JSON.stringify(shown)).not.toContain("sk_live");
  });
});
