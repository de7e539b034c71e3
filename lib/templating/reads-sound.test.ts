// What a template is said to read (compileTemplate(...).paths) covers every attribute its output can
// show: the rule that holds a follow-up until an earlier step's answer is saved (awaited-steps.ts), the
// missing-value warnings and Activate's checks all go by that list. Checked against the renderer itself:
// a template whose output shows the attribute's value must list it (or the whole user).
import { describe, expect, it } from "vitest";
import { buildTemplateContext, compileTemplate, renderTemplate } from ".";

const SECRET = "SECRET-CRM-7";
const context = buildTemplateContext({
  user: { id: "u1", attributes: { crmId: SECRET, isVip: true, tags: ["a"], codes: ["S"], address: { zip: "75001" } } },
  event: { name: "purchase", params: { sku: "A1", items: [{ n: 1 }] } },
  campaign: { id: "c1", name: "Spring" },
  action: { id: "a1" },
  now: new Date("2026-12-07T12:00:00Z"),
});
const listsCrmId = (paths: string[]) => paths.some((p) => ["user", "userAttribute", "user.crmId", "userAttribute.crmId"].includes(p));

describe("a template's reads", () => {
  // sections over a value ({{#campaign}}…{{/campaign}}) change the scope when the value is an object or
  // a list, not when it is true: `../` inside one reads the top level (an attacker's review)
  const shapes = [
    "{{#campaign}}{{../user.crmId}}{{/campaign}}",
    "{{#action}}{{../userAttribute.crmId}}{{/action}}",
    "{{#event}}{{#params}}{{../../user.crmId}}{{/params}}{{/event}}",
    "{{#user.address}}{{../user.crmId}}{{/user.address}}",
    "{{#user.tags}}{{../user.crmId}}{{/user.tags}}",
    "{{#event.params.items}}{{../user.crmId}}{{/event.params.items}}",
    "{{#user.isVip}}{{user.crmId}}{{/user.isVip}}",
    "{{#campaign}}{{#with ../user}}{{crmId}}{{/with}}{{/campaign}}",
    "{{#campaign}}{{#each ../user.tags}}{{../../user.crmId}}{{/each}}{{/campaign}}",
    "{{#each event.params.items}}{{#campaign}}{{x}}{{/campaign}}{{../user.crmId}}{{/each}}",
    '{{#campaign}}{{lookup ../user "crmId"}}{{/campaign}}',
    "{{#campaign}}{{upper ../user.crmId}}{{/campaign}}",
    "{{#if campaign}}{{#campaign}}{{../user.crmId}}{{/campaign}}{{/if}}",
    "{{#user.missing}}{{else}}{{user.crmId}}{{/user.missing}}",
    "{{#with campaign as |c|}}{{../user.crmId}}{{/with}}",
  ];
  it.each(shapes)("%s shows the attribute and lists it", (source) => {
    const compiled = compileTemplate(source);
    expect(renderTemplate(compiled, context, "raw")).toContain(SECRET);
    expect(listsCrmId(compiled.paths), JSON.stringify(compiled.paths)).toBe(true);
  });

  it("a block's own names are still not the top level's: no attribute is listed for them", () => {
    expect(compileTemplate("{{#with event.params}}{{crmId}}{{/with}}").paths).toEqual(["event.params"]);
    expect(compileTemplate("{{#if user.isVip}}{{campaign.name}}{{/if}}").paths).toEqual(["user.isVip", "campaign.name"]);
  });
});

describe("a template's reads, continued (the second review)", () => {
  // #if/#unless with |params| keep the scope; #with/#each over the current value ({{#with this}}) add none
  const shapes = [
    "{{#if campaign as |c|}}{{user.crmId}}{{/if}}",
    "{{#unless user.missing as |c|}}{{user.crmId}}{{/unless}}",
    "{{#user.isVip as |v|}}{{user.crmId}}{{/user.isVip}}",
    "{{#with campaign}}{{#if ../user.isVip as |x|}}{{../user.crmId}}{{/if}}{{/with}}",
    "{{#with campaign}}{{#with this}}{{../user.crmId}}{{/with}}{{/with}}",
    "{{#with campaign}}{{#with ../campaign}}{{../user.crmId}}{{/with}}{{/with}}",
    "{{#with campaign}}{{#with @root.campaign}}{{../user.crmId}}{{/with}}{{/with}}",
    "{{#with campaign as |c|}}{{#with c}}{{../user.crmId}}{{/with}}{{/with}}",
    "{{#each event.params.items}}{{#with this}}{{../user.crmId}}{{/with}}{{/each}}",
    "{{#each event.params.items as |i|}}{{#with i}}{{../user.crmId}}{{/with}}{{/each}}",
    // #each over a one-item list compares loosely equal to it: no scope added (review 2)
    "{{#with user.codes}}{{#each this}}[{{../user.crmId}}]{{/each}}{{/with}}",
  ];
  it.each(shapes)("%s shows the attribute and lists it", (source) => {
    const compiled = compileTemplate(source);
    expect(renderTemplate(compiled, context, "raw")).toContain(SECRET);
    expect(listsCrmId(compiled.paths), JSON.stringify(compiled.paths)).toBe(true);
    expect(listsCrmId(compiled.neededPaths), JSON.stringify(compiled.neededPaths)).toBe(true);
  });
});

describe("what a template needs: a value it shows, not one it only tests", () => {
  const needs = (source: string) => compileTemplate(source).neededPaths;
  it("a test, a read under a test of itself and default's first argument need nothing", () => {
    expect(needs("{{#if user.coupon}}{{user.coupon}}{{else}}none{{/if}}")).toEqual([]);
    expect(needs("{{#unless user.coupon}}none{{else}}{{user.coupon}}{{/unless}}")).toEqual([]);
    expect(needs('{{default user.coupon "none"}}')).toEqual([]);
    expect(needs('{{#if (eq user.coupon "A")}}A{{/if}}')).toEqual([]);
    expect(needs("{{#with user.address}}{{zip}}{{else}}-{{/with}}")).toEqual([]);
    expect(needs("{{#user.coupon}}{{../user.coupon}}{{else}}none{{/user.coupon}}")).toEqual([]);
    expect(compileTemplate("{{#if user.coupon}}{{user.coupon}}{{else}}none{{/if}}").paths).toEqual(["user.coupon"]);
  });
  it("a value shown outside its own test is needed", () => {
    expect(needs("{{user.coupon}}")).toEqual(["user.coupon"]);
    expect(needs("{{#if user.vip}}{{user.coupon}}{{/if}}")).toEqual(["user.coupon"]);
    expect(needs("{{#if user.coupon}}x{{/if}}{{user.coupon}}")).toEqual(["user.coupon"]);
    expect(needs("{{#unless user.coupon}}{{user.coupon}}{{/unless}}")).toEqual(["user.coupon"]);
    expect(needs('{{default user.other user.coupon}}')).toEqual(["user.coupon"]);
    // review 2: a test with nothing else to send shows what the bare value shows; default with one argument too
    expect(needs("{{#if user.coupon}}{{user.coupon}}{{/if}}")).toEqual(["user.coupon"]);
    expect(needs("{{#if user.coupon}}{{user.coupon}}{{else}} {{/if}}")).toEqual(["user.coupon"]);
    expect(needs("{{default user.coupon}}")).toEqual(["user.coupon"]);
    expect(needs("{{json this}}")).toEqual(["user", "userAttribute"]);
  });
});
