// The editor's autocomplete: the list it offers (read off the real context and helpers), and
// completing a word at the caret.
import { describe, expect, it } from "vitest";
import { applySuggestion, completionAt, matchingSuggestions } from "./autocomplete";
import { buildTemplateContext, compileTemplate, renderTemplate } from ".";
import { knownHelpers } from "./environment";
import { HELPER_NAMES, templateSuggestions, type TemplateSuggestion } from "./suggestions";

const sources = {
  attributes: [
    { name: "city", types: ["string"] },
    { name: "First name", types: ["string"] },
    { name: "seats", types: ["number", "string"] },
  ],
  events: [
    { name: "purchase", params: ["amount", "sku"] },
    { name: "refund", params: ["amount"] },
  ],
};
const list = templateSuggestions(sources);
const names = (s: TemplateSuggestion[]) => s.map((x) => x.name);

describe("templateSuggestions", () => {
  it("offers each variable once, in its preferred spelling (the README's), then every helper", () => {
    expect(names(list.filter((s) => s.kind === "variable" && !s.aliasOf))).toEqual([
      "user.id",
      "user.email",
      "user.timezone",
      "user.city",
      "user.[First name]",
      "user.seats",
      "event.name",
      "event.params.amount",
      "event.params.sku",
      "campaign.id",
      "campaign.name",
      "action.id",
      "now",
    ]);
    expect(names(list.filter((s) => s.kind === "helper"))).toEqual([...HELPER_NAMES]);
    expect(HELPER_NAMES).toEqual(expect.arrayContaining(["default", "upper", "json", "date", "eq", "not"]));
  });

  it("names every helper the renderer knows, and no internal one", () => {
    for (const name of HELPER_NAMES) expect(knownHelpers[name], name).toBe(true);
    expect(HELPER_NAMES.some((n) => n.startsWith("__") || n === "log")).toBe(false);
  });

  it("says where names come from: attribute types, the events a parameter was seen on", () => {
    const detail = (name: string) => list.find((s) => s.name === name)?.detail;
    expect(detail("user.seats")).toBe("attribute · number, string");
    expect(detail("userAttribute.seats")).toBe("attribute · number, string");
    expect(detail("event.params.amount")).toBe("parameter of purchase, refund");
    expect(detail("event.name")).toBe("event: purchase, refund");
  });

  it("every variable it offers renders the value it stands for", () => {
    const context = buildTemplateContext({
      user: { id: "u1", email: "u1@example.com", timezone: "Europe/Paris", attributes: { city: "Paris", "First name": "Mary Ann", seats: 3 } },
      event: { name: "purchase", params: { amount: 150, sku: "A1" } },
      campaign: { id: "c1", name: "Spring" },
      action: { id: "a1" },
      now: new Date("2026-11-26T10:00:00Z"),
    });
    const rendered = Object.fromEntries(list.filter((s) => s.kind === "variable").map((s) => [s.name, renderTemplate(compileTemplate(`{{${s.name}}}`), context, "raw")]));
    expect(rendered).toEqual({
      "user.city": "Paris",
      "user.[First name]": "Mary Ann",
      "user.seats": "3",
      "userAttribute.city": "Paris",
      "userAttribute.[First name]": "Mary Ann",
      "userAttribute.seats": "3",
      "parameter.amount": "150",
      "parameter.sku": "A1",
      "user.id": "u1",
      "user.email": "u1@example.com",
      "user.timezone": "Europe/Paris",
      "event.name": "purchase",
      "event.params.amount": "150",
      "event.params.sku": "A1",
      "campaign.id": "c1",
      "campaign.name": "Spring",
      "action.id": "a1",
      now: "2026-11-26T10:00:00.000Z",
    });
  });

  it("brackets names that are not plain identifiers and skips the ones no path can name", () => {
    const odd = templateSuggestions({ attributes: ["a.b", "true", "9lives", "x]y", "ok-name"].map((name) => ({ name, types: ["string"] })), events: [] });
    expect(names(odd).filter((n) => n.startsWith("userAttribute."))).toEqual(["userAttribute.[a.b]", "userAttribute.[true]", "userAttribute.[9lives]", "userAttribute.ok-name"]);
    const context = buildTemplateContext({ user: { id: "u", attributes: { "a.b": 1, true: 2, "9lives": 3, "ok-name": 4 } }, now: new Date(0) });
    for (const [i, name] of ["userAttribute.[a.b]", "userAttribute.[true]", "userAttribute.[9lives]", "userAttribute.ok-name"].entries()) {
      expect(renderTemplate(compileTemplate(`{{${name}}}`), context, "raw")).toBe(String(i + 1));
    }
  });

  it("always offers event.name, even before any event is tracked", () => {
    expect(names(templateSuggestions({ attributes: [], events: [] })).slice(0, 8)).toEqual(["user.id", "user.email", "user.timezone", "event.name", "campaign.id", "campaign.name", "action.id", "now"]);
  });
});

describe("completing at the caret", () => {
  const complete = (text: string) => completionAt(text, text.length);

  it("opens inside an unclosed {{ and not elsewhere", () => {
    expect(complete("https://x.test/{{")).toMatchObject({ query: "", position: "start", raw: false });
    expect(complete("https://x.test/{{userAttr")).toMatchObject({ query: "userAttr", from: 17, to: 25 });
    expect(complete("https://x.test/{{user.id}}")).toBeNull();
    expect(complete("https://x.test/{")).toBeNull();
    expect(complete("no braces")).toBeNull();
    expect(complete("{{! a comment")).toBeNull();
    expect(complete("{{/if")).toBeNull();
    expect(complete('{{default user.plan "fr')).toBeNull();
    expect(complete("{{{user")).toMatchObject({ query: "user", raw: true, position: "start" });
    expect(complete("{{upper us")).toMatchObject({ query: "us", position: "argument" });
    expect(complete("{{#if (eq")).toMatchObject({ query: "eq", position: "subexpression" });
  });

  it("filters as you type: whole-name prefix, then a segment's prefix, then anywhere; helpers only where one may go", () => {
    const c = complete("{{userAttr")!;
    expect(names(matchingSuggestions(list, c))).toEqual(["userAttribute.city", "userAttribute.[First name]", "userAttribute.seats"]);
    expect(names(matchingSuggestions(list, complete("{{am")!))).toEqual(["event.params.amount", "user.[First name]", "event.name", "event.params.sku", "campaign.id", "campaign.name"]);
    expect(names(matchingSuggestions(list, complete("{{CITY")!))).toEqual(["user.city"]);
    expect(names(matchingSuggestions(list, complete("{{zzz")!))).toEqual([]);
    expect(names(matchingSuggestions(list, complete("{{up")!))).toEqual(["upper"]);
    expect(names(matchingSuggestions(list, complete("{{default up")!))).toEqual([]);
    expect(names(matchingSuggestions(list, complete("{{e")!)).slice(0, 5)).toEqual(["event.name", "event.params.amount", "event.params.sku", "eq", "user.email"]);
    expect(matchingSuggestions(list, complete("{{")!)).toHaveLength(list.filter((s) => !s.aliasOf).length);
    expect(matchingSuggestions(list, complete("{{")!, 5)).toHaveLength(5);
  });

  it("typing {{us offers the user's own fields first, then the attributes in the catalogue's order, then other names with a word starting so", () => {
    // the catalogue's order (by name), numbers-only names included: a JS object would put "9" and "10" first
    const catalogue = ["10", "9", "age", "city", ...Array.from({ length: 60 }, (_, i) => `z${String(i).padStart(2, "0")}`)];
    const many = templateSuggestions({ attributes: catalogue.map((name) => ({ name, types: ["string"] })), events: [{ name: "signup", params: ["user_tier"] }] });
    const offered = names(matchingSuggestions(many, complete("{{us")!));
    expect(offered.slice(0, 7)).toEqual(["user.id", "user.email", "user.timezone", "user.[10]", "user.[9]", "user.age", "user.city"]);
    expect(offered).toHaveLength(50);
    // a shorter catalogue: the segment match comes after every whole-name match
    expect(names(matchingSuggestions(list, complete("{{us")!))).toEqual(["user.id", "user.email", "user.timezone", "user.city", "user.[First name]", "user.seats"]);
    const tier = templateSuggestions({ attributes: [{ name: "plan", types: ["string"] }], events: [{ name: "signup", params: ["user_tier"] }] });
    expect(names(matchingSuggestions(tier, complete("{{us")!))).toEqual(["user.id", "user.email", "user.timezone", "user.plan", "event.params.user_tier"]);
  });

  it("typing {{user.f offers the attribute as the README spells it; typing the Leanplum spelling offers that one", () => {
    const readme = templateSuggestions({ attributes: ["firstName", "email", "plan"].map((name) => ({ name, types: ["string"] })), events: [{ name: "purchase", params: ["amount"] }] });
    const offered = (text: string) => names(matchingSuggestions(readme, complete(text)!));
    expect(offered("{{user.f")).toEqual(["user.firstName"]);
    // user.email is the user's own email: an attribute named so is only userAttribute.email
    expect(offered("{{user.")).toEqual(["user.id", "user.email", "user.timezone", "user.firstName", "user.plan"]);
    expect(offered("{{userAttribute.f")).toEqual(["userAttribute.firstName"]);
    expect(offered("{{userAttr")).toEqual(["userAttribute.firstName", "userAttribute.email", "userAttribute.plan"]);
    expect(offered("{{fir")).toEqual(["user.firstName"]);
    expect(offered("{{param")).toEqual(["parameter.amount", "event.params.amount"]);
    expect(offered("{{amo")).toEqual(["event.params.amount"]);
    expect(readme.find((s) => s.name === "userAttribute.firstName")).toMatchObject({ aliasOf: "user.firstName", detail: "attribute · string" });
  });

  it("inserts the name, closes the mustache and puts the caret after it", () => {
    const text = "https://x.test/{{userAttr";
    const city = list.find((s) => s.name === "userAttribute.city")!;
    expect(applySuggestion(text, completionAt(text, text.length)!, city)).toEqual({ text: "https://x.test/{{userAttribute.city}}", caret: 37 });
    // the rest of the word under the caret is replaced; an existing }} is kept
    const inside = "a/{{usr}}/b";
    expect(applySuggestion(inside, completionAt(inside, 5)!, city)).toEqual({ text: "a/{{userAttribute.city}}/b", caret: 22 });
    expect(applySuggestion("{{{us", complete("{{{us")!, city).text).toBe("{{{userAttribute.city}}}");
  });

  it("leaves the caret inside a helper, ready for its argument", () => {
    const upper = list.find((s) => s.name === "upper")!;
    const done = applySuggestion("x={{up", complete("x={{up")!, upper);
    expect(done).toEqual({ text: "x={{upper }}", caret: 10 });
    expect(completionAt(done.text, done.caret)).toMatchObject({ query: "", position: "argument" });
  });
});
