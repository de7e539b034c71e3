import { describe, expect, it } from "vitest";
import { apiRoutes } from "./catalog";
import { curlExample, exampleOf, routeKey } from "./examples";

describe("API examples", () => {
  it.each(apiRoutes.map((r) => [routeKey(r), r] as const))("%s: the examples are what the API accepts and answers", (_, route) => {
    const example = exampleOf(route);
    if (route.body) expect(route.body.safeParse(example.request).error?.issues ?? []).toEqual([]);
    else expect(example.request).toBeUndefined();
    if (route.response?.schema) expect(route.response.schema.safeParse(example.response).error?.issues ?? []).toEqual([]);
    if (route.path.includes("{")) expect(example.path).toMatch(/^\/api\/v1\//);
  });

  it("a curl line per route, with the key and the JSON body", () => {
    const post = apiRoutes.find((r) => r.method === "POST" && r.path === "/api/v1/events")!;
    expect(curlExample(post, "http://localhost:3000")).toBe(
      `curl -X POST 'http://localhost:3000/api/v1/events' -H "Authorization: Bearer $HOOKLINE_API_KEY" -H 'Content-Type: application/json' -d '{"userId":"user-1001","event":"purchase","params":{"amount":42.5,"sku":"A-17"},"id":"order-8812"}'`,
    );
  });
});
