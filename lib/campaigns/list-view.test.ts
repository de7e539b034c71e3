import { describe, expect, it } from "vitest";
import { campaignListQuerySchema, parseCampaignListQuery } from "./campaign-list-query";
import { campaignListHref } from "./list-view";

describe("campaignListHref", () => {
  it("puts the page, state and search in the query string, leaving out the defaults", () => {
    expect(campaignListHref({ page: 1 })).toBe("/campaigns");
    expect(campaignListHref({ page: 3, status: "active", q: "50% & more" })).toBe("/campaigns?status=active&q=50%25+%26+more&page=3");
  });

  it("reads back what it wrote", () => {
    const query = { page: 2, status: "paused" as const, q: "Winback" };
    const params = Object.fromEntries(new URL(campaignListHref(query), "http://x").searchParams);
    expect(campaignListQuerySchema.parse(params)).toEqual(query);
  });
});

describe("parseCampaignListQuery", () => {
  it("leaves out a value that does not parse, keeps the rest and says why", () => {
    expect(parseCampaignListQuery({ page: "abc", status: "active", q: " welcome " })).toEqual({
      query: { page: 1, status: "active", q: "welcome" },
      problems: ["The page is a whole number from 1 to 1,000,000"],
    });
    expect(parseCampaignListQuery({ page: "0" }).problems).toEqual(["The page is a whole number from 1 to 1,000,000"]);
    expect(parseCampaignListQuery({ page: "2.5" }).problems).toEqual(["The page is a whole number from 1 to 1,000,000"]);
    expect(parseCampaignListQuery({ status: "deleted", page: "2" })).toEqual({ query: { page: 2 }, problems: ["The state is one of draft, active, paused, finished"] });
    expect(parseCampaignListQuery({ q: "x".repeat(201) }).problems).toEqual(["Search at most 200 characters of the name"]);
  });

  it("takes an empty field as left out and the first of a repeated key", () => {
    expect(parseCampaignListQuery({ page: "", status: "", q: "" })).toEqual({ query: { page: 1 }, problems: [] });
    expect(parseCampaignListQuery({ page: ["3", "4"], utm_source: "mail" })).toEqual({ query: { page: 3 }, problems: [] });
  });
});
