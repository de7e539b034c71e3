// Issue 11, "Done when": random nesting of helpers, sub-expressions, blocks and @ variables never
// renders for longer than the budget (plus slack for a busy machine) and never puts a masked value
// (the URL's password, a secret header's value) into any other part of the request.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderWebhookRequest } from "../webhooks/render-request";
import type { TemplateContext, WebhookTemplate } from "../webhooks/types";
import { compileTemplate, MAX_RENDER_MS } from ".";
import { LOAD } from "@/test/load";

const URL_PASSWORD = "pw-URL-s3cret";
const HEADER_SECRET = "sk-HEADER-s3cret";
// Wall-clock slack for a busy machine: the budget is wall-clock, and so is one helper call's overrun
// past it; on two cores shared by many processes both stretch with the load.
const SLACK_MS = 1500 * LOAD;

const allowed = ["user.id", "user.list", "user.obj", "user.obj.k", "user.big", "this", "../user.list", "@index", "@key", "@first", "@last", "@root", "@root.user.id", "@../index"];
// what the runtime (or Handlebars) keeps in @data besides the documented names: refused, and rare
// here so that most templates compile and render
const refused = ["@__r", "@__r.outputs.[0]", "@__r.urlValues.[0].text", "@_parent", "@_parent.root", "@level", "@partial-block"];
const pathArb = fc.oneof({ arbitrary: fc.constantFrom(...allowed), weight: 30 }, { arbitrary: fc.constantFrom(...refused), weight: 1 });
const helpers = ["upper", "lower", "trim", "json", "default", "eq", "ne", "gt", "and", "or", "not", "urlencode", "lookup", "truncate", "date"];

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small" },
    pathArb,
    fc.constantFrom('"x"', "1", "true", "null"),
    fc.tuple(fc.constantFrom(...helpers), fc.array(tie("expr"), { minLength: 1, maxLength: 3 })).map(([h, args]) => `(${h} ${args.join(" ")})`),
  ),
}));

const { block } = fc.letrec<{ block: string }>((tie) => {
  const body = (max: number) => fc.array(tie("block"), { maxLength: max }).map((b) => b.join(""));
  return {
    block: fc.oneof(
      { depthSize: "small" },
      fc.constantFrom("text ", "/", "\n", '"'),
      pathArb.map((p) => `{{${p}}}`),
      pathArb.map((p) => `{{{${p}}}}`),
      fc.tuple(fc.constantFrom(...helpers), fc.array(expr, { minLength: 1, maxLength: 3 })).map(([h, args]) => `{{${h} ${args.join(" ")}}}`),
      fc.tuple(expr, body(3), body(2)).map(([c, a, b]) => `{{#if ${c}}}${a}{{else}}${b}{{/if}}`),
      fc.tuple(fc.constantFrom("user.list", "user.obj", "user.big", "this", "@root.user.big", "../user.big"), body(3)).map(([l, b]) => `{{#each ${l}}}${b}{{/each}}`),
      fc.tuple(expr, body(3)).map(([e, b]) => `{{#with ${e}}}${b}{{/with}}`),
      fc.tuple(expr, body(2)).map(([e, b]) => `{{#unless ${e}}}${b}{{/unless}}`),
    ),
  };
});

const context: TemplateContext = {
  user: { id: "u1", email: "u@example.com", attributes: { list: ["a", "b", "c"], obj: { k: "v", n: 2 }, big: Array.from({ length: 2000 }, (_, i) => ({ i, name: `item ${i}`, tags: ["x", "y"] })) } },
  event: { name: "purchase", params: { amount: 3 } },
  campaign: { id: "c1", name: "C" },
  action: { id: "a1" },
  now: new Date("2026-01-01T00:00:00Z"),
};

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

describe("random templates: bounded in time, never leak a masked value", () => {
  it("holds for nested helpers, sub-expressions, blocks and @ variables", () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 6 }), fc.array(block, { minLength: 1, maxLength: 6 }), block, (a, b, header) => {
        const template: WebhookTemplate = {
          method: "POST",
          contentType: "application/json",
          url: `https://api:${URL_PASSWORD}@hooks.example.com/{{user.id}}`,
          fields: [
            { key: "a", value: a.join(""), type: "text" },
            { key: "b", value: b.join(""), type: "text" },
          ],
          headers: [
            { name: "X-Api-Key", value: `${HEADER_SECRET}{{user.id}}`, secret: true },
            { name: "X-Other", value: header },
          ],
        };
        // compiling is bounded by the size and depth limits, not by the render budget
        for (const source of [template.url, ...template.fields.map((f) => f.value), ...template.headers.map((h) => h.value)]) {
          try {
            compileTemplate(source);
          } catch {
            // a refused template is an error of its field
          }
        }
        // first render: field by field; second: compiles the combined program; third: through it
        for (let round = 0; round < 3; round++) {
          const { value: result, ms } = timed(() => renderWebhookRequest(template, context, { webhookId: "msg", timestamp: new Date() }));
          if (round !== 1) expect(ms, `${JSON.stringify(template.fields)} took ${ms} ms`).toBeLessThan(2 * MAX_RENDER_MS + SLACK_MS);
          const exposed = result.ok
            ? JSON.stringify([result.request.url, result.request.body, result.request.headers.filter(([n]) => n !== "Authorization" && n !== "X-Api-Key")])
            : JSON.stringify(result.errors);
          expect(exposed).not.toContain(URL_PASSWORD);
          expect(exposed).not.toContain(HEADER_SECRET);
          expect(JSON.stringify(result.warnings)).not.toContain("s3cret");
        }
      }),
      { numRuns: 100 },
    );
  }, 180_000);
});
