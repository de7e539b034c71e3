// The template engine on its own: escaping per context (URL parts, JSON strings, raw), helpers,
// safety (prototype access, internal helpers, partials, decorators), budgets and errors.
import { describe, expect, it } from "vitest";
import { buildTemplateContext, compileTemplate, prepareFields, renderFields, renderTemplate, templateSyntaxProblem, templateVariables, TemplateError, MAX_ITERATIONS, type EscapeMode } from ".";

const ctx = buildTemplateContext({
  user: { id: "u 1", email: "mary@example.com", attributes: { city: "São Paulo/Centro", plan: "pro", "First name": "Mary Ann", tags: ["a", "b"], address: { zip: "75001" }, spaces: "  Paris ", n: 42, zero: 0 } },
  event: { name: "purchase", params: { amount: 150, sku: "A&B=C#D" } },
  campaign: { id: "c1", name: "Spring" },
  action: { id: "a1" },
  now: new Date("2026-11-26T23:30:00Z"),
});

const render = (source: string, mode: EscapeMode = "raw", context: object = ctx) => renderTemplate(compileTemplate(source), context, mode);
const url = (source: string, context: object = ctx) => render(source, "url", context);

const hostile = [`quote " and ' `, "amp & eq = hash # slash / q ?", "new\nline\r\n", "emoji 🎉👩‍👩‍👧", "RTL \u202Eمرحبا עברית", "back\\slash", "%2e%2e%2F", "tab\there", "\uE0000\uE001 marker"];

describe("URL context: each value is encoded for the part it lands in", () => {
  it.each(hostile)("path segment, query value and fragment keep %j whole", (value) => {
    const c = { user: { v: value } };
    const out = new URL(url("https://api.example.com/a/{{user.v}}/b?x={{user.v}}&y=1#f-{{user.v}}", c));
    expect(out.host).toBe("api.example.com");
    expect(out.pathname.split("/")).toHaveLength(4);
    expect(decodeURIComponent(out.pathname.split("/")[2])).toBe(value);
    expect([...out.searchParams.keys()]).toEqual(["x", "y"]);
    expect(out.searchParams.get("x")).toBe(value);
    expect(decodeURIComponent(out.hash.slice(3))).toBe(value);
  });

  it("São Paulo/Centro cannot add a path segment or a query parameter", () => {
    expect(url("https://api.example.com/cities/{{user.city}}?q={{user.city}}")).toBe("https://api.example.com/cities/S%C3%A3o%20Paulo%2FCentro?q=S%C3%A3o%20Paulo%2FCentro");
  });

  it("a value cannot move the request to another host", () => {
    for (const v of ["evil.example/x", "evil.example?", "evil.example#", "@evil.example", "evil.example:8080"]) {
      const out = url("https://{{user.v}}.api.example.com/x", { user: { v: v } });
      let host: string | null = null;
      try {
        host = new URL(out).hostname;
      } catch {
        host = null; // not a valid URL at all: refused later
      }
      if (host) expect(host.endsWith(".api.example.com"), `${v} -> ${out}`).toBe(true);
    }
  });

  it("credentials in the userinfo are encoded and decode back", () => {
    const out = new URL(url("https://{{user.u}}:{{user.p}}@api.example.com/", { user: { u: "na:me", p: "p@ss/w#rd" } }));
    expect(out.host).toBe("api.example.com");
    expect(decodeURIComponent(out.username)).toBe("na:me");
    expect(decodeURIComponent(out.password)).toBe("p@ss/w#rd");
  });

  it.each([".", ".."])("refuses %j as a whole path segment (it would remove one)", (v) => {
    expect(() => url("https://api.example.com/users/{{user.v}}/profile", { user: { v } })).toThrow(/"\." or "\.\."/);
    expect(() => url("https://api.example.com/users/{{user.v}}{{user.v}}", { user: { v: "." } })).toThrow(/"\." or "\.\."/);
  });

  it("an encoded dot in a value stays text", () => {
    expect(url("https://api.example.com/users/{{user.v}}/profile", { user: { v: "%2e%2e" } })).toBe("https://api.example.com/users/%252e%252e/profile");
  });

  it("dots are fine inside a segment, in the query and in the fragment", () => {
    const c = { user: { v: ".." } };
    expect(url("https://api.example.com/f{{user.v}}/x?q={{user.v}}#{{user.v}}", c)).toBe("https://api.example.com/f../x?q=..#..");
  });

  it("{{json}} is percent-encoded in a URL; {{urlencode}} is not encoded twice", () => {
    const out = url("https://api.example.com/x?data={{json user.address}}&u={{urlencode user.city}}");
    const parsed = new URL(out);
    expect([...parsed.searchParams.keys()]).toEqual(["data", "u"]);
    expect(JSON.parse(parsed.searchParams.get("data")!)).toEqual({ zip: "75001" });
    expect(parsed.searchParams.get("u")).toBe("São Paulo/Centro");
  });

  it("{{{triple}}} inserts a whole URL raw", () => {
    expect(url("{{{user.endpoint}}}/x/{{user.id}}", { user: { endpoint: "https://hooks.example.org/a?b=c", id: "1/2" } })).toBe("https://hooks.example.org/a?b=c/x/1%2F2");
  });
});

describe("JSON context and raw context", () => {
  it.each(hostile)("inside a JSON string, %j stays one string", (value) => {
    const out = render('{"v": "{{user.v}}", "n": {{user.n}} }', "json", { user: { v: value, n: 7 } });
    expect(JSON.parse(out)).toEqual({ v: value, n: 7 });
  });

  it("a value outside quotes cannot add keys: the document fails to parse instead", () => {
    const out = render('{"n": {{user.v}} }', "json", { user: { v: '1, "admin": true' } });
    expect(() => JSON.parse(out)).toThrow();
  });

  it("{{json}} inserts a JSON value in a JSON field", () => {
    expect(JSON.parse(render('{"tags": {{json user.tags}}, "a": {{json user.address}}, "none": {{json user.missing}} }', "json"))).toEqual({ tags: ["a", "b"], a: { zip: "75001" }, none: null });
  });

  it("raw context inserts text as is; objects as JSON; missing values as nothing", () => {
    expect(render("{{user.city}} & {{user.address}} [{{user.missing}}] {{user.zero}}")).toBe('São Paulo/Centro & {"zip":"75001"} [] 0');
  });
});

describe("variables", () => {
  it("user.*, userAttribute.* (brackets for spaces), event.*, parameter.*, campaign.*, action.id, now", () => {
    expect(render("{{user.id}}|{{user.email}}|{{user.plan}}|{{userAttribute.plan}}|{{userAttribute.[First name]}}")).toBe("u 1|mary@example.com|pro|pro|Mary Ann");
    expect(render("{{event.name}}|{{event.params.amount}}|{{parameter.sku}}|{{campaign.id}}|{{campaign.name}}|{{action.id}}|{{now}}")).toBe("purchase|150|A&B=C#D|c1|Spring|a1|2026-11-26T23:30:00.000Z");
  });

  it("user.id, user.email and user.timezone are the built-in fields, even when the field is empty and an attribute of that name was stored before such names were refused; userAttribute.* still reads such an attribute", () => {
    const shadowed = buildTemplateContext({ user: { id: "u2", email: null, timezone: "Europe/Paris", attributes: { id: "u1", email: "mary@example.com", timezone: "Pacific/Kiritimati" } }, now: new Date(0) });
    expect(render("{{user.id}}|{{user.email}}|{{user.timezone}}", "raw", shadowed)).toBe("u2||Europe/Paris");
    expect(render("{{userAttribute.email}}", "raw", shadowed)).toBe("mary@example.com");
  });

  it("lists the variables a template reads, once per template", () => {
    expect(templateVariables("{{user.city}} {{#if (eq user.plan 'pro')}}{{userAttribute.[First name]}}{{/if}} {{#each user.tags}}{{this}}{{/each}} {{upper event.name}}")).toEqual([
      "user.city",
      "user.plan",
      "userAttribute.[First name]",
      "user.tags",
      "event.name",
    ]);
  });
});

describe("helpers (one example each, as in the README)", () => {
  it.each([
    ['{{default user.nickname "there"}}', "there"],
    ['{{default user.zero "none"}}', "0"],
    ["{{upper user.plan}}", "PRO"],
    ["{{lower (upper user.plan)}}", "pro"],
    ["{{trim user.spaces}}", "Paris"],
    ['{{truncate "🎉🎉🎉" 2}}', "🎉🎉"],
    ["{{truncate userAttribute.[First name] 2}}", "Ma"],
    ["{{urlencode user.city}}", "S%C3%A3o%20Paulo%2FCentro"],
    ["{{json user.tags}}", '["a","b"]'],
    ['{{date now "yyyy-MM-dd" "Europe/Paris"}}', "2026-11-27"],
    ['{{date now "yyyy-MM-dd HH:mm"}}', "2026-11-26 23:30"],
    ['{{date 0 "yyyy-MM-dd"}}', "1970-01-01"],
    ['{{date "not a date" "yyyy"}}', ""],
    ['{{#if (eq user.plan "pro")}}yes{{/if}}', "yes"],
    ['{{#if (ne user.plan "pro")}}yes{{else}}no{{/if}}', "no"],
    ["{{#if (gt event.params.amount 100)}}big{{/if}}", "big"],
    ["{{#if (lt event.params.amount 100)}}small{{else}}not small{{/if}}", "not small"],
    ['{{#if (and (eq user.plan "pro") (gt event.params.amount 100))}}vip{{/if}}', "vip"],
    ['{{#if (or (eq user.plan "free") user.missing)}}x{{else}}y{{/if}}', "y"],
    ["{{#if (not user.missing)}}absent{{/if}}", "absent"],
    ["{{#each user.tags}}{{@index}}={{this}};{{/each}}", "0=a;1=b;"],
    ["{{#with user.address}}{{zip}}{{/with}}", "75001"],
    // helpers in every position: each template compiles with just the helpers it calls
    ["{{#unless (lt event.params.amount 3)}}u{{/unless}}", "u"],
    ["{{#with (json user.tags)}}{{this}}{{/with}}", '["a","b"]'],
    ["{{lookup user.tags 1}}", "b"],
    ["{{default user.x (upper user.plan)}}", "PRO"],
    ['{{#if (eq user.plan "x")}}a{{else if (gt event.params.amount 3)}}b{{/if}}', "b"],
    ["{{#user.tags}}[{{this}}]{{/user.tags}}", "[a][b]"],
    ["{{trim (truncate (lower user.spaces) 4)}}", "pa"],
  ])("%s -> %j", (source, expected) => {
    expect(render(source)).toBe(expected);
  });
});

describe("safety", () => {
  it.each([
    "{{constructor.constructor}}",
    '{{lookup this "__proto__"}}',
    '{{lookup user "constructor"}}',
    "{{__proto__}}",
    "{{user.__proto__.polluted}}",
    "{{user.constructor.name}}",
    "{{@root.constructor.constructor}}",
    '{{#with (lookup this "constructor")}}{{name}}{{/with}}',
    "{{#each user.tags}}{{constructor.name}}{{/each}}",
    "{{#with user}}{{toString}}{{hasOwnProperty}}{{valueOf}}{{/with}}",
    '{{user.city.constructor.constructor "return process"}}',
  ])("prototype access renders nothing or fails cleanly: %s", (source) => {
    let out: string | undefined;
    try {
      out = render(source);
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateError);
    }
    if (out !== undefined) expect(out).toBe("");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["{{> partial}}", /Partials/],
    ["{{#> layout}}x{{/layout}}", /Partials/],
    ["{{* decorator}}", /Decorators/],
    ["{{evil user.id}}", /Unknown helper evil/],
    ["{{#evil x}}x{{/evil}}", /Unknown helper evil/],
    ["{{log 'x'}}", /Unknown helper log|log/],
    ['{{__esc user.id}}', /Unknown helper __esc/],
    ['{{#__field 0 "raw"}}x{{/__field}}', /Unknown helper __field/],
    ['{{upper (__esc user.id)}}', /Unknown helper __esc/],
    ["{{helperMissing}}", /Unknown helper helperMissing/],
  ])("refuses %s", (source, message) => {
    expect(() => compileTemplate(source)).toThrow(message);
  });

  it("only strings are compiled", () => {
    expect(() => compileTemplate({ type: "Program", body: [] } as unknown as string)).toThrow(TemplateError);
  });

  it("bounds #each: iterations and output", () => {
    const many = { user: { list: Array.from({ length: MAX_ITERATIONS + 1 }, (_, i) => i) } };
    expect(() => render("{{#each user.list}}{{this}}{{/each}}", "raw", many)).toThrow(/#each runs more than|Rendering took longer/); // whichever bound comes first on a busy machine
    const big = { user: { list: Array.from({ length: 100 }, () => "x".repeat(20_000)) } };
    expect(() => render("{{#each user.list}}{{this}}{{/each}}", "raw", big)).toThrow(/#each produces more than 1 MiB|values inserted add up|Rendering took longer/);
    const nested = { user: { list: Array.from({ length: 200 }, (_, i) => i) } };
    expect(() => render("{{#each user.list}}{{#each ../user.list}}{{#each ../../user.list}}.{{/each}}{{/each}}{{/each}}", "raw", nested)).toThrow(/#each|Rendering took longer/);
  });

  it("bounds the output: over 256 KiB is an error", () => {
    expect(() => render("{{user.v}}{{user.v}}", "raw", { user: { v: "é".repeat(70_000) } })).toThrow(/over 256 KiB/);
  });
});

describe("errors and caching", () => {
  it("parse errors give line and column", () => {
    expect(templateSyntaxProblem("line one\n  {{#if user.plan}}")).toMatchObject({ line: 2, column: 3, message: "`{{#if}}` opened on line 2 is not closed: add `{{/if}}`" });
    expect(templateSyntaxProblem("ab {{user.}")).toMatchObject({ line: 1, column: expect.any(Number) });
    expect(templateSyntaxProblem('{"n": {{user.n}}}')).toMatchObject({ message: expect.stringMatching(/put a space/) });
    expect(templateSyntaxProblem("{{#each user.tags}}{{/if}}")).toMatchObject({ message: expect.stringMatching(/does not match `\{\{#each\}\}`/) });
    expect(templateSyntaxProblem("fine {{user.id}}")).toBeNull();
  });

  it("compiles once per source", () => {
    expect(compileTemplate("cache {{user.id}}")).toBe(compileTemplate("cache {{user.id}}"));
    expect(compileTemplate("static text").isStatic).toBe(true);
  });

  it("renders a whole set of fields in one call, each in its own context, errors per field", () => {
    const out = renderFields(
      [
        { source: "https://x.example/{{user.city}}", mode: "url" },
        { source: '{"c": "{{user.city}}"}', mode: "json" },
        { source: "{{user.city}}", mode: "raw" },
        { source: "static", mode: "raw" },
        { source: "{{#if}}", mode: "raw" },
      ],
      ctx,
    );
    expect(out.slice(0, 4)).toEqual([
      { ok: true, text: "https://x.example/S%C3%A3o%20Paulo%2FCentro" },
      { ok: true, text: '{"c": "São Paulo/Centro"}' },
      { ok: true, text: "São Paulo/Centro" },
      { ok: true, text: "static" },
    ]);
    expect(out[4].ok).toBe(false);
  });

  it("compiles a combined program once per set of templated fields, from its second render on", () => {
    const fields = (typed: string) => [
      { source: "https://x.example/{{user.city}}", mode: "url" as const },
      { source: typed, mode: "raw" as const },
      { source: "{{user.city}}!", mode: "raw" as const },
    ];
    const first = prepareFields(fields("typed 1"));
    expect(renderFields(first, ctx).map((o) => o.ok && o.text)).toEqual(["https://x.example/S%C3%A3o%20Paulo%2FCentro", "typed 1", "São Paulo/Centro!"]);
    expect(first.fn).toBeNull(); // the first render of a set goes field by field
    // typing plain text changes no templated field: the same program, compiled on this second render
    const second = prepareFields(fields("typed 2"));
    expect(renderFields(second, ctx).map((o) => o.ok && o.text)).toEqual(["https://x.example/S%C3%A3o%20Paulo%2FCentro", "typed 2", "São Paulo/Centro!"]);
    expect(second.fn).not.toBeNull();
    const third = prepareFields(fields("typed 3"));
    renderFields(third, ctx);
    expect(third.fn).toBe(second.fn);
  });

  it("a runtime failure in one field does not hide the others", () => {
    const out = renderFields(
      [
        { source: "{{user.city}}", mode: "raw" },
        { source: "{{#each user.list}}{{this}}{{/each}}", mode: "raw" },
      ],
      { user: { city: "Paris", list: Array.from({ length: MAX_ITERATIONS + 5 }, () => 1) } },
    );
    expect(out[0]).toEqual({ ok: true, text: "Paris" });
    expect(out[1]).toMatchObject({ ok: false, error: expect.any(TemplateError) });
  });
});
