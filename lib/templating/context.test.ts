// Which variable a template path reads, as buildTemplateContext builds them: a bracketed segment
// ({{userAttribute.[plan.tier]}}) is one name, never a nested value.
import { describe, expect, it } from "vitest";
import { attributeRead, buildTemplateContext, missingPaths, pathSegments, readsEveryAttribute, writtenPath } from "./context";
import { templateVariables } from "./index";

describe("the paths a template reads, as written", () => {
  it("keeps a bracketed segment whole, brackets and all, and reads it back", () => {
    expect(templateVariables("{{userAttribute.[plan.tier]}} {{user.[First name]}} {{[user].city}} {{this.user.id}} {{userAttribute.[a\\]b]}}")).toEqual([
      "userAttribute.[plan.tier]",
      "user.[First name]",
      "user.city",
      "user.id",
      "userAttribute.[a\\]b]",
    ]);
    for (const parts of [["userAttribute", "plan.tier"], ["user", "First name"], ["user", "a]b\\c"], ["user", "true"], ["user", "9lives"], ["event", "params", "ok-name"]]) {
      expect(pathSegments(writtenPath(parts))).toEqual(parts);
    }
  });

  it("names the attribute read: whole when bracketed, none for a built-in field or another variable", () => {
    expect(attributeRead("userAttribute.[plan.tier]")).toBe("plan.tier");
    expect(attributeRead("user.[plan.tier]")).toBe("plan.tier");
    expect(attributeRead(["user", "plan.tier"])).toBe("plan.tier");
    expect(attributeRead("user.address.city")).toBe("address");
    for (const none of ["user.id", "user.email", "user.timezone", "user", "event.params.sku", "parameter.sku", "campaign.name", "now"]) expect(attributeRead(none)).toBeNull();
    // userAttribute.<name> is every attribute as stored: its email is an attribute of that name, not the user's email
    expect(attributeRead("userAttribute.email")).toBe("email");
  });

  it("a user who has the dotted attribute lacks nothing; one who has only a nested value of its first part does", () => {
    const paths = templateVariables("{{userAttribute.[plan.tier]}} {{user.[plan.tier]}}");
    const has = buildTemplateContext({ user: { id: "u1", attributes: { "plan.tier": "gold" } }, event: null, now: new Date(0) } as never);
    expect(missingPaths(paths, has)).toEqual([]);
    const nested = buildTemplateContext({ user: { id: "u2", attributes: { plan: { tier: "gold" } } }, event: null, now: new Date(0) } as never);
    expect(missingPaths(paths, nested)).toEqual(paths);
  });
});

describe("reads that leave the top level", () => {
  it("lists @root and ../ paths that reach the top from inside a block, and a lookup of a written name", () => {
    expect(templateVariables("{{#each event.params}}{{@root.user.tok}}{{../user.x}}{{lookup ../user \"y\"}}{{name}}{{this.sku}}{{/each}}")).toEqual([
      "event.params",
      "user.tok",
      "user.x",
      "user.y",
    ]);
    expect(templateVariables('{{lookup user "crm id"}} {{lookup userAttribute "z"}} {{#with user}}{{tok}}{{/with}} {{#if (lookup user "w")}}x{{/if}}')).toEqual([
      "user.[crm id]",
      "userAttribute.z",
      "user",
      "user.w",
    ]);
    // ../ that climbs only out of an inner block still reads the outer block's scope
    expect(templateVariables("{{#each user.tags}}{{#each tags}}{{../name}}{{/each}}{{/each}}")).toEqual(["user.tags"]);
    // unless the inner block may add no scope: #each over the current value (a one-item list's item
    // equals it loosely, and Handlebars then adds none), so ../name may be the top level's
    expect(templateVariables("{{#each user.tags}}{{#each this}}{{../name}}{{/each}}{{/each}}")).toEqual(["user.tags", "name"]);
  });

  it("says which paths read every attribute at once", () => {
    for (const whole of ["user", "userAttribute", ["user"]]) expect(readsEveryAttribute(whole)).toBe(true);
    for (const one of ["user.tok", "userAttribute.[a b]", "event", "event.params", "campaign", "now"]) expect(readsEveryAttribute(one)).toBe(false);
  });
});
