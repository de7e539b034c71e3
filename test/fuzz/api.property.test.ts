// Hostile input, fuzzed: random payloads (any JSON, near-miss shapes, broken bytes, wrong content
// types, odd attribute names) at POST /api/v1/events and POST /api/v1/users. Nothing may throw
// or answer 5xx; every error is a 4xx with the documented { error: { code, message, details } }.
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { apiKeyHeaders } from "@/lib/api/testing";
import { POST as postEvents } from "@/app/api/v1/events/route";
import { POST as postUsers } from "@/app/api/v1/users/route";
import { answerOf, expectWellFormed, type Answer } from "./well-formed";

let auth: Record<string, string>;
beforeAll(async () => {
  auth = await apiKeyHeaders("admin");
});

type Handler = (req: Request) => Promise<Response>;
const routes: [string, Handler][] = [
  ["events", postEvents as Handler],
  ["users", postUsers as Handler],
];

async function call(route: Handler, name: string, body: string | Uint8Array<ArrayBuffer>, contentType = "application/json"): Promise<Answer> {
  const req = new Request(`http://127.0.0.1/api/v1/${name}`, { method: "POST", body, headers: { "content-type": contentType, ...auth } });
  return answerOf(await route(req), `POST /api/v1/${name} (${contentType || "no content type"})`);
}

const nasty = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "", " ", "a".repeat(1000), "toString", "$where", "a.b", "💥", "\u0000", "Mars/Base"),
  fc.string(),
);
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nasty, fc.double(), fc.constant(null));
const attributes = fc.dictionary(nasty, anyValue, { maxKeys: 8 });

const eventLike = fc.record(
  { userId: anyValue, event: anyValue, params: fc.oneof(attributes, anyValue), time: fc.oneof(fc.integer(), fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anyValue) },
  { requiredKeys: [] },
);
const userLike = fc.record(
  { userId: anyValue, email: anyValue, timezone: fc.oneof(fc.constantFrom("Europe/Paris", "Mars/Base", "UTC", ""), anyValue), attributes: fc.oneof(attributes, anyValue) },
  { requiredKeys: [] },
);
const extraKeys = fc.dictionary(nasty, anyValue, { maxKeys: 2 });

const bodies = {
  events: fc.oneof(
    eventLike,
    fc.record({ events: fc.oneof(fc.array(eventLike, { maxLength: 20 }), anyValue) }),
    fc.tuple(eventLike, extraKeys).map(([e, x]) => ({ ...x, ...e })),
    fc.jsonValue(),
  ),
  users: fc.oneof(
    userLike,
    fc.record({ users: fc.oneof(fc.array(userLike, { maxLength: 20 }), anyValue) }),
    fc.tuple(userLike, extraKeys).map(([u, x]) => ({ ...x, ...u })),
    fc.jsonValue(),
  ),
};

describe.each(routes)("POST /api/v1/%s under fuzzing", (name, route) => {
  it("answers random and near-miss JSON with a success or a well-formed 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(bodies[name as keyof typeof bodies], async (body) => {
        expectWellFormed(await call(route, name, JSON.stringify(body)));
      }),
      { numRuns: 150 },
    );
  });

  it("answers broken bytes and wrong content types with a well-formed 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 }).map((a) => new Uint8Array(a.buffer.slice(0)) as Uint8Array<ArrayBuffer>)),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1"),
        async (body, type) => {
          expectWellFormed(await call(route, name, body, type));
        },
      ),
      { numRuns: 100 },
    );
  });
});
