// The file name an upload is shown under: what the browser sent (x-file-name, %-encoded), without
// the characters that make a name display as another (a right-to-left override turns
// "invoice‮vsc.exe" around) or break its line, and bounded.
import { describe, expect, it } from "vitest";
import { displayableFileName, fileNameFromHeader, FILE_NAME_FALLBACK, MAX_FILE_NAME_CHARS } from "./file-name";

describe("displayableFileName", () => {
  it("drops control and bidi/format characters (Cc, Cf), line and paragraph separators", () => {
    expect(displayableFileName("\u202E.csv")).toBe(".csv");
    expect(displayableFileName("invoice\u202Evsc.exe")).toBe("invoicevsc.exe");
    expect(displayableFileName("a\u200Bb\u2066c\u2069\uFEFFd\u00ADe.csv")).toBe("abcde.csv");
    expect(displayableFileName("line\nbreak\r\t\u0000\u007F\u0085.csv")).toBe("linebreak.csv");
    expect(displayableFileName("a\u2028b\u2029.csv")).toBe("ab.csv");
  });

  it("keeps ordinary letters of any script, spaces inside and combining marks", () => {
    for (const name of ["Kunden März 2026.csv", "клиенты.csv", "顧客リスト.csv", "عملاء.csv", "לקוחות.csv", "ग्राहक.csv", "café.csv", "people (1).csv"]) {
      expect(displayableFileName(name)).toBe(name);
    }
  });

  it("trims, and falls back to a plain name when nothing is left", () => {
    expect(displayableFileName("  people.csv \u202E ")).toBe("people.csv");
    for (const empty of ["", "   ", "\u202E", "\u200B\u200E\u200F", "\u0000\n"]) expect(displayableFileName(empty)).toBe(FILE_NAME_FALLBACK);
    expect(FILE_NAME_FALLBACK).toBe("upload.csv");
  });

  it("caps the length at MAX_FILE_NAME_CHARS characters, never splitting one in two", () => {
    expect(MAX_FILE_NAME_CHARS).toBe(200);
    expect(displayableFileName("a".repeat(5000))).toBe("a".repeat(200));
    // an emoji is two UTF-16 units: a cut between them would leave half a character
    const capped = displayableFileName("a" + "😀".repeat(300));
    expect([...capped]).toHaveLength(200);
    expect(capped).toBe("a" + "😀".repeat(199));
    // what is dropped does not count, and a cut leaves no trailing space
    expect(displayableFileName("\u202E".repeat(500) + "b".repeat(10))).toBe("b".repeat(10));
    expect(displayableFileName("c".repeat(199) + " d")).toBe("c".repeat(199));
  });
});

describe("fileNameFromHeader", () => {
  it("decodes the header's %-escapes, then keeps what displays as itself", () => {
    expect(fileNameFromHeader("%E2%80%AE.csv")).toBe(".csv");
    expect(fileNameFromHeader("%E2%80%AE")).toBe("upload.csv");
    expect(fileNameFromHeader("Kunden%20M%C3%A4rz.csv")).toBe("Kunden März.csv");
    expect(fileNameFromHeader("people%0A%0D.csv")).toBe("people.csv");
  });

  it("names an upload without a header, or with a malformed %-escape, plainly rather than refusing the file", () => {
    expect(fileNameFromHeader(null)).toBe("upload.csv");
    expect(fileNameFromHeader("%E2%80")).toBe("upload.csv");
    expect(fileNameFromHeader("100%.csv")).toBe("upload.csv");
  });
});
