// Luxon keeps every zone name it is given for ever, each valid spelling with an Intl.DateTimeFormat of
// its own (about 25 KB of native memory): "europe/paris", "EUROPE/paris", ... are thousands of names for
// one zone. A template's `date` zone and a date's zone name ("2027-03-01 09:00 Europe/Paris", a
// receiver's Retry-After) come from data, so luxon must only ever see one name per zone, and no name
// that is none: otherwise a viewer's previews (or a receiver's answers) grow the process until it dies.
import { IANAZone } from "luxon";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { previewAction } from "../campaigns/preview";
import { sampleRequestSchema } from "../campaigns/preview-input";
import { parseDateInput } from "../date-input";
import { parseRetryAfter } from "../webhooks/classify";
import { buildTemplateContext, compileTemplate, renderTemplate, startBudget } from ".";

const given = new Set<string>();
beforeAll(() => {
  const create = IANAZone.create;
  vi.spyOn(IANAZone, "create").mockImplementation((name: string) => {
    given.add(name);
    return create.call(IANAZone, name);
  });
});
afterAll(() => vi.restoreAllMocks());

/** n spellings of one zone name, by the case of each letter. */
function spellings(zone: string, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, k) => {
    let bits = k + from;
    return [...zone]
      .map((c) => {
        if (!/[a-z]/i.test(c)) return c;
        const upper = bits & 1;
        bits >>= 1;
        return upper ? c.toUpperCase() : c.toLowerCase();
      })
      .join("");
  });
}

const now = new Date("2026-11-26T12:00:00Z");
const context = (params: Record<string, unknown>) =>
  buildTemplateContext({ user: { id: "u1", attributes: {} }, event: { name: "e", params }, campaign: { id: "c", name: "C" }, action: { id: "a" }, now });

describe("zone names from data reach luxon once per zone", () => {
  it("the date helper: any spelling of a zone renders as that zone; a name that is no zone renders empty; luxon sees one name", () => {
    given.clear();
    const zones = [...spellings("Europe/Paris", 150), ...spellings("America/Argentina/ComodRivadavia", 150, 7)];
    const junk = Array.from({ length: 300 }, (_, i) => `Atlantis/City_${i}`);
    const t = compileTemplate('{{#each event.params.z}}{{date @root.now "HH:mm" this}},{{/each}}');
    // 600 zone lookups: the render's own 250 ms budget is not what this test is about (a loaded machine passed it)
    const out = renderTemplate(t, context({ z: zones }), "raw", undefined, startBudget(10_000)).split(",");
    expect(out.slice(0, 150)).toEqual(Array(150).fill("13:00"));
    expect(out.slice(150, 300)).toEqual(Array(150).fill("09:00"));
    expect(renderTemplate(t, context({ z: junk }), "raw", undefined, startBudget(10_000))).toBe(",".repeat(300));
    expect(given.size).toBeLessThanOrEqual(2);
  });

  it("a UTC offset and the documented default still work; luxon's words for the server's zone are no zone", () => {
    const render = (zone: string) => renderTemplate(compileTemplate(`{{date now "HH:mm" "${zone}"}}`), context({}), "raw");
    expect(render("UTC+5")).toBe("17:00");
    expect(render("utc")).toBe("12:00");
    expect(render("")).toBe("12:00");
    expect(render("Asia/Kolkata")).toBe("17:30");
    for (const serverZone of ["local", "system", "default"]) expect(render(serverZone)).toBe("");
    expect(render("Europe/Paris".repeat(1000))).toBe("");
  });

  it("a date naming its zone (SQL style or ISO's [zone]): same instant whatever the spelling, and luxon sees one name", () => {
    given.clear();
    for (const z of spellings("Europe/Paris", 300)) {
      expect(parseDateInput(`2027-03-01 09:00 ${z}`)?.toISOString()).toBe("2027-03-01T08:00:00.000Z");
      expect(parseDateInput(`2027-03-01T09:00:00+01:00[${z}]`)?.toISOString()).toBe("2027-03-01T08:00:00.000Z");
    }
    for (let i = 0; i < 300; i++) expect(parseDateInput(`2027-03-01 09:00 Atlantis/City_${i}`)).toBeNull();
    expect(parseDateInput("2027-03-01T09:00:00Z")?.toISOString()).toBe("2027-03-01T09:00:00.000Z");
    expect(parseDateInput("2027-W09-1T09:00Z")?.toISOString()).toBe("2027-03-01T09:00:00.000Z");
    expect(parseDateInput("2027-03-01 09:00 UTC")?.toISOString()).toBe("2027-03-01T09:00:00.000Z");
    expect(given.size).toBeLessThanOrEqual(2);
  });

  it("a receiver's Retry-After naming a zone in any spelling", () => {
    given.clear();
    const at = Date.parse("2027-03-01T07:00:00Z");
    for (const z of spellings("Europe/Paris", 300)) expect(parseRetryAfter(`2027-03-01 09:00 ${z}`, at)).toBe(3_600_000);
    expect(given.size).toBeLessThanOrEqual(1);
  });

  it("a viewer's previews over thousands of spellings: rendered, luxon sees one name", async () => {
    given.clear();
    // 2,000 spellings in renders of 40: each preview keeps the render's own 250 ms budget (at most 1 s of
    // wall time however paused), which a machine at a load of 16 on two cores spent on 100
    for (let round = 0; round < 50; round++) {
      const input = sampleRequestSchema.parse({
        action: { url: "https://api.example.com/hook", fields: [{ key: "d", value: '{{#each event.params.z}}{{date @root.now "HH" this}}{{/each}}' }] },
        campaign: { name: "C" },
        attributes: { id: "u1" },
        eventParams: { z: spellings("Europe/Paris", 40, round * 40) },
      });
      const result = await previewAction(input, now);
      expect(result.errors).toEqual([]);
      expect(JSON.parse(result.request!.body!).d).toBe("13".repeat(40));
    }
    expect(given.size).toBeLessThanOrEqual(1);
  });
});

describe("a long text read as a date", () => {
  it("costs no more than before the zone names were looked for", () => {
    const started = performance.now();
    for (const s of ["2027-03-01 " + "a".repeat(255).concat("/").repeat(900), "2027-03-01 " + "a".repeat(250_000)]) expect(parseDateInput(s)).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("a user's stored zone in the engine", () => {
  it("zoneOrFallback gives luxon one name for every spelling of an alias the user API keeps as written", async () => {
    const { canonicalTimezone } = await import("../time-zone");
    const { quietHoursEnd, zoneOrFallback } = await import("../delivery/core/schedule-time");
    given.clear();
    const stored = new Set(spellings("Asia/Kolkata", 300).map(canonicalTimezone));
    expect(stored.size).toBeGreaterThan(100); // what users may hold today
    const ends = new Set<number>();
    for (const z of stored) {
      const zone = zoneOrFallback(z, "UTC");
      ends.add(quietHoursEnd(new Date("2026-11-26T17:00:00Z"), { start: "21:00", end: "08:00" }, zone)!.getTime());
    }
    expect([...ends]).toEqual([Date.parse("2026-11-27T02:30:00Z")]);
    expect(given.size).toBeLessThanOrEqual(2);
    expect(zoneOrFallback("Asia/Kolkata", "UTC")).toBe("Asia/Kolkata");
    expect(zoneOrFallback("Mars/Base", "UTC")).toBe("UTC");
  });
});
