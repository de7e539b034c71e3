import { describe, expect, it } from "vitest";
import { visibleCampaigns } from "./list-view";

const rows = [
  { name: "Welcome", statusKey: "active", editedIso: "2026-01-02T00:00:00.000Z", lastSendIso: "2026-01-05T00:00:00.000Z" },
  { name: "black friday", statusKey: "draft", editedIso: "2026-01-03T00:00:00.000Z", lastSendIso: null },
  { name: "Winback 2", statusKey: "finished", editedIso: "2026-01-01T00:00:00.000Z", lastSendIso: "2026-01-06T00:00:00.000Z" },
  { name: "Winback 10", statusKey: "active", editedIso: "2026-01-01T00:00:00.000Z", lastSendIso: "2026-01-04T00:00:00.000Z" },
];
const names = (r: typeof rows) => r.map((x) => x.name);

describe("visibleCampaigns", () => {
  it("searches names in any case and filters by state", () => {
    expect(names(visibleCampaigns(rows, { query: " WIN", status: "", sort: "name" }))).toEqual(["Winback 2", "Winback 10"]);
    expect(names(visibleCampaigns(rows, { query: "", status: "active", sort: "name" }))).toEqual(["Welcome", "Winback 10"]);
    expect(visibleCampaigns(rows, { query: "nothing", status: "", sort: "name" })).toEqual([]);
  });

  it("sorts by name (numbers in order), last update or last send (never sent last)", () => {
    expect(names(visibleCampaigns(rows, { query: "", status: "", sort: "name" }))).toEqual(["black friday", "Welcome", "Winback 2", "Winback 10"]);
    expect(names(visibleCampaigns(rows, { query: "", status: "", sort: "updated" }))).toEqual(["black friday", "Welcome", "Winback 2", "Winback 10"]);
    expect(names(visibleCampaigns(rows, { query: "", status: "", sort: "lastSend" }))).toEqual(["Winback 2", "Welcome", "Winback 10", "black friday"]);
  });
});
