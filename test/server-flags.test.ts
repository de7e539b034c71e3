// What `npm start` gives the `next start` process (scripts/server-flags.mjs): heap caps and two malloc
// arenas unless the operator set their own.
import { describe, expect, it } from "vitest";
import { serverEnv, serverNodeFlags } from "../scripts/server-flags.mjs";

describe("the server's flags and environment", () => {
  it("caps the heap and the malloc arenas by default", () => {
    expect(serverNodeFlags({})).toEqual(["--max-old-space-size=1024", "--max-semi-space-size=8"]);
    expect(serverEnv({ PORT: "3000" })).toEqual({ PORT: "3000", MALLOC_ARENA_MAX: "2" });
  });
  it("leaves the operator's own settings alone", () => {
    expect(serverNodeFlags({ NODE_OPTIONS: "--max-old-space-size=4096" })).toEqual(["--max-semi-space-size=8"]);
    expect(serverEnv({ MALLOC_ARENA_MAX: "8" }).MALLOC_ARENA_MAX).toBe("8");
  });
});
