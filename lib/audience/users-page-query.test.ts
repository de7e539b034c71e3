import { describe, expect, it } from "vitest";
import { usersPageQuery } from "./users-page-query";

describe("usersPageQuery", () => {
  it("takes the first value of a repeated key (?q=a&q=b was a 500 page) and '' for one left out", () => {
    expect(usersPageQuery({ q: ["a", "b"], attribute: ["plan", "x"], value: ["pro"], cursor: ["u1", "u2"] })).toEqual({ q: "a", attribute: "plan", value: "pro", cursor: "u1" });
    expect(usersPageQuery({})).toEqual({ q: "", attribute: "", value: "", cursor: undefined });
    expect(usersPageQuery({ q: "u_0", cursor: "" })).toEqual({ q: "u_0", attribute: "", value: "", cursor: undefined });
  });
});
