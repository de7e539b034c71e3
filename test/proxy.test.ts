// proxy.ts, in front of every page and route: an address holding %00 is a 400 before any page or
// route reads it (/users?q=%00, /users?cursor=%00 and /campaigns/%00 were 500 pages on PostgreSQL,
// which cannot compare with U+0000), JSON for /api, a short text otherwise; other addresses pass.
import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";

const ORIGIN = "http://127.0.0.1:3000";
const signedIn = { cookie: "hookline.session_token=some.value" };
const open = (path: string, headers: Record<string, string> = signedIn) => proxy(new NextRequest(`${ORIGIN}${path}`, { headers }));

describe("proxy: %00 in the address", () => {
  it("is a 400 page for pages, naming the path or the query parameter", async () => {
    for (const [path, where] of [["/users?q=%00", "q"], ["/users?cursor=a%00", "cursor"], ["/campaigns/%00", "path"], ["/campaigns/x%00y/deliveries", "path"], ["/users?%00=1", "query"]]) {
      const res = open(path!);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/plain/);
      expect(await res.text(), path).toBe(`Bad request: ${where}: the address may not contain the NUL character (%00)`);
    }
  });

  it("is the JSON error envelope for /api, signed in or not (the public API and sign-in included)", async () => {
    for (const path of ["/api/v1/users?cursor=%00", "/api/deliveries?campaignId=%00", "/api/auth/reset-password/%00"]) {
      for (const headers of [signedIn, {}]) {
        const res = open(path, headers);
        expect(res.status, path).toBe(400);
        expect((await res.json()).error, path).toMatchObject({ code: "validation_error", message: expect.stringMatching(/the address may not contain the NUL character \(%00\)$/) });
      }
    }
  });

  it("lets every other address through to the sign-in gate", () => {
    for (const path of ["/users?q=a%2500b", "/campaigns/abc", "/users?q=%C3%A9", "/api/v1/users?cursor=u1"]) {
      expect(open(path).status, path).not.toBe(400);
    }
    expect(open("/users?q=x", {}).status).toBe(307);
  });
});
