// A request that loses a race (its row deleted, or created by another, meanwhile) gets the same clear
// answer at every door: withApi and withInternal a 404/409 in the envelope, a server action the
// message. The two route wrappers answered Prisma's P2025/P2002 with a 500 "something went wrong"
// (found by an attacker's review: a PUT racing a DELETE). Real Prisma errors from the real database.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { memberCookies } from "@/test/sessions";
import { actionFailure } from "@/app/define-action";
import { resetEnv } from "../env";
import { apiKeyHeaders } from "./testing";
import { resetRateLimits, withApi } from "./with-api";
import { withInternal } from "./with-internal";

const deletedMeanwhile = () => db().setting.update({ where: { key: `gone-${Math.random()}` }, data: { value: "x" } });
const createdMeanwhile = async () => {
  const key = `twice-${Math.random()}`;
  await db().setting.create({ data: { key, value: "1" } });
  await db().setting.create({ data: { key, value: "2" } });
};

let cookie: string;
beforeAll(async () => {
  resetEnv();
  await resetRateLimits();
  cookie = (await memberCookies()).editor;
});

describe("a request that lost a race", () => {
  it("withApi: 404 when its row was deleted meanwhile, 409 when another created it", async () => {
    const headers = await apiKeyHeaders("editor");
    const gone = await withApi({ role: "editor" }, deletedMeanwhile)(new Request("http://127.0.0.1/api/v1/x", { method: "PUT", headers }));
    expect(gone.status).toBe(404);
    expect((await gone.json()).error).toMatchObject({ code: "not_found", message: expect.stringMatching(/no longer exists/) });
    const twice = await withApi({ role: "editor" }, createdMeanwhile)(new Request("http://127.0.0.1/api/v1/x", { method: "PUT", headers }));
    expect(twice.status).toBe(409);
    expect((await twice.json()).error).toMatchObject({ code: "conflict", message: "This already exists." });
  });

  it("withInternal: the same answers", async () => {
    const req = () => new Request("http://127.0.0.1/api/x", { method: "POST", headers: { cookie, origin: "http://127.0.0.1" } });
    const gone = await withInternal({ role: "editor" }, deletedMeanwhile)(req());
    expect(gone.status).toBe(404);
    expect((await gone.json()).error.code).toBe("not_found");
    const twice = await withInternal({ role: "editor" }, createdMeanwhile)(req());
    expect(twice.status).toBe(409);
  });

  it("a server action: the message, not 'a server problem'", async () => {
    const failure = await deletedMeanwhile().then(
      () => null,
      (err: unknown) => actionFailure("Saving", err),
    );
    expect(failure).toMatchObject({ ok: false, message: "This no longer exists; it may have been deleted. Reload the page." });
  });
});
