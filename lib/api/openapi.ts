// The OpenAPI 3.1 document of /api/v1, generated from the route catalogue and the zod schemas the
// routes validate with, so the document cannot drift from what the API accepts.
import { z } from "zod";
import { apiRoutes, errorCodes, errorMeanings, rateLimitText, type RouteDoc } from "./catalog";
import { exampleOf } from "./examples";
import { documentUnknownWebhookKeys } from "./schemas/webhook-keys";

type Json = Record<string, unknown>;

// Named schemas (.meta({ id })) land in components.schemas; everything else stays inline.
function toSchema(schema: z.ZodType, io: "input" | "output", components: Json): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
  // the API refuses unknown keys in a body's webhooks (refusingUnknownWebhookKeys): say so
  if (io === "input") documentUnknownWebhookKeys(json);
  const defs = (json.$defs ?? {}) as Json;
  delete json.$defs;
  delete json.$schema;
  const text = JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/');
  for (const [name, def] of Object.entries(defs)) components[name] = JSON.parse(JSON.stringify(def).replaceAll('"#/$defs/', '"#/components/schemas/'));
  return JSON.parse(text);
}

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "details"],
      properties: {
        code: { type: "string", enum: Object.values(errorCodes).flat(), description: "What went wrong, for programs: each response below names its codes" },
        message: { type: "string", description: "What went wrong, in words; a validation error's starts with the field" },
        details: { description: "A validation error's problems, each { path, message } (the first 50, then one saying how many more); an activation's { problems }; else null" },
      },
    },
  },
};

function operation(route: RouteDoc, components: Json): Json {
  const parameters: Json[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  if (route.query) {
    const query = toSchema(route.query, "input", components) as { properties?: Json; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: "query", required: query.required?.includes(name) ?? false, schema });
    }
  }
  // an update takes the ETag back (a create has nothing to match yet, but answers one too)
  if (route.etag && route.method === "PUT") {
    parameters.push({
      name: "If-Match",
      in: "header",
      required: false,
      schema: { type: "string" },
      description:
        'The `ETag` of the campaign you edited (`"3"`), or a list of them (`"3", "4"`: any one matching passes), or `*` (any existing campaign). Changed since, the request is refused with 412; a weak tag (`W/"3"`) never matches (412); a value that is not `*` or a list of quoted entity tags is a 400. Left out, the last write wins',
    });
  }
  const responses: Json = {};
  const etag = route.etag ? { headers: { ETag: { schema: { type: "string" }, description: 'The campaign\'s version (`"3"`), for If-Match; it moves only when the name, description, goal, webhooks or delivery settings change' } } } : {};
  const ok = route.response;
  const example = exampleOf(route);
  if (ok) {
    responses[String(ok.status)] = ok.schema
      ? { description: ok.description, ...etag, content: { "application/json": { schema: toSchema(ok.schema, "output", components), ...(example.response !== undefined ? { example: example.response } : {}) } } }
      : { description: ok.description };
  }
  for (const status of route.errors) {
    responses[String(status)] = {
      description: `${errorMeanings[status]} (code ${errorCodes[status]!.map((c) => `\`${c}\``).join(" or ")})`,
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      ...(status === 429 ? { headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait" } } } : {}),
      ...(status === 412 ? { headers: { ETag: { schema: { type: "string" }, description: "The campaign's current version" } } } : {}),
    };
  }
  return {
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, `Needs a key with the ${route.role} role or above.`].filter(Boolean).join("\n\n"),
    operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, "By-$1").replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase())}`,
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(route.body, "input", components), ...(example.request !== undefined ? { example: example.request } : {}) } } } } : {}),
    responses,
  };
}

export function openApiDocument(serverUrl?: string): Json {
  const components: Json = { Error: errorSchema };
  const paths: Record<string, Json> = {};
  for (const route of apiRoutes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, components);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Hookline API",
      version: "1",
      description:
        "JSON in and out. Authenticate with `Authorization: Bearer hk_live_...` (keys are created in Settings › API keys). Errors are `{ \"error\": { \"code\", \"message\", \"details\" } }`. A path not listed below (`/api/v1` itself included) is 404 (`not_found`), and a method a path below does not list (`TRACE` included) is 405 (`method_not_allowed`) with the path's methods in `Allow`, both before the key is checked. " +
        `${rateLimitText()}; over that, 429 with Retry-After.`,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    tags: [{ name: "Users" }, { name: "Events" }, { name: "Campaigns" }, { name: "Deliveries" }, { name: "Templates" }],
    paths,
    components: { schemas: components, securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API key, hk_live_..." } } },
  };
}
