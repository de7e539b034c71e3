// proxy.ts, in front of every page and route: an address holding %00 is a 400 before any page or
// route reads it (/users?q=%00, /users?cursor=%00 and /campaigns/%00 were 500 pages on PostgreSQL,
// which cannot compare with U+0000), JSON for /api, a short text otherwise; other addresses pass.
// And a method an /api/v1 route does not have is a 405 in the API's envelope, key or no key.
import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { config, proxy } from "@/proxy";
import { sameOriginRefusal } from "@/lib/http/same-origin";

const ORIGIN = "http://127.0.0.1:3000";
const signedIn = { cookie: "hookline.session_token=some.value" };
// a GET is answered at once (only a POST to a page waits for its body to be read)
const open = (path: string, headers: Record<string, string> = signedIn) => proxy(new NextRequest(`${ORIGIN}${path}`, { headers })) as Response;

// A path whose %-escapes do not decode (/users/%ZZ, a link cut after "%E0%A4%A") was a bare 500
// "Internal Server Error" page for a signed-in member: Next.js could not decode the page's parameter.
describe("proxy: a %-escape in the path that does not decode", () => {
  it("is a 400 page saying what is wrong with the address", async () => {
    for (const path of ["/users/%ZZ", "/users/%E0%A4%A", "/campaigns/abc%/deliveries", "/campaigns/%C3"]) {
      const res = open(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/plain/);
      expect(await res.text(), path).toBe("Bad request: path: a % in the address is not a valid escape of UTF-8 text (such as %20 or %C3%A9)");
    }
  });

  it("is the JSON error envelope for /api, signed in or not", async () => {
    for (const path of ["/api/v1/campaigns/%ZZ", "/api/deliveries/%E0%A4%A"]) {
      for (const headers of [signedIn, {}]) {
        const res = open(path, headers);
        expect(res.status, path).toBe(400);
        expect((await res.json()).error, path).toMatchObject({ code: "validation_error", message: "path: a % in the address is not a valid escape of UTF-8 text (such as %20 or %C3%A9)" });
      }
    }
  });

  it("lets escapes that decode through", () => {
    for (const path of ["/users/a%25b", "/users/%C3%A9", "/users/%E0%A4%A4", "/campaigns/a%20b"]) expect(open(path).status, path).not.toBe(400);
  });
});

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

// Next answers a method a route does not export with an empty 405; the API answers its envelope.
describe("proxy: a method an /api/v1 route does not have", () => {
  const send = (method: string, path: string, headers: Record<string, string> = {}) => proxy(new NextRequest(`${ORIGIN}${path}`, { method, headers })) as Response;

  it("is a 405 in the API's envelope with Allow, with a key, without one or with a bad one", async () => {
    const cases = [
      ["PATCH", "/api/v1/campaigns/c_1", "DELETE, GET, HEAD, OPTIONS, PUT"],
      ["PUT", "/api/v1/events", "OPTIONS, POST"],
      ["GET", "/api/v1/campaigns/c_1/activate", "OPTIONS, POST"],
      ["HEAD", "/api/v1/deliveries/d_1/retry", "OPTIONS, POST"],
      ["DELETE", "/api/v1/campaigns", "GET, HEAD, OPTIONS, POST"],
      ["POST", "/api/v1/openapi.json", "GET, HEAD, OPTIONS"],
      ["PURGE", "/api/v1/users/u%2F1", "DELETE, GET, HEAD, OPTIONS"],
    ] as const;
    for (const [method, path, allow] of cases) {
      for (const headers of [{}, { authorization: "Bearer hk_live_not_a_key" }, signedIn] as Record<string, string>[]) {
        const res = send(method, path, headers);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: `${method} is not allowed on ${path}; it allows ${allow}`, details: null } });
      }
    }
  });

  it("lets the route's own methods, HEAD beside a GET and OPTIONS through to the route", () => {
    for (const [method, path] of [["GET", "/api/v1/campaigns/c_1"], ["PUT", "/api/v1/campaigns/c_1"], ["POST", "/api/v1/events"], ["PATCH", "/api/v1/templates/t_1"], ["HEAD", "/api/v1/users"], ["OPTIONS", "/api/v1/events"]]) {
      const res = send(method!, path!);
      expect(res.status, `${method} ${path}`).toBe(200);
      expect(res.headers.get("x-middleware-next"), `${method} ${path}`).toBe("1");
    }
    // an internal route's own methods go on to the sign-in gate
    expect(send("GET", "/api/deliveries").status).toBe(401);
    expect(send("GET", "/api/deliveries", signedIn).headers.get("x-middleware-next")).toBe("1");
  });
});

// Next answered an internal route's missing method with an empty 405 (no Allow) and a method it does
// not know with an empty 400: now the envelope withInternal answers with, and Allow.
describe("proxy: a method an internal /api route does not have", () => {
  const send = (method: string, path: string, headers: Record<string, string> = {}) => proxy(new NextRequest(`${ORIGIN}${path}`, { method, headers })) as Response;

  it("is a 405 in the envelope with Allow, signed in or not", async () => {
    const cases = [
      ["PATCH", "/api/deliveries", "GET, HEAD, OPTIONS"],
      ["DELETE", "/api/deliveries/d_1", "GET, HEAD, OPTIONS"],
      ["GET", "/api/preview", "OPTIONS, POST"],
      ["PUT", "/api/imports/i_1", "GET, HEAD, OPTIONS, POST"],
      ["PURGE", "/api/test-sends", "GET, HEAD, OPTIONS, POST"],
      ["DELETE", "/api/health", "GET, HEAD, OPTIONS"],
      ["PATCH", "/api/auth/sign-in/email", "GET, HEAD, OPTIONS, POST"],
    ] as const;
    for (const [method, path, allow] of cases) {
      for (const headers of [{}, signedIn] as Record<string, string>[]) {
        const res = send(method, path, headers);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
        expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: `${method} is not allowed on ${path}; it allows ${allow}`, details: null } });
      }
    }
  });
});

// /api/v1 is the public API's own door: its root and any path no route has answer the API's 404,
// with where the routes are listed, before a key is asked for; never the sign-in gate's 401.
describe("proxy: /api/v1 itself and paths no route has", () => {
  const send = (method: string, path: string, headers: Record<string, string> = {}) => proxy(new NextRequest(`${ORIGIN}${path}`, { method, headers })) as Response;

  it("is the API's 404 naming the OpenAPI document, for every method, with a key, without one or with a bad one", async () => {
    for (const path of ["/api/v1", "/api/v1/nope", "/api/v1/campaigns/c_1/nope", "/api/v1/campaigns//pause", "/api/v1/Users"]) {
      for (const method of ["GET", "POST", "PATCH", "OPTIONS", "PURGE"]) {
        for (const headers of [{}, { authorization: "Bearer hk_live_not_a_key" }, signedIn] as Record<string, string>[]) {
          const res = send(method, path, headers);
          expect(res.status, `${method} ${path}`).toBe(404);
          expect(res.headers.get("content-type")).toMatch(/^application\/json/);
          expect(await res.json()).toEqual({ error: { code: "not_found", message: `No API route ${method} ${path}; the routes are listed in /api/v1/openapi.json`, details: null } });
        }
      }
    }
  });

  it("does not take /api/v1x or /api/v10 for the API (they are internal paths no route has)", async () => {
    for (const path of ["/api/v1x", "/api/v10/users"]) {
      const res = send("GET", path);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error.message, path).toBe(`No route GET ${path}`);
    }
  });
});

// An internal /api path no route has was Next's HTML 404 page signed in (the sign-in gate's 401 signed
// out): now the internal routes' envelope, a 404 for every method, signed in or not, as a method an
// internal route does not have is its 405 before the session is looked at.
describe("proxy: an internal /api path no route has", () => {
  const send = (method: string, path: string, headers: Record<string, string> = {}) => proxy(new NextRequest(`${ORIGIN}${path}`, { method, headers })) as Response;

  it("is a 404 in the envelope for every method, signed in or not", async () => {
    for (const path of ["/api", "/api/nope", "/api/campaigns/x/nope", "/api/campaigns/x", "/api/deliveries/d_1/extra", "/api/imports/i_1/rejected/x", "/api/Deliveries", "/api/auth"]) {
      for (const method of ["GET", "POST", "PATCH", "OPTIONS", "PURGE"]) {
        for (const headers of [{}, signedIn] as Record<string, string>[]) {
          const res = send(method, path, headers);
          expect(res.status, `${method} ${path}`).toBe(404);
          expect(res.headers.get("content-type"), `${method} ${path}`).toMatch(/^application\/json/);
          expect(await res.json()).toEqual({ error: { code: "not_found", message: `No route ${method} ${path}`, details: null } });
        }
      }
    }
  });

  it("leaves the routes that exist to the sign-in gate and the route, better-auth's below /api/auth included", () => {
    for (const path of ["/api/deliveries", "/api/campaigns/c_1/outcomes", "/api/imports/i_1/rejected"]) {
      expect(send("GET", path).status, path).toBe(401);
      expect(send("GET", path, signedIn).headers.get("x-middleware-next"), path).toBe("1");
    }
    expect(send("GET", "/api/auth/get-session").headers.get("x-middleware-next")).toBe("1");
    expect(send("GET", "/api/health").headers.get("x-middleware-next")).toBe("1");
  });
});

// Next decodes a route's [param] before any wrapper: /users/%FF was a plain-text 500 with nothing logged.
describe("proxy: a malformed %-escape in the path", () => {
  const apiPaths = ["/api/v1/users/%FF", "/api/v1/campaigns/%FF", "/api/v1/deliveries/%C0", "/api/v1/templates/%FF", "/api/v1/users/%ED%A0%80", "/api/deliveries/%FF", "/api/imports/%FF", "/api/v1/campaigns/%E2%82/delivery"];

  it("is the API's error envelope under /api, signed in or not", async () => {
    for (const path of apiPaths) {
      for (const headers of [signedIn, {}]) {
        const res = open(path, headers);
        expect(res.status, path).toBe(400);
        expect((await res.json()).error, path).toEqual({ code: "validation_error", message: "path: a % in the address is not a valid escape of UTF-8 text (such as %20 or %C3%A9)", details: [{ path: "path", message: "malformed %-escape" }] });
      }
    }
  });

  it("is a 400 page elsewhere", async () => {
    for (const path of ["/campaigns/%FF", "/users/%FF", "/users/%ED%A0%80", "/campaigns/%FF/deliveries"]) {
      const res = open(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/plain/);
      expect(await res.text(), path).toBe("Bad request: path: a % in the address is not a valid escape of UTF-8 text (such as %20 or %C3%A9)");
    }
  });

  it("lets well-formed escapes through", () => {
    for (const path of ["/users/%C3%A9", "/api/v1/users/u%2F1", "/users/%F0%9F%98%80", "/campaigns/a%25FF"]) {
      expect(open(path).status, path).not.toBe(400);
    }
  });
});

// A POST to a page is a server action. Next.js ran one without an Origin (duplicateCampaignAction made a
// copy for a request a page of ours cannot have made) and answered a foreign Origin with a 500 and its
// stack in the log: the internal routes' same-origin rule (lib/http/same-origin.ts) now refuses both first.
describe("proxy: server actions from another origin", () => {
  const post = async (path: string, headers: Record<string, string>) =>
    await proxy(new NextRequest(`${ORIGIN}${path}`, { method: "POST", body: "[]", headers: { ...signedIn, "next-action": "abc123", host: "127.0.0.1:3000", ...headers } }));

  it("refuses a POST to a page without an Origin, or from another origin or site, with a 403", async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, "Forbidden: A state-changing request must carry an Origin header"],
      [{ origin: "https://evil.example" }, "Forbidden: Requests from another origin are refused (Origin https://evil.example, host 127.0.0.1:3000)"],
      [{ origin: "http://127.0.0.1:3001" }, "Forbidden: Requests from another origin are refused (Origin http://127.0.0.1:3001, host 127.0.0.1:3000)"],
      [{ origin: "null" }, "Forbidden: Requests from another origin are refused (Origin null, host 127.0.0.1:3000)"],
      // a forwarded host counts only from a trusted proxy (none here: the peer is not one)
      [{ origin: "https://app.example", "x-forwarded-host": "app.example", "x-hookline-peer": "203.0.113.9" }, "Forbidden: Requests from another origin are refused (Origin https://app.example, host 127.0.0.1:3000)"],
      [{ origin: ORIGIN, "sec-fetch-site": "cross-site" }, "Forbidden: Requests from another site are refused"],
    ];
    for (const [headers, text] of cases) {
      for (const path of ["/campaigns", "/sign-in", "/campaigns/abc"]) {
        const res = await post(path, headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(await res.text()).toBe(text);
      }
    }
  });

  it("lets our own pages' actions through, and leaves GET navigations from other sites alone", async () => {
    expect((await post("/campaigns", { origin: ORIGIN, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await post("/sign-in", { origin: ORIGIN })).status).toBe(200);
    // a link from an email or another site to a page is a cross-site GET: still a page
    const res = proxy(new NextRequest(`${ORIGIN}/campaigns`, { headers: { ...signedIn, "sec-fetch-site": "cross-site" } })) as Response;
    expect(res.status).toBe(200);
  });
});

// Behind a reverse proxy that names the browser's host in X-Forwarded-Host (or sends nginx's $host, which
// drops a non-default port), the rule compares with the forwarded host when the connection is a trusted
// proxy's: sign-in (a server action) must keep working there, as Next's own action check allowed.
describe("sameOriginRefusal behind a trusted proxy", () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  it("takes the X-Forwarded-Host of a trusted proxy, and only of one", () => {
    const behind = headers({ origin: "https://app.example:8443", host: "app.example", "x-forwarded-host": "app.example:8443" });
    expect(sameOriginRefusal("POST", behind, "app.example", true)).toBeNull();
    expect(sameOriginRefusal("POST", behind, "app.example", false)?.code).toBe("cross_origin");
    const lying = headers({ origin: "https://evil.example", host: "app.example", "x-forwarded-host": "app.example" });
    expect(sameOriginRefusal("POST", lying, "app.example", true)?.code).toBe("cross_origin");
    expect(sameOriginRefusal("POST", headers({ host: "app.example", "x-forwarded-host": "app.example" }), "app.example", true)?.code).toBe("origin_required");
  });
});

// React's decodeReply recursed into a server action's [[[[...]]]] 10,000 deep and overflowed: a 500 with
// its stack in the log. The proxy reads an action's body (lib/http/action-body.ts) and refuses it first.
describe("proxy: a server action's deeply nested body", () => {
  const post = async (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    await proxy(new NextRequest(`${ORIGIN}${path}`, { method: "POST", body, headers: { ...signedIn, origin: ORIGIN, host: "127.0.0.1:3000", "next-action": "abc123", ...headers } }));
  const nested = "[".repeat(10_000) + "]".repeat(10_000);

  it("is a 400 in plain words, as text or as a form; an ordinary body goes on", async () => {
    const form = new FormData();
    form.set("0", nested);
    for (const body of [nested, form]) {
      const res = await post("/campaigns", body);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await res.text()).toBe("Bad request: the action's data nests arrays or objects more than 128 levels deep");
    }
    const ok = await post("/campaigns", '["c_1",{"name":"Spring"}]');
    expect(ok.headers.get("x-middleware-next")).toBe("1");
  });

  it("is a 413 past the 1 MB Next.js allows an action anyway", async () => {
    const res = await post("/campaigns", "x".repeat(1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(await res.text()).toBe("Payload too large: an action's data may be 1 MB at most");
  });
});

// The CSV upload is kept out of the proxy (its matcher): Next.js would copy its body for the proxy and hand the
// route only the copy, 5 MB at most. Under another spelling (/api/%69mports) it would come through here and be
// cut short: no route has that path as written (route-methods.ts compares segments as sent), so it is a 404.
describe("proxy: the CSV upload under another spelling", () => {
  it("is the internal routes' 404, never the upload cut short", async () => {
    const res = await proxy(new NextRequest(`${ORIGIN}/api/%69mports`, { method: "POST", body: "email\n", headers: { ...signedIn, origin: ORIGIN, "content-type": "text/csv" } }));
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  });
});

// /favicon.ico was left out of the proxy (its matcher) and the app has no such file: Next.js rendered the
// not-found page there, with the sign-in actions, and a signed-out POST with a Next-Action header reached React
// with no Origin or body check (500s: a foreign Origin, 5,000 nested "[", 2 MB chunked). Every path the
// matcher skips must be something no action is run on: a file Next serves, or a route handler.
describe("proxy: the paths its matcher skips", () => {
  const pattern = config.matcher[0]!;
  const skipped = (path: string) => !new RegExp(`^${pattern}$`).test(path);
  // each with what answers it instead: none renders a page, so none runs a server action
  const REVIEWED = {
    "_next/static/": "Next's build files (a missing one is a plain 404, no page)",
    "_next/image$": "Next's image optimizer",
    "icon\\.svg$": "app/icon.svg, a metadata route handler (GET only)",
    "api/imports$": "the CSV upload route: withInternal checks Origin and session, body-guard.ts its method and size",
  };

  it("skips only the reviewed paths, /favicon.ico not among them", () => {
    const lookahead = /^\/\(\(\?!(.*)\)\.\*\)$/.exec(pattern)?.[1];
    expect(lookahead?.split("|")).toEqual(Object.keys(REVIEWED));
    expect(["/favicon.ico", "/sign-in", "/", "/favicon.icoabc", "/icon.svgx", "/_next/imagex", "/api/importsx", "/robots.txt"].filter(skipped)).toEqual([]);
    expect(["/_next/static/chunks/a.js", "/_next/image", "/icon.svg", "/api/imports"].every(skipped)).toBe(true);
  });

  it("refuses a foreign Origin's action on /favicon.ico, signed out", async () => {
    const res = await proxy(new NextRequest(`${ORIGIN}/favicon.ico`, { method: "POST", body: "[]", headers: { origin: "https://evil.example", "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" } }));
    expect(res.status).toBe(403);
  });
});
