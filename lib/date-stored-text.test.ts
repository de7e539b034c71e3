// A date attribute's stored text keeps what was written: a calendar date stays a date, an instant that
// falls on midnight UTC stays an instant (it was stored as the calendar date's text, and then shown at
// 00:00 in every zone: 09:00 in Tokyo became 00:00 there).
import { describe, expect, it } from "vitest";
import { calendarDateText, isCalendarDateValue, parseDateInput, storedDateText } from "./date-input";
import { applyResponseMapping } from "./webhooks/response-mapping";

const stored = (input: string | number) => storedDateText(input, typeof input === "number" ? new Date(input * 1000) : parseDateInput(input)!);

describe("storedDateText", () => {
  it("stores a calendar date as its midnight, read back as that date", () => {
    for (const input of ["2026-03-01", "03/01/2026", "1 March 2026"]) {
      expect(stored(input), input).toBe("2026-03-01T00:00:00.000Z");
      expect(isCalendarDateValue(stored(input)), input).toBe(true);
      expect(calendarDateText(stored(input)), input).toBe("2026-03-01");
    }
  });

  it("stores an instant on midnight UTC so it is read back as an instant, not a date", () => {
    for (const input of ["2026-03-01T09:00:00+09:00", "2026-03-01T00:00:00Z", "2026-03-01 00:00", 1772323200]) {
      const text = stored(input);
      expect(text, String(input)).toBe("2026-03-01T00:00:00Z");
      expect(isCalendarDateValue(text), String(input)).toBe(false);
      expect(calendarDateText(text), String(input)).toBeNull();
      expect(parseDateInput(text)!.getTime()).toBe(Date.UTC(2026, 2, 1));
    }
  });

  it("stores any other instant as its ISO text", () => {
    expect(stored("2026-03-01T09:30:00+02:00")).toBe("2026-03-01T07:30:00.000Z");
    expect(stored(1772325000)).toBe("2026-03-01T00:30:00.000Z");
  });

  it("a response mapping's Unix seconds on midnight UTC are saved as that instant", () => {
    const out = applyResponseMapping(JSON.stringify({ at: 1772323200 }), "application/json", [{ path: "$.at", attribute: "due", type: "date" }], {});
    expect(out.set).toEqual({ due: "2026-03-01T00:00:00Z" });
  });
});
