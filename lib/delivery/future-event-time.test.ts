// An event posted with a time ahead of the server's clock: a few minutes is clock skew, stored as
// received (now), so it is not a conversion before it happened (results count an event in a window
// after a send); further ahead is refused at the field, as Segment and Braze do not take the future.
import { expect, it } from "vitest";
import { db } from "../db";
import { eventsBodySchema } from "../audience/events";
import { trackEvents } from "./triggers";

it("stores a time up to 5 minutes ahead as the time it was received, and refuses one further ahead", async () => {
  const now = new Date();
  const ahead = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const events = eventsBodySchema.parse({ events: [{ userId: "skew", event: "purchase", time: ahead(3 * 60_000), id: "skewed" }] });
  await trackEvents(events, now);
  expect((await db().event.findFirstOrThrow({ where: { userId: "skew" } })).time).toEqual(now);

  const refused = eventsBodySchema.safeParse({ userId: "skew", event: "purchase", time: ahead(10 * 60_000) });
  expect(refused.success).toBe(false);
  expect(refused.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
    "time: Must be between 2000-01-01 and 5 minutes from now (Unix seconds, not milliseconds)",
  ]);
});
