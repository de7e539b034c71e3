import { describe, expect, it } from "vitest";
import { canonicalTimezone } from "./time-zone";

describe("canonicalTimezone", () => {
  it("fixes the case of a zone's name", () => {
    expect(canonicalTimezone("europe/paris")).toBe("Europe/Paris");
    expect(canonicalTimezone("EUROPE/PARIS")).toBe("Europe/Paris");
    expect(canonicalTimezone("america/new_york")).toBe("America/New_York");
    expect(canonicalTimezone("utc")).toBe("UTC");
  });

  it("keeps a zone's own name: the runtime's CLDR data reports Asia/Kolkata as Asia/Calcutta and Europe/Kyiv as Europe/Kiev, their old names", () => {
    for (const zone of ["Asia/Kolkata", "Europe/Kyiv", "Europe/Paris", "UTC", "America/Argentina/Buenos_Aires"]) expect(canonicalTimezone(zone)).toBe(zone);
  });

  it("leaves an unknown name as it is", () => {
    expect(canonicalTimezone("europe/atlantis")).toBe("europe/atlantis");
  });
});
