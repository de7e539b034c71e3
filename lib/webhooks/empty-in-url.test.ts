// What an empty URL variable does depends on where the URL writes it: in the host or the path the request
// goes to another address; in a query value it goes to the same address with that parameter empty.
import { describe, expect, it } from "vitest";
import { emptyInUrlAdvice, emptyInUrlLine, emptyInUrlNotice, placeInUrl } from "./empty-in-url";

describe("placeInUrl", () => {
  it.each([
    ["https://crm.example.com/crm/{{user.crmId}}", "user.crmId", { in: "path" }],
    ["https://{{user.region}}.crm.example.com/hook", "user.region", { in: "host" }],
    ["https://crm.example.com/crm?city={{user.city}}", "user.city", { in: "query", parameter: "city" }],
    ["https://crm.example.com/crm?a=1&city={{{ user.city }}}&b=2", "user.city", { in: "query", parameter: "city" }],
    ["https://crm.example.com/crm?city=fr-{{user.city}}", "user.city", { in: "query", parameter: "city" }],
    ["https://crm.example.com/crm?{{user.city}}", "user.city", { in: "query", parameter: null }],
    // in the path and the query: the path's address change is what matters
    ["https://crm.example.com/{{user.city}}?city={{user.city}}", "user.city", { in: "path" }],
    // a fragment is never sent; a ? inside it starts no query
    ["https://crm.example.com/crm/{{user.crmId}}#a?b", "user.crmId", { in: "path" }],
  ])("%s: %s is in the %o", (url, path, place) => {
    expect(placeInUrl(url, path)).toEqual(place);
  });
});

describe("Activate's line and the preview's note, by where the URL writes the value", () => {
  it("path: their requests go to another address", () => {
    expect(emptyInUrlLine("Webhook 1 (Hook)", "user.crmId", 3, 8, "/crm/", { in: "path" })).toBe(
      "Webhook 1 (Hook): user.crmId is empty for 3 of 8 users tried; it is in the URL's path, so their requests go to another address, /crm/ (write {{required user.crmId}} to skip users without it)",
    );
    expect(emptyInUrlNotice("user.crmId", "/crm/", { in: "path" })).toBe("Empty for this user: their request goes to another address, …/crm/ — {{required user.crmId}} skips such users");
  });

  it("host: their requests go to another server", () => {
    expect(emptyInUrlLine("Webhook 1 (Hook)", "user.region", 3, 8, "/hook", { in: "host" })).toBe(
      "Webhook 1 (Hook): user.region is empty for 3 of 8 users tried; it is in the URL's host, so their requests go to another address (write {{required user.region}} to skip users without it)",
    );
    expect(emptyInUrlNotice("user.region", "/hook", { in: "host" })).toBe("Empty for this user: their request goes to another address (its host) — {{required user.region}} skips such users");
  });

  it("query value: same address, the parameter sent empty", () => {
    const line = emptyInUrlLine("Webhook 1 (Hook)", "user.city", 3, 8, "/crm?city=", { in: "query", parameter: "city" });
    expect(line).toBe("Webhook 1 (Hook): user.city is empty for 3 of 8 users tried; it is the URL's city= query value, so their requests are sent with city= empty (write {{required user.city}} to skip users without it)");
    expect(line).not.toContain("another address");
    expect(emptyInUrlNotice("user.city", "/crm?city=", { in: "query", parameter: "city" })).toBe("Empty for this user: their request is sent with city= empty — {{required user.city}} skips such users");
  });

  it("query without a parameter name: same address, that part of the query left out", () => {
    expect(emptyInUrlLine("Webhook 1 (Hook)", "user.q", 1, 2, "/crm?", { in: "query", parameter: null })).toBe(
      "Webhook 1 (Hook): user.q is empty for 1 of 2 users tried; it is in the URL's query, so their requests are sent without it in the query (write {{required user.q}} to skip users without it)",
    );
  });
});

// The note's advice under these lines: it said "their requests go to that address" under a line saying a
// query value leaves the address as it is (?city=): it now defers to what each line says.
describe("the advice under Activate's (and Resume's) lines", () => {
  it("says the requests go as each line says, never that they go to another address", () => {
    expect(emptyInUrlAdvice("Activate")).toBe("Activate anyway and those users' requests are sent as each line says; otherwise Cancel and write {{required …}} around the value to skip those users.");
    expect(emptyInUrlAdvice("Resume")).toMatch(/^Resume anyway /);
    expect(emptyInUrlAdvice("Activate")).not.toContain("that address");
  });
});
