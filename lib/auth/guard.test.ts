// The UI's authorisation matrix: every member role (and no session) x every required role.
import { describe, expect, it } from "vitest";
import { memberCookies } from "@/test/sessions";
import { requireMember } from "./guard";
import { ROLES, type Role } from "./roles";

const expected: Record<string, Record<Role, number>> = {
  owner: { viewer: 200, editor: 200, admin: 200 },
  admin: { viewer: 200, editor: 200, admin: 200 },
  editor: { viewer: 200, editor: 200, admin: 403 },
  viewer: { viewer: 200, editor: 403, admin: 403 },
  none: { viewer: 401, editor: 401, admin: 401 },
};

describe("UI authorisation matrix", () => {
  it("holds every member to their role, and refuses requests without a session", async () => {
    const cookies = await memberCookies();
    const sessions: Record<string, Headers> = { none: new Headers() };
    for (const who of ["owner", ...ROLES] as const) sessions[who] = new Headers({ cookie: cookies[who] });
    sessions.forged = new Headers({ cookie: "hookline.session_token=forged.value" });
    expected.forged = expected.none!;
    for (const [who, headers] of Object.entries(sessions)) {
      for (const required of ROLES) {
        const status = await requireMember(headers, required).then(
          () => 200,
          (err: { status: number }) => err.status,
        );
        expect(status, `${who} doing ${required} work`).toBe(expected[who]![required]);
      }
    }
  });
});
