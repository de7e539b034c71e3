// A whole request renders in one Handlebars call (fields as blocks of a combined program, from a
// set's second render on); that must give exactly what rendering each field alone gives,
// whitespace and errors included.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileTemplate, renderFields, renderTemplate, type EscapeMode } from ".";

const pieces = ["{{user.a}}", "{{{user.a}}}", "{{#if user.b}}", "{{else}}", "{{/if}}", "{{#each user.list}}", "{{this}}", "{{@index}}", "{{/each}}", "{{~user.a}}", "{{user.a~}}", "{{upper user.a}}", "{{json user.list}}", "{{! note }}", "\n", "  ", "\t", "x", "/", "?", "\"", "{{", "}}"];
const templateArb = fc.array(fc.constantFrom(...pieces), { maxLength: 10 }).map((a) => a.join(""));
const modeArb = fc.constantFrom<EscapeMode>("raw", "json", "url");
const valueArb = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("", ".", "a b", "é/?#"));

function alone(source: string, mode: EscapeMode, context: object) {
  try {
    return { ok: true, text: renderTemplate(compileTemplate(source), context, mode) };
  } catch {
    return { ok: false };
  }
}

describe("rendering fields together", () => {
  it("gives what rendering each field alone gives", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(templateArb, modeArb), { minLength: 1, maxLength: 4 }), valueArb, fc.boolean(), fc.array(valueArb, { maxLength: 3 }), (fields, a, b, list) => {
        const context = { user: { a, b, list } };
        const sources = fields.map(([source, mode], i) => ({ source: i === 0 ? `https://x.example/${source}` : source, mode: i === 0 ? ("url" as const) : mode }));
        // the first render of a set goes field by field, the next ones through the combined program
        for (const together of [renderFields(sources, context), renderFields(sources, context)]) {
          sources.forEach((f, i) => {
            const one = alone(f.source, f.mode, context);
            expect(together[i].ok, JSON.stringify(f)).toBe(one.ok);
            if (one.ok && together[i].ok) expect((together[i] as { text: string }).text, JSON.stringify(f)).toBe(one.text);
          });
        }
      }),
      { numRuns: 600 },
    );
  });
});
