import { describe, expect, it } from "vitest";
import { fixedPlaceOf, savedPasswordNotice, urlFixedPart, whereSent } from "./url-origin";

const M = "••••";

describe("savedPasswordNotice (the URL field's word on a saved password)", () => {
  const saved = `https://bob:${M}@crm.example.com/hook`;

  it("says nothing while the mask keeps the password: same fixed origin and path (the host's case and default port free)", () => {
    expect(savedPasswordNotice(saved, saved, M)).toBeUndefined();
    expect(savedPasswordNotice(`https://bob:${M}@CRM.example.com:443/hook#top`, saved, M)).toBeUndefined();
    expect(savedPasswordNotice(`https://bob:${M}@crm.example.com/u/{{user.id}}/x`, `https://bob:${M}@crm.example.com/u/{{user.id}}`, M)).toBeUndefined();
    // a new password typed over the mask, or no password saved: nothing to lose
    expect(savedPasswordNotice("https://bob:new@elsewhere.example.com/", saved, M)).toBeUndefined();
    expect(savedPasswordNotice(`https://bob:${M}@elsewhere.example.com/`, "https://crm.example.com/hook", M)).toBeUndefined();
  });

  it("a fixed host changed: the host changed", () => {
    expect(savedPasswordNotice(`https://bob:${M}@elsewhere.example.com/hook`, saved, M)).toMatch(/^The host changed/);
    expect(savedPasswordNotice(`http://bob:${M}@crm.example.com/hook`, saved, M)).toMatch(/^The host changed/);
  });

  it("another path or query at the same host: the save refuses it, and the field says so first", () => {
    for (const url of ["/other", "/hook/", "/hook?x=1", "/Hook", "/%68ook", "/{{user.id}}/hook", "/hook{{user.id}}"]) {
      expect(savedPasswordNotice(`https://bob:${M}@crm.example.com${url}`, saved, M)).toMatch(/^The URL's path or query changed, so the saved password cannot be kept: type it again, or change the URL back/);
    }
  });

  it("a templated scheme or host never keeps it, even unchanged: says so instead of 'the host changed'", () => {
    const templatedScheme = `{{user.scheme}}://bob:${M}@crm.example.com/hook`;
    expect(savedPasswordNotice(templatedScheme, templatedScheme, M)).toMatch(/^The URL's scheme or host is a template/);
    expect(savedPasswordNotice(`https://bob:${M}@{{user.region}}.example.com/hook`, saved, M)).toMatch(/^The URL's scheme or host is a template/);
  });
});

describe("urlFixedPart (the place a stored secret is kept for)", () => {
  it.each([
    ["https://bob:pw@HOOKS.example.com:443/catch/1?team=a#top", "https://hooks.example.com/catch/1?team=a"],
    ["https://hooks.example.com", "https://hooks.example.com/"],
    ["https://hooks.example.com?x=1", "https://hooks.example.com/?x=1"],
    ["https://hooks.example.com/u/{{user.id}}/x?y={{z}}", "https://hooks.example.com/u/{{…"],
    ["https://hooks.example.com/catch/%41", "https://hooks.example.com/catch/%41"],
    ["https://hooks.example.com/a/../b", "https://hooks.example.com/a/../b"],
    ["https://{{user.host}}/x", null],
  ])("%s -> %s", (url, fixed) => {
    expect(urlFixedPart(url)).toBe(fixed);
  });
});

describe("whereSent: parameters of the fixed query named again", () => {
  const place = fixedPlaceOf("https://x.example/api?filter[type]=order&a=1&{{user.id}}");
  const sent = (q: string) => whereSent(place, new URL(`https://x.example/api?filter[type]=order&a=1&${q}`));
  it("another key nested under the same name is another parameter (PHP, Rails): a[x] beside a[y]", () => {
    expect(sent("filter%5Bdate%5D=2024")).toBe("under");
    expect(sent("b=2")).toBe("under");
  });
  it("the same name again, in any case, as a[] or bare beside a[x] (or a[x] beside a) repeats it", () => {
    for (const q of ["filter%5Btype%5D=x", "FILTER%5BTYPE%5D=x", "filter=x", "a=2", "A=2", "a%5B%5D=2", "a%5Bx%5D=2"]) expect([q, sent(q)]).toEqual([q, "repeated"]);
  });
});
