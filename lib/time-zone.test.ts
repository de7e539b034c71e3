import { describe, expect, it } from "vitest";
import { canonicalTimezone, isValidTimezone, luxonZoneName } from "./time-zone";

/** The runtime's own (CLDR) name for a zone: Asia/Calcutta for Asia/Kolkata, and so on. */
const runtimeName = (zone: string) => new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;

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
    expect(canonicalTimezone("")).toBe("");
    expect(canonicalTimezone("local")).toBe("local");
  });
});

// The two names share one lookup (the runtime's list, then the runtime's name); they differ only in
// what becomes of an alias the runtime lists under another name, and in what is no zone at all.
describe("the stored name and luxon's name for the same zone", () => {
  it("a listed zone in any case: both are its listed spelling", () => {
    for (const name of ["europe/paris", "EUROPE/PARIS", "Europe/Paris", "america/port-au-prince", "America/Port-Au-Prince"]) {
      const listed = Intl.supportedValuesOf("timeZone").find((z) => z.toLowerCase() === name.toLowerCase());
      expect(listed, name).toBeDefined();
      expect(canonicalTimezone(name), name).toBe(listed);
      expect(luxonZoneName(name), name).toBe(listed);
    }
  });

  it("an alias written all in one case: both are the runtime's name; written as IANA writes it: both keep it", () => {
    for (const name of ["asia/kolkata", "ASIA/KOLKATA", "europe/kyiv"]) {
      expect(canonicalTimezone(name), name).toBe(runtimeName(name));
      expect(luxonZoneName(name), name).toBe(runtimeName(name));
    }
    for (const name of ["Asia/Kolkata", "Europe/Kyiv"]) {
      expect(canonicalTimezone(name)).toBe(name);
      expect(luxonZoneName(name)).toBe(name);
    }
  });

  it("an alias in mixed case: stored as written, luxon gets the runtime's name unless it is written as IANA writes names", () => {
    expect(canonicalTimezone("asia/Kolkata")).toBe("asia/Kolkata");
    expect(luxonZoneName("asia/Kolkata")).toBe(runtimeName("Asia/Kolkata"));
    expect(canonicalTimezone("Asia/kolkata")).toBe("Asia/kolkata");
    expect(luxonZoneName("Asia/kolkata")).toBe(runtimeName("Asia/Kolkata"));
    // one capital after each "/" and each "_" or "-" optionally: written as IANA might, so kept
    expect(luxonZoneName("Asia/Ho_chi_minh")).toBe(isListed("Asia/Ho_Chi_Minh") ? "Asia/Ho_Chi_Minh" : "Asia/Ho_chi_minh");
  });

  it("no zone: stored as written (the schemas refuse it first), and null for luxon, as are luxon's words for the server's zone and a text too long to be a name", () => {
    for (const name of ["Mars/Base", "", "local", "system", "default", "UTC+5", "Europe/Paris".repeat(10)]) {
      expect(luxonZoneName(name), name).toBeNull();
      expect(canonicalTimezone(name), name).toBe(name);
    }
    expect(isValidTimezone("Mars/Base")).toBe(false);
    expect(isValidTimezone("Europe/Paris")).toBe(true);
  });

  it("asked again, the same answer (the names are remembered)", () => {
    for (let i = 0; i < 3; i++) {
      expect(canonicalTimezone("asia/Kolkata")).toBe("asia/Kolkata");
      expect(luxonZoneName("asia/Kolkata")).toBe(runtimeName("Asia/Kolkata"));
      expect(luxonZoneName("Mars/Base")).toBeNull();
      expect(isValidTimezone("Mars/Base")).toBe(false);
    }
  });
});

function isListed(zone: string): boolean {
  return Intl.supportedValuesOf("timeZone").includes(zone);
}
