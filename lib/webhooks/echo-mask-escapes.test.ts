// A receiver may write any character of an echoed secret as a \uXXXX escape, letters and digits
// included ("\u0048DRSECRET..." is "HDRSECRET..." to every JSON reader): the response is matched in its
// decoded form too, so the body shown, the header kept and every value a mapping reads hold no secret
// the request sent. A mapped number that reads as a secret (1.2345678e7 for "12345678") neither.
import { describe, expect, it } from "vitest";
import { maskEchoedSecrets } from "./echoed-secrets";
import { applyResponseMapping } from "./response-mapping";
import type { BuiltRequest } from "./types";

const SECRET = "HDRSECRETqq8877";
const request = (over: Partial<BuiltRequest> = {}): BuiltRequest => ({ method: "POST", url: "http://127.0.0.1:4003/crm/u1", headers: [["content-type", "application/json"], ["X-Api-Key", SECRET]], body: "{}", secretHeaders: ["X-Api-Key"], ...over });
const echo = (body: string, req = request()) => maskEchoedSecrets(req, { body }).body!;
const escapeAll = (s: string, upper = false) => [...s].map((c) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")).map((e) => (upper ? e.toUpperCase().replaceAll("\\U", "\\u") : e)).join("");
// every spelling a reader decodes: JSON's escapes, then percent-encoding
const decoded = (text: string) => JSON.parse(`"${text.replace(/"/g, '\\"').replace(/\\(?![\\/bfnrtu"])/g, "\\\\")}"`) as string;

describe("a secret echoed with its letters and digits \\u-escaped", () => {
  it("one letter escaped (\\u0048 for the H) is masked; JSON readers get the mask", () => {
    const body = echo('{"u":"\\u0048DRSECRETqq8877"}');
    expect(body).toBe('{"u":"••••"}');
    expect(JSON.parse(body).u).toBe("••••");
  });

  it("every character escaped, in either case of hex, and inside a longer value", () => {
    expect(echo(`{"u":"${escapeAll(SECRET)}"}`)).toBe('{"u":"••••"}');
    expect(echo(`{"u":"${escapeAll(SECRET, true)}"}`)).toBe('{"u":"••••"}');
    expect(echo(`{"u":"key=${escapeAll(SECRET.slice(0, 5))}${SECRET.slice(5)};x"}`)).toBe('{"u":"key=••••;x"}');
  });

  it("a secret beyond the Basic Multilingual Plane: its surrogate pair escaped beside an escaped letter", () => {
    const secret = "pass😀word99";
    const req = request({ headers: [["content-type", "application/json"]], body: JSON.stringify({ client_secret: secret }) });
    const body = echo('{"echo":"\\u0070ass\\ud83d\\ude00word99","ok":true}', req);
    expect(body).toBe('{"echo":"••••","ok":true}');
    expect(JSON.stringify(JSON.parse(body))).not.toContain("word99");
  });

  it("escaped inside a key: the key is masked", () => {
    const body = echo('{"\\u0048DRSECRETqq8877":1,"other":"kept"}');
    expect(body).toBe('{"••••":1,"other":"kept"}');
    expect(Object.keys(JSON.parse(body))).toEqual(["••••", "other"]);
  });

  it("a JSON key written twice: the value JSON.parse drops is masked too (the log shows the text)", () => {
    const body = echo('{"u":"\\u0048DRSECRETqq8877","u":"ok"}');
    expect(decoded(body)).not.toContain(SECRET);
  });

  it("mixed with the other escapes JSON has (\\/ and \\u for a symbol) and in a body that is not JSON", () => {
    const req = request({ headers: [["X-Api-Key", "abc/defGHI"]] });
    expect(echo('{"k":"\\u0061bc\\/def\\u0047HI"}', req)).toBe('{"k":"••••"}');
    expect(echo("key: \\u0061bc\\u002fdefGHI; done", req)).toBe("key: ••••; done");
    expect(echo("<p>\\u0048DRSECRETqq8877</p>")).toBe("<p>••••</p>");
  });

  it("an escaped backslash before a u is JSON's backslash, not an escape: what JSON reads is what is matched", () => {
    // "\\u0048DR..." reads as \u0048DR...: no secret in it, nothing masked
    const body = '{"u":"\\\\u0048DRSECRETqq8877"}';
    expect(echo(body)).toBe(body);
  });

  it("a body with escapes and no secret is left exactly as written (not re-serialised)", () => {
    const body = '{ "name": "\\u00c9lodie", "city":"Z\\u00fcrich" }';
    expect(echo(body)).toBe(body);
  });

  it("a response header's value with the secret split by escapes", () => {
    const masked = maskEchoedSecrets(request(), { headers: [["x-echo", "key HDRSEC\\u0052ETqq8877 seen"], ["content-type", "application/json"]] });
    expect(masked.headers).toEqual([["x-echo", "key •••• seen"], ["content-type", "application/json"]]);
  });

  it("a body cut at its size limit inside an escaped secret: its first part is masked", () => {
    const masked = maskEchoedSecrets(request(), { body: '{"u":"\\u0048DRSECRE', bodyTruncated: true });
    expect(masked.body).toBe('{"u":"••••');
    // cut in the middle of the next escape
    expect(maskEchoedSecrets(request(), { body: '{"u":"\\u0048DRSECRE\\u00', bodyTruncated: true }).body).toBe('{"u":"••••');
    // not cut: what only starts like the secret is kept
    expect(maskEchoedSecrets(request(), { body: '{"u":"\\u0048DRSECRE' }).body).toBe('{"u":"\\u0048DRSECRE');
  });

  it("what a mapping saves from it is the mask, never the secret", () => {
    const body = echo('{"u":"\\u0048DRSECRETqq8877"}');
    const mapped = applyResponseMapping(body, "application/json", [{ path: "$.u", attribute: "crmEcho" }]);
    expect(mapped.set).toEqual({ crmEcho: "••••" });
  });
});

describe("a mapped value that is a secret once converted to its type", () => {
  const numeric = request({ headers: [["content-type", "application/json"], ["X-Api-Key", "12345678"]] });
  const spellings = ['{"n":1.2345678e7}', '{"n":"1.2345678e7"}', '{"n":"0xBC614E"}', '{"n":" +1234.5678e4 "}', '{"n":-1.2345678e7}', '{"n":12345.678e3,"m":"\\u0031"}'];

  it.each(spellings)("%s: a number or text attribute reads the mask, not 12345678", (written) => {
    const body = echo(written, numeric);
    for (const type of ["number", "string", undefined] as const) {
      const mapped = applyResponseMapping(body, "application/json", [{ path: "$.n", attribute: "n", ...(type ? { type } : {}) }]);
      expect(String(mapped.set.n ?? "")).not.toContain("12345678");
    }
    expect(body).toContain("••••");
  });

  it("other numbers in the body are kept as written", () => {
    const body = '{"n":1.5e3,"id":"0x1F","when":1700000000}';
    expect(echo(body, numeric)).toBe(body);
  });

  it("a number that only holds the secret's digits among others is not it: an order id beside a PIN is kept", () => {
    // 0x8B3640 is 9123456, whose digits hold a PIN 123456: the order id is not the PIN (review)
    const pin = request({ headers: [["content-type", "application/json"], ["X-Pin", "123456"]], secretHeaders: ["X-Pin"] });
    const body = '{"orderId":"0x8B3640"}';
    expect(echo(body, pin)).toBe(body);
    expect(echo('{"pin":"0x1E240"}', pin)).toContain("••••");
  });

  it("a signed secret is the number sign aside; one with leading zeros is no number's spelling (as 1 it would mask every 1)", () => {
    const signed = request({ headers: [["content-type", "application/json"], ["X-Pin", "-123456"]], secretHeaders: ["X-Pin"] });
    expect(echo('{"n":"0x1E240"}', signed)).toContain("••••");
    const zeros = request({ headers: [["content-type", "application/json"], ["X-Pin", "0001"]], secretHeaders: ["X-Pin"] });
    expect(echo('{"count":1,"n":"0x1"}', zeros)).toBe('{"count":1,"n":"0x1"}');
  });
});

describe("a secret echoed with its letters percent-encoded or as HTML character references", () => {
  it("%48 for the H, every byte encoded (either case), &#72; and &#x48;: masked where written", () => {
    expect(echo("k=%48DRSECRETqq8877&n=1")).toBe("k=••••&n=1");
    expect(echo(`k=${[...Buffer.from(SECRET)].map((b) => `%${b.toString(16)}`).join("")}&n=1`)).toBe("k=••••&n=1");
    expect(echo(`k=${[...Buffer.from(SECRET)].map((b) => `%${b.toString(16).toUpperCase()}`).join("")}`)).toBe("k=••••");
    expect(echo("<b>&#72;DRSECRETqq8877</b> <i>&#x48;DRSECRET&#113;q8877</i>")).toBe("<b>••••</b> <i>••••</i>");
  });

  it("a character beyond ASCII percent-encoded as its UTF-8 bytes beside an encoded letter", () => {
    const req = request({ headers: [["content-type", "application/json"]], body: JSON.stringify({ client_secret: "pass😀word99" }) });
    expect(echo(`got=%70ass${encodeURIComponent("😀")}word99;`, req)).toBe("got=••••;");
  });

  it("a body whose escapes hold no secret is left as written: URLs, entities, a stray %", () => {
    const body = '{"next":"https://x.example/a%2Fb?q=%41%42c","html":"&#72;ello &amp; bye","pct":"100%"}';
    expect(echo(body)).toBe(body);
  });
});
