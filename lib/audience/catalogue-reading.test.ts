// The catalogues' shared reading: one scan at a time. A reading still in flight is joined whatever age a
// caller asks for (Activate's fresh read asks 0), instead of a second full scan of every user beside it.
import { describe, expect, it } from "vitest";
import { catalogueReading } from "./catalogue-reading";

describe("catalogueReading", () => {
  it("joins a reading in flight even when asked for a fresh one, and reads again once it has settled", async () => {
    const first = catalogueReading({ maxAgeMs: 0 });
    const joined = catalogueReading({ maxAgeMs: 0 });
    expect(joined).toBe(first);
    await first;
    const again = catalogueReading({ maxAgeMs: 0 });
    expect(again).not.toBe(first);
    await again;
    // within its age, the settled reading is shared
    expect(catalogueReading({ maxAgeMs: 60_000 })).toBe(again);
  });
});
