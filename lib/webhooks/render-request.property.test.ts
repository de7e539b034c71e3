// Hostile input, fuzzed: random templates and attribute values never throw, every JSON body parses,
// every URL parses and keeps its host.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderWebhookRequest } from "./render-request";
import type { FieldType } from "./types";

const pieces = ["{{", "}}", "{{{", "}}}", "{{#if user.plan}}", "{{/if}}", "{{else}}", "{{user.city}}", "{{{user.city}}}", "{{lookup this \"__proto__\"}}", "{{constructor}}", "{{> p}}", "{{json user}}", "{{default user.x \"d\"}}", "\"", "\\", "\n", "&", "=", "#", "?", "/", "🎉", "‏"];
const templateArb = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 12 }).map((a) => a.join(""));
const valueArb = fc.oneof(fc.string(), fc.constantFrom('"}', "\u2028", "a&b=c#d", "../..", "\u0000", "%zz"), fc.integer(), fc.boolean());

describe("renderWebhookRequest under fuzzing", () => {
  it("never throws; JSON bodies parse; URLs keep their host", () => {
    fc.assert(
      fc.property(templateArb, templateArb, valueArb, fc.constantFrom<FieldType>("text", "number", "boolean", "json"), fc.boolean(), (urlTail, value, attr, type, json) => {
        const r = renderWebhookRequest(
          { method: "POST", url: `https://api.example.com/x/${urlTail}`, contentType: json ? "application/json" : "application/x-www-form-urlencoded", fields: [{ key: "k", value, type }], headers: [{ name: "X-V", value }] },
          { user: { id: "u", attributes: { city: attr, plan: attr } }, now: new Date() },
          { webhookId: "msg", timestamp: new Date(), collectWarnings: true },
        );
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          return;
        }
        expect(new URL(r.request.url).host).toBe("api.example.com");
        if (json) expect(() => JSON.parse(r.request.body!)).not.toThrow();
        else new URLSearchParams(r.request.body!);
      }),
      { numRuns: 1500 },
    );
  });
});
