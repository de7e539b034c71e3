import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { memberCookies } from "@/test/sessions";
import { POST } from "./route";

let cookie = "";
const post = (body: string) => POST(new Request("http://localhost/api/preview", { method: "POST", headers: { "content-type": "application/json", cookie }, body }));

beforeAll(async () => {
  cookie = (await memberCookies()).viewer;
  await db().user.create({ data: { id: "u1", email: "mary@example.com", attributes: { city: "Paris" } } });
});

describe("POST /api/preview", () => {
  it("renders the action as typed for the first user", async () => {
    const res = await post(JSON.stringify({ action: { url: "https://api.example.com/{{user.id}}?c={{userAttribute.city}}" }, campaign: { name: "x" } }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.request.url).toBe("https://api.example.com/u1?c=Paris");
  });

  it("answers bad input with a 400, never a 500", async () => {
    for (const body of ["not json", "null", "[]", JSON.stringify({ action: { url: 5 } }), JSON.stringify({ action: { url: "x".repeat(10_000) }, campaign: {} })]) {
      const res = await post(body);
      expect(res.status, body.slice(0, 40)).toBe(400);
      expect((await res.json()).message).toBeTruthy();
    }
  });

  it("shows a broken template as an error with its place, not a failure", async () => {
    const res = await post(JSON.stringify({ action: { url: "https://a.example.com/{{#if user.plan}}" }, campaign: { name: "x" } }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.request).toBeNull();
    expect(body.errors[0]).toMatchObject({ field: "url", line: 1 });
  });
});
