// withInternal reads a repeated query key as the pages do (lib/http/query-string.ts): its first value.
// It read the last, so an internal route and the page that called it could disagree on a filter.
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { memberCookies } from "@/test/sessions";
import { withInternal } from "./with-internal";

let cookie: string;
beforeAll(async () => {
  cookie = (await memberCookies()).viewer;
});

describe("withInternal repeated query keys", () => {
  it("read the first value, as the pages do", async () => {
    const route = withInternal({ role: "viewer", query: z.object({ status: z.string(), limit: z.coerce.number() }).strict() }, async ({ query }) => query);
    const req = new Request("http://127.0.0.1/api/x?status=active&status=draft&limit=2&limit=x", { headers: { cookie, origin: "http://127.0.0.1" } });
    const res = await route(req);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "active", limit: 2 });
  });
});
