import { describe, expect, it } from "vitest";
import { jsonSyntaxError, jsonSyntaxMessage, jsonSyntaxWhere } from "./json-syntax";

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

describe("jsonSyntaxError / jsonSyntaxWhere (a rendered JSON field's problem, shown to every reader of the log)", () => {
  const samples = [
    '{"api_key":"SK_abcdef123456","n": }', '{"a":1', '{"a":1 "b":2}', "[1,2,]", '{"a":tru}', '"abc', "", " ", '{"a":"x\u0001"}', '{"a":1}x', '{"a" 1}', "01", '{"a":"\\q"}',
    '{"a":"\\u12G4"}', "-", "1.", "1e", "[", "{", "{,}", '{"a":1,}', "[1 2]", "nul", "truex", "\t[1,\n2 ]\r\n", '{"a":{"b":[true,false,null,-0.5e+3,"\\u00e9\\n"]}}', "[[[[]]]]", "]", "{}}",
  ];
  it("agrees with JSON.parse on what is JSON", () => {
    for (const text of samples) {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect(jsonSyntaxError(text) === null, text).toBe(parses);
    }
  });

  it("says where, and names only a structural character", () => {
    expect(jsonSyntaxWhere('{"api_key":"SK_abcdef123456","n": }')).toBe("at character 35: unexpected `}`");
    expect(jsonSyntaxWhere('{"token": "sk_live_1"\n"n": 2}')).toBe("at line 2, column 1: unexpected `\"`");
    expect(jsonSyntaxWhere('{"a":1')).toBe("at character 7: it ends too soon");
    // a letter may be a secret's: not named
    expect(jsonSyntaxWhere('{"key": sk_live_abc}')).toBe("at character 9: unexpected character");
    expect(jsonSyntaxWhere("{}")).toBe("");
  });

  it("reads a nesting deeper than the stack without overflowing", () => {
    expect(jsonSyntaxError("[".repeat(200_000) + "]".repeat(200_000))).toBeNull();
    expect(jsonSyntaxError("[".repeat(200_000))).toEqual({ offset: 200_000, found: null });
  });
});
