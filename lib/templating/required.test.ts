// {{required x}}: the value as {{x}} would insert it, or the render stops with a TemplateSkip ("skip
// this user"), naming x as written. Empty: missing, null, blank text (trimmed), an empty list; the
// number 0 and false are values.
import { describe, expect, it } from "vitest";
import { buildTemplateContext, compileTemplate, prepareFields, renderFields, renderTemplate, TemplateSkip, type EscapeMode } from ".";
import { countExpressions } from "./source-check";
import { templateSuggestions } from "./suggestions";

const ctx = buildTemplateContext({
  user: { id: "u1", attributes: { crmId: "A/B 1&x", quote: 'say "hi"', blank: " \t ", empty: "", nothing: null, zero: 0, no: false, list: [], tags: ["a"], items: [{ sku: "s1" }, { sku: "" }] } },
  event: null,
  campaign: { id: "c1", name: "Spring" },
  action: { id: "a1" },
  now: new Date("2026-11-26T00:00:00Z"),
});

const render = (source: string, mode: EscapeMode = "raw") => renderTemplate(compileTemplate(source), ctx, mode);

/** The skip a render stops with (or the text, when it did not). */
function outcome(source: string, mode: EscapeMode = "raw"): string {
  try {
    return render(source, mode);
  } catch (err) {
    if (err instanceof TemplateSkip) return `skip: ${err.reason}`;
    throw err;
  }
}

describe("{{required}}", () => {
  it("renders a present value exactly as {{x}} and {{default x …}} would, in every context", () => {
    for (const mode of ["url", "json", "raw"] as EscapeMode[]) {
      for (const path of ["user.crmId", "user.quote", "user.zero", "user.no", "user.tags"]) {
        const prefix = mode === "url" ? "https://api.example.com/u/" : "";
        const suffix = mode === "url" ? `?q={{required ${path}}}` : "";
        expect(render(`${prefix}{{required ${path}}}${suffix}`, mode), `${mode} ${path}`).toBe(render(`${prefix}{{${path}}}${suffix.replace("required ", "")}`, mode));
        expect(render(`${prefix}{{{required ${path}}}}`, mode)).toBe(render(`${prefix}{{{${path}}}}`, mode));
      }
    }
    expect(render("https://api.example.com/u/{{required user.crmId}}?q={{required user.crmId}}", "url")).toBe("https://api.example.com/u/A%2FB%201%26x?q=A%2FB%201%26x");
    expect(render('{"q": "{{required user.quote}}"}', "json")).toBe('{"q": "say \\"hi\\""}');
  });

  it("0 and false are values; missing, null, blank text and an empty list skip, naming the value as written", () => {
    expect(outcome("{{required user.zero}}|{{required user.no}}")).toBe("0|false");
    expect(outcome("{{required user.crmIdx}}")).toBe("skip: user.crmIdx is empty");
    expect(outcome("{{required user.nothing}}")).toBe("skip: user.nothing is empty");
    expect(outcome("{{required user.empty}}")).toBe("skip: user.empty is empty");
    expect(outcome("{{required user.blank}}")).toBe("skip: user.blank is empty");
    expect(outcome("{{required user.list}}")).toBe("skip: user.list is empty");
    expect(outcome("{{required   userAttribute.[First name]  }}")).toBe("skip: userAttribute.[First name] is empty");
    expect(outcome("{{upper (required user.blank)}}")).toBe("skip: user.blank is empty");
  });

  it("takes a reason of the template's own", () => {
    expect(outcome('{{required user.crmId "no CRM id yet"}}')).toBe("A/B 1&x");
    expect(outcome('{{required user.blank "no CRM id yet"}}')).toBe("skip: no CRM id yet");
    const err = (() => {
      try {
        render("{{required user.blank}}");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TemplateSkip);
    expect((err as TemplateSkip).message).toBe("Skipped: user.blank is empty");
  });

  it("works in #if and #each bodies, and only where it renders", () => {
    expect(outcome("{{#if user.crmId}}{{required user.crmId}}{{/if}}")).toBe("A/B 1&x");
    expect(outcome("{{#if user.missing}}{{required user.missing}}{{/if}}")).toBe("");
    expect(outcome("{{#each user.items}}{{required sku}},{{/each}}")).toBe("skip: sku is empty");
    expect(outcome("{{#each user.tags}}{{required this}}{{/each}}")).toBe("a");
  });

  it("keeps whitespace control as other helpers do", () => {
    const source = "a\n  {{~required user.crmId~}}  \n{{#if user.crmId}}\nb\n{{/if}}\n";
    expect(render(source)).toBe(render(source.replace("required", "default")));
  });

  it("is refused at compile when it cannot mean 'this value or skip'", () => {
    expect(() => compileTemplate("{{#required user.crmId}}x{{/required}}")).toThrow(/is not a block/);
    expect(() => compileTemplate("{{required}}")).toThrow(/takes the value and, optionally, a reason/);
    expect(() => compileTemplate("{{required user.a user.b user.c}}")).toThrow(/takes the value/);
    // the name it is told is not a template's to write
    expect(() => compileTemplate('{{required user.a written="user.b"}}')).toThrow(/takes the value/);
  });

  it("counts as other helpers do towards the template limits", () => {
    expect(countExpressions("{{required user.crmId}}")).toBe(countExpressions("{{upper user.crmId}}"));
    expect(countExpressions('{{required user.crmId "why"}}')).toBe(countExpressions('{{default user.crmId "x"}}'));
  });

  it("skips a request rendered in one call (the combined program) as field by field", () => {
    const fields = prepareFields([
      { source: "https://api.example.com/{{required user.crmId}}", mode: "url" },
      { source: "{{required user.blank}}", mode: "raw" },
    ]);
    for (let i = 0; i < 3; i++) {
      const out = renderFields(fields, ctx);
      expect(out[0]).toEqual({ ok: true, text: "https://api.example.com/A%2FB%201%26x" });
      expect(out[1]!.ok).toBe(false);
      expect(!out[1]!.ok && out[1]!.error).toBeInstanceOf(TemplateSkip);
    }
    // every value present: the combined program (from the second render on) gives what field by field does
    const present = prepareFields([
      { source: "https://api.example.com/{{required user.crmId}}?z={{user.zero}}", mode: "url" },
      { source: '{"q": "{{required user.quote "no quote"}}"}', mode: "json" },
    ]);
    const expected = [
      { ok: true, text: "https://api.example.com/A%2FB%201%26x?z=0" },
      { ok: true, text: '{"q": "say \\"hi\\""}' },
    ];
    for (let i = 0; i < 3; i++) expect(renderFields(present, ctx)).toEqual(expected);
  });

  it("is offered by the autocomplete with a line saying what it does", () => {
    const list = templateSuggestions({ attributes: [], events: [] });
    expect(list.find((s) => s.name === "required")).toEqual({ name: "required", kind: "helper", detail: "helper · skips the user when the value is empty" });
  });
});

// The name was sliced from the source by Handlebars' line numbers, which count a lone CR as a line end
// where a count of "\n" did not: "hunter2-SECRET-PW\r\r{{required …}}" named "RET-PW\r\r{{" (a secret's tail,
// stored as the delivery's reason and shown to viewers). Now it is the parsed path, written as a template writes it.
describe("{{required}}'s name of its value", () => {
  it("is the parsed path, whatever the line ends before it; a subexpression is 'a required value'", () => {
    expect(outcome("hunter2-SECRET-PW\r\r{{required user.crmIdx}}")).toBe("skip: user.crmIdx is empty");
    expect(outcome("Hi\r{{required user.missing}}")).toBe("skip: user.missing is empty");
    expect(outcome("a\r\nb\rc\n{{required user.[plan.tier]}}")).toBe("skip: user.[plan.tier] is empty");
    expect(outcome("{{required user/missing}}")).toBe("skip: user.missing is empty");
    expect(outcome("{{#each user.items}}{{required this.sku}}{{/each}}")).toBe("skip: this.sku is empty");
    expect(outcome("{{required (trim user.blank)}}")).toBe("skip: a required value is empty");
    expect(outcome("{{required @root.user.missing}}")).toBe("skip: @root.user.missing is empty");
  });
});
