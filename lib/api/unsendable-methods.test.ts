// TRACE over real HTTP on 127.0.0.1: Next.js cannot build a Request with them (its proxy
// answered every path with a 500 page), so the server answers them before its "request" listener
// runs, which stands in for Next's here. Every other method reaches the listener untouched.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerUnsendableMethods } from "./unsendable-methods";

let server: Server;
let port = 0;

beforeAll(async () => {
  answerUnsendableMethods();
  server = createServer((req, res) => res.end(`next saw ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// fetch() refuses TRACE itself, so node:http's request.
function send(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("TRACE", () => {
  it("is a 405 in the API's envelope with the route's Allow on /api/v1 and internal routes, key or no key", async () => {
    const cases = [
      ["TRACE", "/api/v1/campaigns", "GET, HEAD, OPTIONS, POST"],
      ["TRACE", "/api/v1/campaigns/c_1?x=1", "DELETE, GET, HEAD, OPTIONS, PUT"],
      ["TRACE", "/api/v1/openapi.json", "GET, HEAD, OPTIONS"],
      ["TRACE", "/api/deliveries", "GET, HEAD, OPTIONS"],
      ["TRACE", "/api/preview", "OPTIONS, POST"],
      ["TRACE", "/api/health", "GET, HEAD, OPTIONS"],
    ] as const;
    for (const [method, path, allow] of cases) {
      for (const headers of [{}, { authorization: "Bearer hk_live_not_a_key" }, { cookie: "hookline.session_token=x.y" }] as Record<string, string>[]) {
        const res = await send(method, path, headers);
        const pathname = path.split("?")[0];
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.allow, `${method} ${path}`).toBe(allow);
        expect(res.headers["content-type"]).toBe("application/json");
        expect(res.headers["x-content-type-options"]).toBe("nosniff");
        expect(JSON.parse(res.body)).toEqual({ error: { code: "method_not_allowed", message: `${method} is not allowed on ${pathname}; it allows ${allow}`, details: null } });
      }
    }
  });

  it("is the API's 404 on a path under /api/v1 that no route has, /api/v1 itself included", async () => {
    for (const path of ["/api/v1", "/api/v1/nope"]) {
      const res = await send("TRACE", path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ error: { code: "not_found", message: `No API route TRACE ${path}; the routes are listed in /api/v1/openapi.json`, details: null } });
    }
  });

  it("is the internal routes' 404 on an internal path no route has", async () => {
    const api = await send("TRACE", "/api/nope");
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body)).toEqual({ error: { code: "not_found", message: "No route TRACE /api/nope", details: null } });
  });

  it("is a 405 on a page, in short text", async () => {
    const page = await send("TRACE", "/campaigns");
    expect(page.status).toBe(405);
    expect(page.headers["content-type"]).toMatch(/^text\/plain/);
    expect(page.headers.allow).toBe("GET, HEAD, POST");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    expect(page.body).toBe("Method not allowed: TRACE");
  });

  it("leaves every other method, known or not, to Next", async () => {
    for (const method of ["GET", "POST", "PATCH", "OPTIONS", "PURGE"]) {
      expect((await send(method, "/api/v1/campaigns")).body).toBe(`next saw ${method} /api/v1/campaigns`);
    }
    // the server keeps serving after a refusal; TRACK never gets this far (Node's parser answers 400)
    expect((await send("TRACE", "/")).status).toBe(405);
    expect((await send("GET", "/")).body).toBe("next saw GET /");
    expect((await send("TRACK", "/api/v1/campaigns")).status).toBe(400);
    // nor any method Node's parser does not know: its empty 400, closing the connection, no listener run
    const unknown = await send("FOO", "/api/v1/users");
    expect([unknown.status, unknown.headers.connection, unknown.body]).toEqual([400, "close", ""]);
  });
});
