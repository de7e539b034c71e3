// A member's previews are held to a share of rendering time, not only a number a second: each preview
// may render for 250 ms (twice when a failing field is looked for), and 20 a second of those, which
// the count limit let any viewer send, was seconds of the event loop per second: every other request
// of the server waited behind one member's loop. Now a member whose previews owe rendering time gets
// 429 with Retry-After; a person typing (a few ms a preview) never does, and other members are not held.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetMemberRates } from "@/lib/api/with-internal";
import { PREVIEW_RATE, PREVIEW_RENDER_TIME } from "@/lib/campaigns/preview-rate";
import { memberCookies } from "@/test/sessions";
import { POST } from "./route";

let viewer = "";
let editor = "";
const post = (body: unknown, cookie: string) =>
  POST(new Request("http://localhost/api/preview", { method: "POST", headers: { "content-type": "application/json", origin: "http://localhost", cookie }, body: JSON.stringify(body) }));

beforeEach(() => resetMemberRates());
beforeAll(async () => {
  ({ viewer, editor } = await memberCookies());
  await db().user.create({ data: { id: "u1", email: "mary@example.com", attributes: { city: "Paris" } } });
});

// ten fields of nested #each over a 3,000-item sample: each preview renders until its budget ends
const nested = "{{#each userAttribute.a}}{{#each ../userAttribute.a}}{{upper (lower (upper (lower \"abcdefghijklmnopqrstuvwxyz\")))}}{{/each}}{{/each}}";
const heavy = {
  action: { url: "https://hooks.example.com/x", fields: Array.from({ length: 10 }, (_, i) => ({ key: `f${i}`, value: `${nested} ${i}` })) },
  campaign: { name: "c" },
  attributes: { a: Array.from({ length: 3000 }, (_, i) => i) },
};
const light = { action: { url: "https://hooks.example.com/{{user.id}}", fields: [{ key: "email", value: "{{user.email}}" }] }, campaign: { name: "c" } };

describe("the rendering time a member's previews may take", () => {
  it("answers 429 with Retry-After once a member's previews have taken their share, well before the count limit; others are not held", async () => {
    const statuses: number[] = [];
    let refused: Response | null = null;
    for (let i = 0; i < 15 && !refused; i++) {
      const res = await post(heavy, viewer);
      statuses.push(res.status);
      if (res.status === 429) refused = res;
      else await res.text();
    }
    expect(refused, `statuses ${statuses.join(",")}`).not.toBeNull();
    // the burst is 1.2 s of rendering, a preview starting only with its worst case left: a few such previews, far fewer than the count limit allows
    expect(statuses.length).toBeLessThan(PREVIEW_RATE.burst / 2);
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await refused!.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/^Your previews have taken their share of rendering time/) });
    // another member previews as usual
    expect((await post(light, editor)).status).toBe(200);
  }, 60_000);

  it("never holds a person typing: the count limit's whole burst of ordinary previews renders", async () => {
    for (let i = 0; i < PREVIEW_RATE.burst; i++) expect((await post(light, viewer)).status, `preview ${i}`).toBe(200);
    expect(PREVIEW_RENDER_TIME.perSecond).toBeGreaterThanOrEqual(100);
  });
});
