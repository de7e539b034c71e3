// The `date` helper: a date written without a time of day is a calendar date, the same day in every zone
// (lib/date-input.ts isCalendarDateValue); a date with a time written, or Unix seconds, is an instant,
// shown in the zone named.
import { describe, expect, it } from "vitest";
import { calendarDateText, isCalendarDateValue } from "../date-input";
import { buildTemplateContext, compileTemplate, renderTemplate } from ".";

const render = (template: string, attributes: Record<string, unknown>, now = new Date("2026-11-26T12:00:00Z")) =>
  renderTemplate(
    compileTemplate(template),
    buildTemplateContext({ user: { id: "u1", attributes }, event: null, campaign: { id: "c1", name: "C" }, action: { id: "a1" }, now }),
    "raw",
  );
const day = (value: unknown, zone: string, format = "yyyy-MM-dd") => render(`{{date user.d "${format}" "${zone}"}}`, { d: value });

describe("the date helper: a calendar date is the date as written in every zone", () => {
  it.each(["America/Sao_Paulo", "America/Los_Angeles", "America/Chicago", "America/Denver", "Pacific/Auckland", "Asia/Kolkata", "UTC", "UTC-11", "UTC+14"])(
    "the imported 2026-01-15T00:00:00.000Z and the text 2026-01-15 are 2026-01-15 in %s",
    (zone) => {
      expect(day("2026-01-15T00:00:00.000Z", zone)).toBe("2026-01-15");
      expect(day("2026-01-15", zone)).toBe("2026-01-15");
    },
  );

  it.each([
    ["2026-05-01", "America/Los_Angeles", "2026-05-01"],
    ["May 12 2026", "America/Chicago", "2026-05-12"],
    ["06/07/2026", "America/Denver", "2026-06-07"],
    ["2026-01-15", "America/Sao_Paulo", "2026-01-15"],
    ["Jan 15, 2026", "Pacific/Auckland", "2026-01-15"],
  ])("the date-only text %j in %s is %s", (text, zone, expected) => {
    expect(day(text, zone)).toBe(expected);
  });

  it("with a time in the format, a calendar date is 00:00 of that date in the zone, and its ISO text carries the zone's offset", () => {
    expect(day("2026-01-15", "America/Sao_Paulo", "yyyy-MM-dd HH:mm")).toBe("2026-01-15 00:00");
    expect(day("2026-01-15T00:00:00.000Z", "Pacific/Auckland", "yyyy-MM-dd HH:mm ZZ")).toBe("2026-01-15 00:00 +13:00");
    expect(render('{{date user.d "" "America/Los_Angeles"}}', { d: "2026-05-01" })).toBe("2026-05-01T00:00:00.000-07:00");
    expect(render("{{date user.d}}", { d: "2026-05-01T00:00:00.000Z" })).toBe("2026-05-01T00:00:00.000Z");
  });

  it("Unix seconds are an instant, even at midnight UTC (a billing period's end)", () => {
    // 1778198400 is 2026-05-08T00:00:00Z (review: numbers are instants)
    expect(day(1778198400, "America/Los_Angeles")).toBe("2026-05-07");
    expect(day("1778198400", "America/Los_Angeles", "yyyy-MM-dd HH:mm")).toBe("2026-05-07 17:00");
  });

  it("a time written at midnight UTC is an instant (an event's appointment_at), only the import's exact form is a date", () => {
    expect(day("2026-03-10T00:00:00Z", "America/New_York", "yyyy-MM-dd HH:mm")).toBe("2026-03-09 20:00"); // EDT since March 8
    expect(day("2026-03-10T01:00:00+01:00", "Europe/Paris", "HH:mm")).toBe("01:00");
    expect(day("2026-03-10T00:00:00.000Z", "America/New_York", "yyyy-MM-dd HH:mm")).toBe("2026-03-10 00:00");
  });
});

describe("the date helper: a date with a time of day is an instant, as before", () => {
  it.each([
    ["2026-01-15T10:30:00Z", "America/Sao_Paulo", "2026-01-15 07:30"],
    ["2026-01-15T01:30:00Z", "America/Los_Angeles", "2026-01-14 17:30"],
    ["2026-01-15T12:00:00Z", "Pacific/Auckland", "2026-01-16 01:00"],
    ["2026-01-15T00:00:00+01:00", "UTC", "2026-01-14 23:00"],
    ["2026-01-15 00:00:01", "America/Los_Angeles", "2026-01-14 16:00"],
  ])("%j in %s is %s", (value, zone, expected) => {
    expect(day(value, zone, "yyyy-MM-dd HH:mm")).toBe(expected);
  });

  it("Unix seconds not at midnight UTC are an instant", () => {
    // 1778232600 is 2026-05-08T09:30:00Z
    expect(day(1778232600, "America/Los_Angeles", "yyyy-MM-dd HH:mm")).toBe("2026-05-08 02:30");
    expect(day("1778198401", "America/Los_Angeles", "yyyy-MM-dd HH:mm:ss")).toBe("2026-05-07 17:00:01");
  });

  it("now is the render's instant, even at exactly midnight UTC", () => {
    const midnight = new Date("2026-05-01T00:00:00.000Z");
    expect(render('{{date now "yyyy-MM-dd HH:mm" "America/Los_Angeles"}}', {}, midnight)).toBe("2026-04-30 17:00");
    expect(render('{{#each user.zones}}{{date @root.now "yyyy-MM-dd HH:mm" this}},{{/each}}', { zones: ["America/Los_Angeles", "UTC"] }, midnight)).toBe(
      "2026-04-30 17:00,2026-05-01 00:00,",
    );
    expect(render('{{date now "yyyy-MM-dd HH:mm" "America/Los_Angeles"}}', {}, new Date("2026-05-01T09:30:00Z"))).toBe("2026-05-01 02:30");
  });

  it("what is no date, or a zone that is none, still renders empty", () => {
    expect(day("not a date", "UTC")).toBe("");
    expect(day("2026-02-30", "UTC")).toBe("");
    expect(day("2026-01-15", "Mars/Olympus")).toBe("");
  });
});

describe("isCalendarDateValue: judged by how the value is written", () => {
  it.each([
    ["2026-01-15", true],
    ["2026-01-15T00:00:00.000Z", true],
    ["May 12 2026", true],
    ["06/07/2026", true],
    ["1969-12-31", true],
    ["2026-01-15T00:00:00Z", false],
    ["2026-01-15T10:30:00Z", false],
    ["2026-01-15T00:00:00.001Z", false],
    ["2026-01-15T00:00:00-03:00", false],
    ["06/07/2026 00:00", false],
    [1778198400, false],
    ["1778198400", false],
    ["2026", false],
    ["pro", false],
  ])("%j: %s", (value, expected) => {
    expect(isCalendarDateValue(value)).toBe(expected);
  });
});

describe("calendarDateText: how the user page shows a stored date attribute", () => {
  it.each([
    ["2026-01-15T00:00:00.000Z", "2026-01-15"],
    ["2026-01-15", "2026-01-15"],
    ["2026-01-15T10:30:00.000Z", null],
    ["2026-01-15T00:00:00+01:00", null],
    ["May 12 2026", null],
    ["pro", null],
    [1778198400, null],
  ])("%j: %s", (value, expected) => {
    expect(calendarDateText(value)).toBe(expected);
  });
});
