import { describe, expect, it } from "vitest";
import { jsonSyntaxMessage } from "./json-syntax";

describe("what is wrong with a JSON box, in plain words (not the engine's error)", () => {
  it("names a bare word and says to quote it", () => {
    expect(jsonSyntaxMessage('{"plan": pro}')).toBe("Not valid JSON near `pro`: put text values in double quotes");
    expect(jsonSyntaxMessage('{"plan":"pro", amount: 4')).toBe("Not valid JSON near `amount`: put names in double quotes");
  });

  it("leaves true, false, null and numbers alone and finds what is wrong elsewhere", () => {
    expect(jsonSyntaxMessage('{"a": true, "b": null, "c": 1e3, "d": \'x\'}')).toBe("Not valid JSON near `'x'`: use double quotes, not single");
    expect(jsonSyntaxMessage('{"a": "b"')).toBe("Not valid JSON: it ends too soon; check the closing } and quotes");
    expect(jsonSyntaxMessage('{"a": "b",}')).toBe("Not valid JSON near `,}`: check the quotes and commas");
  });

  it("never repeats the engine's wording", () => {
    for (const text of ['{"plan": pro}', "{", '{"a" 1}', "{,}", '{"a": "x\\q"}']) expect(jsonSyntaxMessage(text)).not.toMatch(/Unexpected token|is not valid JSON|position/);
  });
});
