// What a response echoes of its request's secrets is masked by one rule (maskEchoedSecrets): every part
// of the request its display masks (maskRequest: secret headers, secret query values and fields, a
// hook's secret path, a URL's password), whole, and the parts a receiver may echo apart (a scheme's
// token, a cookie's pairs). A receiver that echoes its request is the threat.
import { describe, expect, it } from "vitest";
import { maskEchoedSecrets } from "./mask";
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
