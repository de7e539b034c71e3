// Hostile input, fuzzed: random templates and values never throw; every JSON body parses and gives
// the value back; every URL parses, keeps its host, its path segments and its query keys; form
// bodies give the value back; header values never carry a line break.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wellFormed } from "../templating/escape";
import { renderWebhookRequest } from "./render-request";
import type { FieldType, TemplateContext, WebhookTemplate } from "./types";

const pieces = ["{{", "}}", "{{{", "}}}", "{{#if user.plan}}", "{{/if}}", "{{else}}", "{{user.city}}", "{{{user.city}}}", '{{lookup this "__proto__"}}', "{{constructor}}", "{{> p}}", "{{json user}}", '{{default user.x "d"}}', "{{#each user.list}}", "{{/each}}", "{{urlencode user.city}}", '"', "\\", "\n", "&", "=", "#", "?", "/", "..", "🎉", "\u200f", "\uE000", "\uE001"];
const templateArb = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 12 }).map((a) => a.join(""));
const hostileStrings = fc.constantFrom('"}', "\u2028", "a&b=c#d", "../..", ".", "..", "\u0000", "%zz", "%2e%2e", "São Paulo/Centro", "\uE0000\uE001", "\uD800", "a\r\nX-Evil: 1", "\u202Eevil", "https://evil.example/");
const valueArb = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), hostileStrings);
const anyValue = fc.oneof(valueArb, fc.integer(), fc.boolean(), fc.constant(null), fc.array(valueArb, { maxLength: 3 }));

const ctxFor = (value: unknown): TemplateContext => ({ user: { id: "u", attributes: { city: value, plan: value, v: value, list: [value, value] } }, now: new Date() });
const opts = { webhookId: "msg", timestamp: new Date(), collectWarnings: true };
const base: WebhookTemplate = { method: "POST", url: "https://api.example.com/hook", contentType: "application/json", fields: [], headers: [] };

describe("renderWebhookRequest under fuzzing", () => {
  it("random templates never throw; JSON bodies parse; URLs keep their host", () => {
    fc.assert(
      fc.property(templateArb, templateArb, anyValue, fc.constantFrom<FieldType>("text", "number", "boolean", "json"), fc.boolean(), (urlTail, value, attr, type, json) => {
        const r = renderWebhookRequest(
          { ...base, url: `https://api.example.com/x/${urlTail}`, contentType: json ? "application/json" : "application/x-www-form-urlencoded", fields: [{ key: "k", value, type }], headers: [{ name: "X-V", value }] },
          ctxFor(attr),
          opts,
        );
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          return;
        }
        expect(new URL(r.request.url).host).toBe("api.example.com");
        if (json) expect(() => JSON.parse(r.request.body!)).not.toThrow();
        else new URLSearchParams(r.request.body!);
        for (const [, v] of r.request.headers) expect(v).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 800 },
    );
  });

  it("a value in the URL stays in its path segment, query value and fragment", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const r = renderWebhookRequest({ ...base, url: "https://api.example.com/p/{{user.v}}/q?a={{user.v}}&b=1#{{user.v}}" }, ctxFor(v), opts);
        if (!r.ok) {
          // only a value that is a whole "." or ".." segment is refused
          expect(v === "." || v === "..").toBe(true);
          return;
        }
        const url = new URL(r.request.url);
        expect(url.host).toBe("api.example.com");
        const segments = url.pathname.split("/");
        expect(segments).toHaveLength(4);
        expect(decodeURIComponent(segments[2])).toBe(wellFormed(v));
        expect([...url.searchParams.keys()]).toEqual(["a", "b"]);
        expect(url.searchParams.get("a")).toBe(wellFormed(v));
        expect(decodeURIComponent(url.hash.slice(1))).toBe(wellFormed(v));
      }),
      { numRuns: 500 },
    );
  });

  it("JSON text and JSON-typed fields, and form fields, give the value back exactly", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const json = renderWebhookRequest(
          { ...base, fields: [{ key: "text", value: "{{user.v}}", type: "text" }, { key: "nested.in", value: '{"s": "{{user.v}}", "list": {{json user.list}} }', type: "json" }] },
          ctxFor(v),
          opts,
        );
        if (!json.ok) throw new Error(JSON.stringify(json.errors));
        expect(JSON.parse(json.request.body!)).toEqual({ text: v, nested: { in: { s: v, list: [v, v] } } });

        const form = renderWebhookRequest({ ...base, contentType: "application/x-www-form-urlencoded", fields: [{ key: "k", value: "{{user.v}}", type: "text" }] }, ctxFor(v), opts);
        if (!form.ok) throw new Error(JSON.stringify(form.errors));
        expect([...new URLSearchParams(form.request.body!)]).toEqual([["k", wellFormed(v)]]);
      }),
      { numRuns: 500 },
    );
  });

  it("a header value is sent as rendered or refused, never split", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const r = renderWebhookRequest({ ...base, headers: [{ name: "X-V", value: "{{user.v}}" }] }, ctxFor(v), opts);
        if (/[\r\n\0]/.test(v)) expect(r.ok).toBe(false);
        else if (r.ok) expect(r.request.headers.filter(([n]) => n === "X-V")).toEqual([["X-V", v]]);
      }),
      { numRuns: 300 },
    );
  });
});
