// What a response echoes of its request's secrets is masked by one rule (maskEchoedSecrets): every part
// of the request its display masks (maskRequest: secret headers, secret query values and fields, a
// hook's secret path, a URL's password), whole, and the parts a receiver may echo apart (a scheme's
// token, a cookie's pairs). A receiver that echoes its request is the threat.
import { describe, expect, it } from "vitest";
import { maskEchoedSecrets } from "./echoed-secrets";
import type { BuiltRequest } from "./types";

const request = (over: Partial<BuiltRequest>): BuiltRequest => ({ method: "POST", url: "http://127.0.0.1:4600/echo", headers: [["content-type", "application/json"]], body: "{}", ...over });
const echo = (req: BuiltRequest, body: string) => maskEchoedSecrets(req, { body }).body;

describe("a secret header value with a space", () => {
  it("is masked whole, whatever its shape (not only the token after its first space)", () => {
    const req = request({ headers: [["X-Api-Key", "PRIMARYKEY777 backup"]] });
    expect(echo(req, '{"x-api-key":"PRIMARYKEY777 backup"}')).toBe('{"x-api-key":"••••"}');
    // form-encoded (+ for the space) and percent-encoded echoes too
    expect(echo(req, "k=PRIMARYKEY777+backup&n=1")).toBe("k=••••&n=1");
    expect(echo(req, "k=PRIMARYKEY777%20backup&n=1")).toBe("k=••••&n=1");
  });

  it("a cookie is masked whole, and each pair and value a receiver may echo apart; a short value ('en') is left", () => {
    const req = request({ headers: [["Cookie", "sid=COOKIESESSION99; lang=en"]] });
    expect(echo(req, '{"cookie":"sid=COOKIESESSION99; lang=en"}')).toBe('{"cookie":"••••"}');
    expect(echo(req, '{"cookies":{"sid":"COOKIESESSION99","lang":"en"}}')).toBe('{"cookies":{"sid":"••••","lang":"en"}}');
    expect(echo(req, "Cookie sid=COOKIESESSION99 seen")).toBe("Cookie •••• seen");
    expect(echo(req, '{"lang":"en","lang=en":true}')).toBe('{"lang":"en","lang=en":true}');
  });

  it("a scheme's token is still masked alone, the scheme's word is not", () => {
    const req = request({ headers: [["Authorization", "Bearer tok_abc123XYZ"]] });
    expect(echo(req, "got Bearer tok_abc123XYZ, token tok_abc123XYZ, a Bearer scheme")).toBe("got ••••, token ••••, a Bearer scheme");
  });

  it("a header ticked secret by name, its value with spaces", () => {
    const req = request({ headers: [["X-Customer", "cust 4242 ZZTOP"]], secretHeaders: ["X-Customer"] });
    expect(echo(req, '{"h":"cust 4242 ZZTOP"}')).toBe('{"h":"••••"}');
  });
});

describe("secrets in the query and the fields", () => {
  it("a secret-named query value echoed in the body, as sent and URL-encoded (a form echo of the URL)", () => {
    const req = request({ url: "http://127.0.0.1:4600/echo?api_key=ECHOQUERYSECRET&city=Paris" });
    expect(echo(req, '{"url":"/echo?api_key=ECHOQUERYSECRET&city=Paris"}')).toBe('{"url":"/echo?api_key=••••&city=Paris"}');
    expect(echo(req, "url=%2Fechoenc%3Fapi_key%3DECHOQUERYSECRET")).toBe("url=%2Fechoenc%3Fapi_key%3D••••");
    // a response header too
    expect(maskEchoedSecrets(req, { headers: [["x-echo-url", "/echo?api_key=ECHOQUERYSECRET"]] }).headers).toEqual([["x-echo-url", "/echo?api_key=••••"]]);
  });

  it("a query value with symbols, sent percent-encoded: echoed decoded, as encodeURIComponent writes it and with + for its space", () => {
    const req = request({ url: `http://127.0.0.1:4600/echo?token=${encodeURIComponent("s3cr3t/v+al ue")}` });
    for (const written of ["s3cr3t/v+al ue", encodeURIComponent("s3cr3t/v+al ue"), "s3cr3t%2Fv%2Bal+ue", "s3cr3t\\/v+al ue"]) {
      expect(echo(req, `{"token":"${written}"}`), written).toBe('{"token":"••••"}');
    }
  });

  it("a secret-named JSON field and form field, echoed", () => {
    const json = request({ body: JSON.stringify({ client_secret: "FIELDSECRET42", nested: { auth: { pin: 987654 } }, city: "Paris" }) });
    expect(echo(json, '{"json":{"client_secret":"FIELDSECRET42","nested":{"auth":{"pin":987654}},"city":"Paris"}}')).toBe(
      '{"json":{"client_secret":"••••","nested":{"auth":{"pin":••••}},"city":"Paris"}}',
    );
    const form = request({ headers: [["content-type", "application/x-www-form-urlencoded"]], body: "password=FORMPASSWORD9&city=Paris" });
    expect(echo(form, '{"form":{"password":"FORMPASSWORD9","city":"Paris"}}')).toBe('{"form":{"password":"••••","city":"Paris"}}');
    expect(echo(form, "password=FORMPASSWORD9&city=Paris")).toBe("password=••••&city=Paris");
  });

  it("a hook's secret path and a URL's password in a field, echoed", () => {
    const slack = request({ url: "https://hooks.slack.com/services/T0001/B0002/XXXXXXXXYYYY" });
    expect(echo(slack, '{"path":"/services/T0001/B0002/XXXXXXXXYYYY"}')).toBe('{"path":"/services/••••"}');
    const callback = request({ body: JSON.stringify({ callback: "https://bob:CALLBACKPW77@cb.example.com/x" }) });
    expect(echo(callback, "got https://bob:CALLBACKPW77@cb.example.com/x")).toBe("got https://bob:••••@cb.example.com/x");
  });

  it("what the display shows leaves the response as it is: data under plain names, short secret values (masking them would garble the body)", () => {
    const req = request({ url: "http://127.0.0.1:4600/echo?city=Paris&page=123456&token=abc", body: JSON.stringify({ email: "mary@example.com", plan: "premium" }) });
    const body = '{"url":"/echo?city=Paris&page=123456&token=abc","json":{"email":"mary@example.com","plan":"premium"},"abc":1}';
    expect(echo(req, body)).toBe(body);
  });
});

describe("echoes a receiver decodes or cuts", () => {
  it("a percent-encoded cookie value echoed decoded (a framework's parsed cookies) is masked, as a query value's is", () => {
    const req = request({ headers: [["Cookie", "sid=SESS%20VALUE123; lang=en"]] });
    expect(echo(req, '{"cookies":{"sid":"SESS VALUE123","lang":"en"}}')).toBe('{"cookies":{"sid":"••••","lang":"en"}}');
    expect(echo(req, "sid=SESS VALUE123")).toBe("••••");
    expect(echo(req, '{"cookies":{"sid":"SESS%20VALUE123"}}')).toBe('{"cookies":{"sid":"••••"}}');
  });

  it("a body cut at its size limit in the middle of a JSON-escaped or percent-encoded secret: its first part is masked too", () => {
    const req = request({ headers: [["X-Api-Key", "abc/def/ghi/jkl"]] });
    const cut = (body: string) => maskEchoedSecrets(req, { body, bodyTruncated: true }).body;
    expect(cut('{"key":"abc\\/def\\/gh')).toBe('{"key":"••••');
    expect(cut("key=abc%2Fdef%2Fgh")).toBe("key=••••");
    // as sent, as before
    expect(cut('{"key":"abc/def/gh')).toBe('{"key":"••••');
    // a body that was not cut keeps what only starts like a secret
    expect(maskEchoedSecrets(req, { body: '{"key":"abc\\/def\\/gh' }).body).toBe('{"key":"abc\\/def\\/gh');
  });
});

describe("a request with more secrets than are looked for in its response", () => {
  it("past the cap the response body is replaced by a note and its headers masked, never shown with secrets unmasked", () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ token: `tok-${i}/secret` }));
    const req = request({ body: JSON.stringify({ items }) });
    const masked = maskEchoedSecrets(req, { body: JSON.stringify({ json: { items } }), bodyTruncated: true, headers: [["content-type", "application/json"], ["x-echo", "tok-7/secret"]] as [string, string][] });
    expect(masked.body).toBe("response hidden: the request carries too many secrets to mask its echo");
    expect(masked.headers).toEqual([["content-type", "application/json"], ["x-echo", "••••"]]);
    expect(masked.bodyTruncated).toBe(false);
  });

  it("and past 64 KiB of secrets in all (three secret fields of 30,000 characters), as a few long ones (a 4 KB cookie of 40 pairs, each pair and value) are not", () => {
    const long = (c: string) => c.repeat(30_000);
    const req = request({ body: JSON.stringify({ a_token: long("a"), b_token: long("b"), c_token: long("c") }) });
    expect(echo(req, `{"got":"${long("a")}"}`)).toBe("response hidden: the request carries too many secrets to mask its echo");
    const cookie = Array.from({ length: 40 }, (_, i) => `c${i}=${"v".repeat(90)}${i}`).join("; ");
    const withCookie = request({ headers: [["Cookie", cookie]] });
    expect(echo(withCookie, `{"c7":"${"v".repeat(90)}7","n":1}`)).toBe('{"c7":"••••","n":1}');
  });

  it("a few secret fields stay masked one by one, the rest of the body shown", () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ token: `tok-${i}/secret`, n: i }));
    const req = request({ body: JSON.stringify({ items }) });
    expect(echo(req, JSON.stringify({ got: items.slice(0, 2) }))).toBe('{"got":[{"token":"••••","n":0},{"token":"••••","n":1}]}');
  });
});

describe("a response whose secrets are more than it may compile patterns for", () => {
  it("secrets past the response's compile budget are still masked as Go's encoding/json writes them (\\u003c, \\u0026, lower case)", () => {
    // fresh secrets each (as per-user values are): a response compiles at most 32 KiB of new patterns
    const stamp = Date.now().toString(36);
    const secrets = Array.from({ length: 30 }, (_, i) => `s3cret<${stamp}>&${i}-go-${"a<b&c>".repeat(40)}`);
    const body = JSON.stringify(Object.fromEntries(secrets.map((s, i) => [`token${i}`, s])));
    const req = request({ body });
    const goStyle = `{${secrets.map((s, i) => `"token${i}":"${s.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026")}"`).join(",")}}`;
    const masked = echo(req, goStyle)!;
    for (const s of secrets) expect(masked).not.toContain(s.slice(0, 20).replace(/</g, "\\u003c"));
    expect(masked).not.toContain(stamp);
  });
});
