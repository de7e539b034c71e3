// The proxy's method table (route-methods.ts) against its sources: the catalogue that drives the
// OpenAPI document, and the methods the /api/v1 route files really export. A route or method added
// to either without the table fails here, before the proxy would answer it 405.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiRoutes } from "./catalog";
import { KEY_FREE_API_PATHS } from "./credential";
import { allowedMethods, allowHeader, API_ROUTE_METHODS, INTERNAL_ROUTE_METHODS, methodNotAllowed, refuseBeforeKey } from "./route-methods";

const root = path.resolve("app/api/v1");
const internalRoot = path.resolve("app/api");
const METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? routeFiles(p) : name === "route.ts" ? [p] : [];
  });
}

const sorted = (table: Record<string, readonly string[]>) => Object.fromEntries(Object.entries(table).map(([p, m]) => [p, [...m].sort()] as const).sort(([a], [b]) => a.localeCompare(b)));

describe("the /api/v1 method table", () => {
  it("is the catalogue's routes and methods, with the OpenAPI document's GET", () => {
    const fromCatalogue: Record<string, string[]> = { "/api/v1/openapi.json": ["GET"] };
    for (const route of apiRoutes) (fromCatalogue[route.path] ??= []).push(route.method);
    expect(sorted(API_ROUTE_METHODS)).toEqual(sorted(fromCatalogue));
  });

  it("is what every route file exports (the catch-all's 404 aside)", async () => {
    const exported: Record<string, string[]> = {};
    for (const file of routeFiles(root)) {
      const route = "/api/v1/" + path.relative(root, path.dirname(file)).split(path.sep).join("/").replace(/\[(\w+)\]/g, "{$1}");
      if (route.includes("[...")) continue;
      const handlers = (await import(file)) as Record<string, unknown>;
      exported[route] = METHODS.filter((m) => typeof handlers[m] === "function");
    }
    expect(sorted(API_ROUTE_METHODS)).toEqual(sorted(exported));
  });

  it("needs a key on every route but those KEY_FREE_API_PATHS names: the HTTP server answers a request with none 401 first", () => {
    const keyFree: string[] = [];
    for (const file of routeFiles(root)) {
      const route = "/api/v1/" + path.relative(root, path.dirname(file)).split(path.sep).join("/").replace(/\[(\w+)\]/g, "{$1}");
      if (!route.includes("[...") && !readFileSync(file, "utf8").includes("withApi(")) keyFree.push(route);
    }
    expect(keyFree).toEqual([...KEY_FREE_API_PATHS]);
  });
});

describe("the internal routes' method table", () => {
  it("is what every internal route file exports", async () => {
    const exported: Record<string, string[]> = {};
    for (const file of routeFiles(internalRoot)) {
      const dir = path.relative(internalRoot, path.dirname(file)).split(path.sep).join("/");
      if (dir === "v1" || dir.startsWith("v1/")) continue;
      const route = "/api/" + dir.replace(/\[\.\.\.(\w+)\]/g, "{...$1}").replace(/\[(\w+)\]/g, "{$1}");
      const handlers = (await import(file)) as Record<string, unknown>;
      exported[route] = METHODS.filter((m) => typeof handlers[m] === "function");
    }
    expect(sorted(INTERNAL_ROUTE_METHODS)).toEqual(sorted(exported));
  });

  it("answers a method an internal route does not have with a 405 and its Allow", () => {
    expect(methodNotAllowed("PATCH", "/api/deliveries")).toMatchObject({ status: 405, code: "method_not_allowed", message: "PATCH is not allowed on /api/deliveries; it allows GET, HEAD, OPTIONS", headers: { Allow: "GET, HEAD, OPTIONS" } });
    expect(methodNotAllowed("GET", "/api/preview")?.headers).toEqual({ Allow: "OPTIONS, POST" });
    // literal before parameter, as Next matches
    expect(methodNotAllowed("POST", "/api/deliveries/export")?.headers).toEqual({ Allow: "GET, HEAD, OPTIONS" });
    expect(methodNotAllowed("POST", "/api/imports/i_1")).toBeNull();
    // better-auth's catch-all: one segment or more
    expect(methodNotAllowed("DELETE", "/api/auth/sign-in/email")?.headers).toEqual({ Allow: "GET, HEAD, OPTIONS, POST" });
    expect(allowedMethods("/api/auth")).toBeNull();
    expect(allowedMethods("/api/auth/")).toBeNull();
    // not a route: no 405 (refuseBeforeKey's 404)
    expect(methodNotAllowed("PATCH", "/api/nope")).toBeNull();
    expect(methodNotAllowed("PATCH", "/api/deliveries/d_1/extra")).toBeNull();
  });
});

describe("methodNotAllowed", () => {
  it("is a 405 naming the method and what the route allows, with Allow as Next's OPTIONS answers it", () => {
    const err = methodNotAllowed("PATCH", "/api/v1/campaigns/c_1");
    expect(err).toMatchObject({ status: 405, code: "method_not_allowed", message: "PATCH is not allowed on /api/v1/campaigns/c_1; it allows DELETE, GET, HEAD, OPTIONS, PUT", headers: { Allow: "DELETE, GET, HEAD, OPTIONS, PUT" } });
    expect(methodNotAllowed("GET", "/api/v1/events")?.headers).toEqual({ Allow: "OPTIONS, POST" });
    // HEAD is only there with a GET
    expect(methodNotAllowed("HEAD", "/api/v1/campaigns/c_1/pause")?.headers).toEqual({ Allow: "OPTIONS, POST" });
    expect(methodNotAllowed("POST", "/api/v1/campaigns/c_1/actions/a_1/signing-secret")).toBeNull();
    expect(methodNotAllowed("PUT", "/api/v1/campaigns/c_1/actions/a_1/signing-secret")?.headers).toEqual({ Allow: "DELETE, OPTIONS, POST" });
  });

  it("lets a method the route has, HEAD beside a GET, OPTIONS and unknown paths through", () => {
    for (const [method, pathname] of [["GET", "/api/v1/campaigns/c_1"], ["HEAD", "/api/v1/users"], ["OPTIONS", "/api/v1/events"], ["GET", "/api/v1/openapi.json"], ["PATCH", "/api/v1/templates/t_1"]]) {
      expect(methodNotAllowed(method!, pathname!), `${method} ${pathname}`).toBeNull();
    }
    // no such route: a 404 for every method (refuseBeforeKey)
    for (const pathname of ["/api/v1", "/api/v1/nope", "/api/v1/campaigns/c_1/nope", "/api/v1/campaigns//pause", "/api/v1/users/u_1/extra", "/api/v1/Users"]) {
      expect(allowedMethods(pathname), pathname).toBeNull();
      expect(methodNotAllowed("PATCH", pathname), pathname).toBeNull();
      expect(refuseBeforeKey("PATCH", pathname), pathname).toMatchObject({ status: 404, code: "not_found", message: `No API route PATCH ${pathname}; the routes are listed in /api/v1/openapi.json` });
    }
    // elsewhere under /api (/api/v1x is not the API's), the internal routes' 404
    for (const pathname of ["/api", "/api/nope", "/api/v1x", "/api/campaigns/c_1/nope", "/api/auth"]) {
      expect(refuseBeforeKey("PATCH", pathname), pathname).toMatchObject({ status: 404, code: "not_found", message: `No route PATCH ${pathname}` });
    }
    // a method the route has, and pages, are not refused here
    expect(refuseBeforeKey("GET", "/api/v1/users")).toBeNull();
    expect(refuseBeforeKey("GET", "/api/deliveries")).toBeNull();
    expect(refuseBeforeKey("POST", "/api/auth/sign-in/email")).toBeNull();
    expect(refuseBeforeKey("PATCH", "/campaigns")).toBeNull();
    expect(refuseBeforeKey("GET", "/apix")).toBeNull();
  });

  it("orders Allow as Next does", () => {
    expect(allowHeader(["POST", "GET"])).toBe("GET, HEAD, OPTIONS, POST");
    expect(allowHeader(["DELETE"])).toBe("DELETE, OPTIONS");
  });
});
