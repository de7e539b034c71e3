import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";
import { resetEnv } from "../env";
import { apiRoutes } from "./catalog";

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? routeFiles(p) : name === "route.ts" ? [p] : [];
  });
}

describe("GET /api/v1/openapi.json", () => {
  it("is a public OpenAPI 3.1 document with every route, its role and its errors", async () => {
    const res = GET(new Request("http://127.0.0.1:3000/api/v1/openapi.json"));
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers[0].url).toBe("http://127.0.0.1:3000");
    expect(doc.info.description).toContain("405 (`method_not_allowed`)");
    expect(doc.info.description).toContain("A path not listed below (`/api/v1` itself included) is 404 (`not_found`)");
    // one webhook is deleted with its own call (PUT keeps the ones left out)
    expect(Object.keys(doc.paths["/api/v1/campaigns/{id}/actions/{actionId}"].delete.responses)).toEqual(expect.arrayContaining(["204", "401", "403", "404", "409"]));
    const post = doc.paths["/api/v1/users"].post;
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "413", "415", "429"]));
    expect(post.responses["429"].headers["Retry-After"]).toBeDefined();
    const input = doc.components.schemas.UserInput;
    expect(input.required).toEqual(["userId"]);
    expect(input.properties.attributes.propertyNames.maxLength).toBe(128);
    // the events route refuses unknown keys: the document says so (a client generator would not)
    expect(doc.components.schemas.EventInput.additionalProperties).toBe(false);
    expect(doc.paths["/api/v1/events"].post.requestBody.content["application/json"].schema.anyOf[1].additionalProperties).toBe(false);
    // generated from the route's own schema (lib/audience/events.ts), its limits included: a copy in the
    // catalogue left out that parameter names are at most 200 characters
    expect(doc.components.schemas.EventInput.properties.params.propertyNames.maxLength).toBe(200);
    expect(doc.components.schemas.EventInput.properties.params.description).toContain("32 levels deep and 64 KiB");
    // a webhook's unknown keys are a 400 (refusingUnknownWebhookKeys): its object schemas say so, with the
    // read-only keys a GET's actions carry and a save ignores
    const action = doc.components.schemas.CampaignInput.properties.actions.items;
    expect(action.additionalProperties).toBe(false);
    expect(action.properties.signing.readOnly).toBe(true);
    expect(action.properties.variants.items.additionalProperties).toBe(false);
    expect(action.properties.fields.items.additionalProperties).toBe(false);
    expect(action.properties.headers.items.additionalProperties).toBe(false);
    expect(doc.components.schemas.TemplateInput.properties.webhook.additionalProperties).toBe(false);
    expect(doc.paths["/api/v1/users"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["cursor", "limit"]);
    // activate and resume tell of unknown attribute references (the editor's confirmations' warnings), documented
    const warning = doc.components.schemas.UnknownAttributeWarning;
    expect(warning.required).toEqual(expect.arrayContaining(["kind", "attribute", "suggestion", "where", "field", "actionId", "message"]));
    expect(warning.description).toContain("no user has");
    expect(doc.components.schemas.EmptyInUrlWarning.required).toEqual(["kind", "message"]);
    for (const route of ["activate", "resume"]) {
      const answer = doc.paths[`/api/v1/campaigns/{id}/${route}`].post.responses["200"].content["application/json"].schema;
      const schema = answer.$ref ? doc.components.schemas[answer.$ref.split("/").at(-1)] : answer;
      expect(schema.required, route).toContain("warnings");
      const items = schema.properties.warnings.items;
      expect((items.oneOf ?? items.anyOf ?? []).map((x: { $ref: string }) => x.$ref), route).toEqual(["#/components/schemas/UnknownAttributeWarning", "#/components/schemas/SampleFailureWarning", "#/components/schemas/EmptyInUrlWarning"]);
    }
    // every $ref points at a component that exists
    for (const ref of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas[ref[1]!], ref[1]).toBeDefined();
  });

  it("documents every /api/v1 route file", () => {
    const root = path.resolve("app/api/v1");
    const documented = new Set(apiRoutes.map((r) => r.path.replace(/\{(\w+)\}/g, "[$1]")));
    for (const file of routeFiles(root)) {
      const route = "/api/v1/" + path.relative(root, path.dirname(file)).split(path.sep).join("/");
      if (route.includes("[...") || route.endsWith("openapi.json")) continue;
      expect(documented.has(route), route).toBe(true);
    }
  });

  it("states the rate limit this install applies (HOOKLINE_API_RATE_LIMIT, HOOKLINE_API_RATE_BURST), not the defaults", async () => {
    const before = { rate: process.env.HOOKLINE_API_RATE_LIMIT, burst: process.env.HOOKLINE_API_RATE_BURST };
    Object.assign(process.env, { HOOKLINE_API_RATE_LIMIT: "5", HOOKLINE_API_RATE_BURST: "1500" });
    resetEnv();
    try {
      const doc = await GET(new Request("http://127.0.0.1:3000/api/v1/openapi.json")).json();
      expect(doc.info.description).toContain("Each key may make 5 requests per second with bursts of 1,500; over that, 429");
    } finally {
      for (const [name, value] of [["HOOKLINE_API_RATE_LIMIT", before.rate], ["HOOKLINE_API_RATE_BURST", before.burst]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      resetEnv();
    }
  });
});
