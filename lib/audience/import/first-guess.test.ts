// The upload's first guess reads the attribute catalogue through the one cached reading the editor's
// suggestions share (lib/audience/catalogue-reading.ts): reading every user's attributes on each
// upload was a second, uncached copy of the same scan.
import { describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { upsertUsers } from "../users";
import { loadTemplateSuggestions } from "../../campaigns/template-suggestions";
import { firstGuessMapping } from "./first-guess";

describe("firstGuessMapping", () => {
  it("guesses from the catalogue reading the template suggestions keep: an upload within its age reads no user", async () => {
    await upsertUsers([{ userId: "fg-1", attributes: { firstName: "Ana", seats: 3 } }]);
    // a fresh reading, kept for the uploads and editors that follow
    await loadTemplateSuggestions({ maxAgeMs: 0 });
    const reads = vi.spyOn(db().user, "findMany");
    try {
      for (let i = 0; i < 2; i++) {
        const mapping = await firstGuessMapping({ headers: ["id", "First Name", "SEATS"], sample: [["u1", "Ada", "n/a"]] });
        expect(mapping).toEqual([{ target: "userId" }, { target: "attribute", name: "firstName", type: "string" }, { target: "attribute", name: "seats", type: "number" }]);
      }
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });
});
