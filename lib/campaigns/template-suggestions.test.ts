// The autocomplete list of an install: attribute names from the users, event names and their
// parameter names from the events stored, read from the real database.
import { describe, expect, it } from "vitest";
import { eventCatalogue } from "../audience/event-catalogue";
import { trackEvents } from "../delivery/triggers";
import { upsertUsers } from "../audience/users";
import { loadTemplateSuggestions } from "./template-suggestions";

describe("template suggestions from the stored audience", () => {
  it("lists attributes, event names and parameter names seen, with the built-in variables and helpers", async () => {
    await upsertUsers([
      { userId: "u1", email: "u1@example.com", attributes: { city: "Paris", plan: "pro" } },
      { userId: "u2", attributes: { firstName: "João", seats: 3 } },
    ]);
    await trackEvents([
      { userId: "u1", event: "purchase", params: { amount: 10, sku: "A1" } },
      { userId: "u2", event: "purchase", params: { amount: 5, coupon: "X" } },
      { userId: "u2", event: "signup" },
    ]);
    expect(await eventCatalogue()).toEqual([
      { name: "purchase", events: 2, params: ["amount", "coupon", "sku"] },
      { name: "signup", events: 1, params: [] },
    ]);
    const suggestions = await loadTemplateSuggestions({ maxAgeMs: 0 });
    const names = suggestions.map((s) => s.name);
    expect(names.filter((n) => n.startsWith("userAttribute."))).toEqual(["userAttribute.city", "userAttribute.firstName", "userAttribute.plan", "userAttribute.seats"]);
    expect(names.filter((n) => n.startsWith("event."))).toEqual(["event.name", "event.params.amount", "event.params.coupon", "event.params.sku"]);
    expect(names).toEqual(expect.arrayContaining(["user.id", "user.email", "campaign.id", "campaign.name", "action.id", "now", "default", "date"]));
    expect(suggestions.find((s) => s.name === "event.name")?.detail).toBe("event: purchase, signup");
    expect(suggestions.find((s) => s.name === "userAttribute.seats")?.detail).toBe("attribute · number");
  });

  it("shares one reading for a while, then reads again", async () => {
    const first = await loadTemplateSuggestions({ now: 1_000_000, maxAgeMs: 0 });
    await upsertUsers([{ userId: "u3", attributes: { country: "FR" } }]);
    expect(await loadTemplateSuggestions({ now: 1_010_000, maxAgeMs: 30_000 })).toBe(first);
    const later = await loadTemplateSuggestions({ now: 1_030_000, maxAgeMs: 30_000 });
    expect(later.map((s) => s.name)).toContain("userAttribute.country");
    expect(first.map((s) => s.name)).not.toContain("userAttribute.country");
  });

  it("keeps the event catalogue bounded: the most tracked names, a few events each", async () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ userId: "u9", event: i < 20 ? "often" : `rare-${i}`, params: { [`p${i}`]: i } }));
    await trackEvents(events);
    const catalogue = await eventCatalogue({ names: 3, samplesPerName: 5 });
    expect(catalogue.map((e) => e.name)).toEqual(["often", "purchase", "rare-20"]); // purchase: 2, from the test above
    expect(catalogue[0]).toMatchObject({ events: 20 });
    expect(catalogue[0]!.params).toHaveLength(5);
  });
});
