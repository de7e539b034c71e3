// The Settings form of the frequency cap: blank means no cap, the engine's schema decides what a
// cap may be, and what is saved is what the engine reads back.
import { describe, expect, it } from "vitest";
import { frequencyCapForm, frequencyCapWarnings, parseFrequencyCapForm } from "./frequency-cap-form";
import { getFrequencyCap, setFrequencyCap } from "../store/frequency-cap-setting";

describe("frequency cap form", () => {
  it("warns at the daily cap when the weekly one is lower (it can never be reached), and saves it all the same", () => {
    expect(frequencyCapWarnings({ perDay: "4", perWeek: "2" })).toEqual({ perDay: "Never reached: the weekly cap of 2 stops a user first. Lower this to 2 or less, or leave it blank." });
    expect(parseFrequencyCapForm({ perDay: "4", perWeek: "2" })).toEqual({ ok: true, cap: { perDay: 4, perWeek: 2 } });
    for (const fine of [{ perDay: "2", perWeek: "2" }, { perDay: "2", perWeek: "10" }, { perDay: "4", perWeek: "" }, { perDay: "", perWeek: "2" }, { perDay: "x", perWeek: "2" }]) expect(frequencyCapWarnings(fine)).toEqual({});
  });

  it("reads whole numbers, blank as no cap, both blank as no cap at all", () => {
    expect(parseFrequencyCapForm({ perDay: " 3 ", perWeek: "10" })).toEqual({ ok: true, cap: { perDay: 3, perWeek: 10 } });
    expect(parseFrequencyCapForm({ perDay: "", perWeek: "10" })).toEqual({ ok: true, cap: { perDay: null, perWeek: 10 } });
    expect(parseFrequencyCapForm({ perDay: " ", perWeek: "" })).toEqual({ ok: true, cap: null });
  });

  it("names each field's problem in plain words", () => {
    expect(parseFrequencyCapForm({ perDay: "0", perWeek: "1.5" })).toEqual({
      ok: false,
      fieldErrors: { perDay: "At least 1, or blank for no cap", perWeek: "A whole number, or blank for no cap" },
    });
    expect(parseFrequencyCapForm({ perDay: "-2", perWeek: "99999999" })).toEqual({
      ok: false,
      fieldErrors: { perDay: "A whole number, or blank for no cap", perWeek: "At most 1,000,000" },
    });
    expect(parseFrequencyCapForm({ perDay: "three", perWeek: "" })).toMatchObject({ ok: false, fieldErrors: { perDay: "A whole number, or blank for no cap" } });
  });

  it("refuses input that is not the form's shape", () => {
    for (const bad of [null, "3", { perDay: 3, perWeek: "" }, { perDay: "1" }, { perDay: "1".repeat(100), perWeek: "" }]) {
      expect(parseFrequencyCapForm(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it("round-trips through the stored setting the engine reads", async () => {
    const parsed = parseFrequencyCapForm({ perDay: "", perWeek: "7" });
    if (!parsed.ok) throw new Error("expected a cap");
    await setFrequencyCap(parsed.cap, { role: "admin" });
    expect(await getFrequencyCap()).toEqual({ perDay: null, perWeek: 7 });
    expect(frequencyCapForm(await getFrequencyCap())).toEqual({ perDay: "", perWeek: "7" });
    const none = parseFrequencyCapForm({ perDay: "", perWeek: "" });
    if (!none.ok) throw new Error("expected no cap");
    await setFrequencyCap(none.cap, { role: "admin" });
    expect(await getFrequencyCap()).toBeNull();
    expect(frequencyCapForm(null)).toEqual({ perDay: "", perWeek: "" });
  });
});
