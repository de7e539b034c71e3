// The CSV import form words a refused mapping by column, never by the request's field path.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mappingSchema } from "./mapping";
import { mappingProblemText } from "./mapping-problems";
import { validationError } from "../../api/errors";

const refusal = (mapping: unknown) => {
  // as the import route parses and answers it (withInternal: the body's schema, its issues by path)
  const parsed = z.object({ mapping: mappingSchema }).safeParse({ mapping });
  if (parsed.success) throw new Error("expected a refusal");
  return validationError(parsed.error);
};

describe("mappingProblemText", () => {
  it("says what to do without the field path", () => {
    const error = refusal([{ target: "attribute", name: "PNG", type: "string" }]);
    expect(error.message).toBe("mapping: Map one column to the user id");
    expect(mappingProblemText(error.details, ["PNG"])).toBe("Map one column to the user id");
  });

  it("names a column by its header", () => {
    const error = refusal([{ target: "userId" }, { target: "attribute", name: "plan", type: "string" }, { target: "attribute", name: "plan", type: "string" }]);
    expect(mappingProblemText(error.details, ["id", "plan", "tier"])).toBe('Column "tier": Two columns are both mapped to the attribute "plan"');
  });

  it("refuses a column saved as an attribute named like a built-in user field (map it to the field instead)", () => {
    const error = refusal([{ target: "userId" }, { target: "attribute", name: "timezone", type: "string" }]);
    expect(mappingProblemText(error.details, ["id", "tz"])).toBe('Column "tz": "timezone" is a built-in user field, not an attribute: set the field itself or choose another name');
  });

  it("leaves other refusals to their message", () => {
    expect(mappingProblemText([{ path: "delimiter", message: "Invalid option" }], ["id"])).toBeNull();
    expect(mappingProblemText(null, ["id"])).toBeNull();
  });
});
