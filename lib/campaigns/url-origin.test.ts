import { describe, expect, it } from "vitest";
import { savedPasswordNotice } from "./url-origin";

const M = "••••";

describe("savedPasswordNotice (the URL field's word on a saved password)", () => {
  const saved = `https://bob:${M}@crm.example.com/hook`;

  it("says nothing while the mask keeps the password: same fixed origin, path and query free to change", () => {
    expect(savedPasswordNotice(saved, saved, M)).toBeUndefined();
    expect(savedPasswordNotice(`https://bob:${M}@CRM.example.com:443/other/{{user.id}}?x=1`, saved, M)).toBeUndefined();
    // a new password typed over the mask, or no password saved: nothing to lose
    expect(savedPasswordNotice("https://bob:new@elsewhere.example.com/", saved, M)).toBeUndefined();
    expect(savedPasswordNotice(`https://bob:${M}@elsewhere.example.com/`, "https://crm.example.com/hook", M)).toBeUndefined();
  });

  it("a fixed host changed: the host changed", () => {
    expect(savedPasswordNotice(`https://bob:${M}@elsewhere.example.com/hook`, saved, M)).toMatch(/^The host changed/);
    expect(savedPasswordNotice(`http://bob:${M}@crm.example.com/hook`, saved, M)).toMatch(/^The host changed/);
  });

  it("a templated scheme or host never keeps it, even unchanged: says so instead of 'the host changed'", () => {
    const templatedScheme = `{{user.scheme}}://bob:${M}@crm.example.com/hook`;
    expect(savedPasswordNotice(templatedScheme, templatedScheme, M)).toMatch(/^The URL's scheme or host is a template/);
    expect(savedPasswordNotice(`https://bob:${M}@{{user.region}}.example.com/hook`, saved, M)).toMatch(/^The URL's scheme or host is a template/);
  });
});
