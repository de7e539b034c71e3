import { describe, expect, it } from "vitest";
import { leavingClickHref, samePage } from "./leaving-click";

const here = "http://app.test/campaigns/c1";
const plain = { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, defaultPrevented: false };
const link = (href: string, more: { target?: string; download?: boolean } = {}) => ({ href, target: more.target ?? "", download: more.download ?? false });

describe("which link clicks leave the page", () => {
  it("a plain click on a link to another page of the app leaves it, for that page", () => {
    expect(leavingClickHref(plain, link("/campaigns"), here)).toBe("http://app.test/campaigns");
    expect(leavingClickHref(plain, link("http://app.test/settings"), here)).toBe("http://app.test/settings");
    expect(leavingClickHref(plain, link("/campaigns", { target: "_self" }), here)).toBe("http://app.test/campaigns");
  });

  it("a link to another site leaves it too", () => {
    expect(leavingClickHref(plain, link("https://docs.example.com/webhooks"), here)).toBe("https://docs.example.com/webhooks");
  });

  it("a click that opens a new tab or window, or downloads, does not", () => {
    for (const modifier of ["metaKey", "ctrlKey", "shiftKey", "altKey"] as const) {
      expect(leavingClickHref({ ...plain, [modifier]: true }, link("/campaigns"), here)).toBeNull();
    }
    expect(leavingClickHref({ ...plain, button: 1 }, link("/campaigns"), here)).toBeNull();
    expect(leavingClickHref(plain, link("/campaigns", { target: "_blank" }), here)).toBeNull();
    expect(leavingClickHref(plain, link("/campaigns", { target: "preview" }), here)).toBeNull();
    expect(leavingClickHref(plain, link("/api/deliveries/export", { download: true }), here)).toBeNull();
  });

  it("a link to a place on this page, or to this page, does not", () => {
    expect(leavingClickHref(plain, link("#delivery"), here)).toBeNull();
    expect(leavingClickHref(plain, link("/campaigns/c1#delivery"), here)).toBeNull();
    expect(leavingClickHref(plain, link("/campaigns/c1"), `${here}#top`)).toBeNull();
    // the page's own filters (the delivery log keeps them in the query) stay on it
    expect(leavingClickHref(plain, link("/campaigns/c1?state=failed"), here)).toBeNull();
  });

  it("a click something else already handled, or a link that is no address (mailto:, javascript:), does not", () => {
    expect(leavingClickHref({ ...plain, defaultPrevented: true }, link("/campaigns"), here)).toBeNull();
    expect(leavingClickHref(plain, link("mailto:ops@example.com"), here)).toBeNull();
    expect(leavingClickHref(plain, link("tel:+331234"), here)).toBeNull();
    expect(leavingClickHref(plain, link("javascript:void(0)"), here)).toBeNull();
  });
});

describe("samePage", () => {
  it("is the same path on the same site, whatever the query or hash", () => {
    expect(samePage("http://app.test/campaigns/c1?state=failed#log", here)).toBe(true);
    expect(samePage("http://app.test/campaigns", here)).toBe(false);
    expect(samePage("http://other.test/campaigns/c1", here)).toBe(false);
  });
});
