import { describe, expect, it } from "vitest";
import { encodeLogCursor } from "./log-cursor";
import { emptyLogText, filterFromSearch, searchWithFilter } from "./log-filter-url";

describe("the delivery log's filter in the address", () => {
  it("reads state, action, user and page, leaving out what is not a state or a page", () => {
    expect(filterFromSearch(new URLSearchParams("state=failed&action=a1&user=u-7&page=3"), "c1")).toEqual({ campaignId: "c1", state: "failed", actionId: "a1", user: "u-7", page: 3 });
    expect(filterFromSearch(new URLSearchParams("state=nonsense&page=-2"))).toEqual({ campaignId: undefined, state: undefined, actionId: undefined, user: undefined, page: 1 });
    expect(filterFromSearch(new URLSearchParams("page=2.5")).page).toBe(1);
  });

  it("writes the filter back, keeping the address's other parameters and dropping empty ones", () => {
    const search = new URLSearchParams("allow=x&state=failed&page=4");
    expect(searchWithFilter(search, { campaignId: "c1", state: "delivered", user: "ana maria", page: 1 })).toBe("?allow=x&state=delivered&user=ana+maria");
    expect(searchWithFilter(new URLSearchParams("state=failed"), { page: 1 })).toBe("");
    expect(searchWithFilter(new URLSearchParams(), { actionId: "a2", page: 2 })).toBe("?action=a2&page=2");
  });

  it("keeps a page reached by Older as its cursor, and leaves out one that is not a cursor of the log", () => {
    const after = encodeLogCursor({ updatedAt: new Date("2026-05-01T10:00:00.000Z"), id: "cmdel1" });
    expect(searchWithFilter(new URLSearchParams("page=3"), { state: "failed", page: 1, after })).toBe(`?state=failed&after=${after}`);
    expect(filterFromSearch(new URLSearchParams(`state=failed&after=${after}`)).after).toBe(after);
    expect(filterFromSearch(new URLSearchParams("after=garbage")).after).toBeUndefined();
  });

  it("reads back what it wrote", () => {
    const filter = { campaignId: "c1", state: "retrying", actionId: "a&b", user: "=x?", page: 7 };
    expect(filterFromSearch(new URLSearchParams(searchWithFilter(new URLSearchParams(), filter)), "c1")).toEqual(filter);
  });
});

// A campaign never sent read "No deliveries match." as if a filter hid them: only a narrowed log says so.
describe("what an empty log says", () => {
  it("without a filter: nothing sent yet, and what will show here", () => {
    expect(emptyLogText({ campaignId: "c1", page: 1 })).toBe("No deliveries yet: each webhook this campaign sends shows here, with its result.");
    expect(emptyLogText({ page: 1 })).toBe("No deliveries yet: each webhook your campaigns send shows here, with its result.");
  });

  it("narrowed by state, action or user: nothing matches", () => {
    for (const narrowed of [{ state: "failed" }, { actionId: "a1" }, { user: "u-9" }]) expect(emptyLogText({ campaignId: "c1", page: 1, ...narrowed })).toBe("No deliveries match these filters.");
  });
});
