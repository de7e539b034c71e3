// Two web processes started at once on an empty PostgreSQL database both found it unseeded: the
// second one's seed hit the first one's users (a unique violation) and its start failed, printing
// "Hookline cannot start: ." (a Prisma error's message starts with a blank line). Exactly one seeds now,
// the others carry on; and a Prisma request error is described by its reason, not a blank.
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../db";
import { describeSafely } from "../log";
import { startupProblem } from "../startup-error";
import { buildTemplateContext, compileTemplate, renderTemplate } from "../templating";
import { demoUsers, seedDemoIfEmpty } from "./demo-seed";

afterEach(async () => {
  await db().campaign.deleteMany({});
  await db().user.deleteMany({});
  await db().setting.deleteMany({ where: { key: "demoSeeded" } });
});

describe("the demo seed on first starts at once", () => {
  it("seeds once however many starts race, and none of them fails", async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => seedDemoIfEmpty()));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await db().user.count()).toBe(demoUsers.length);
    expect(await db().campaign.count()).toBe(1);
    expect(await seedDemoIfEmpty()).toBe(false);
  });

  it("a unique violation from Prisma reads as its reason in the log and at start", async () => {
    await db().user.create({ data: { id: "dup", email: "d@example.com", attributes: {} } });
    const err = await db().user.create({ data: { id: "dup", email: "d@example.com", attributes: {} } }).catch((e: unknown) => e);
    expect(describeSafely(err)).toMatch(/^PrismaClientKnownRequestError P2002: Unique constraint failed on the fields: \(`id`\)$/);
    expect(startupProblem(err)).toBe("Unique constraint failed on the fields: (`id`).");
  });
});

// The README and the editor's autocomplete teach {{user.firstName}}; the demo, the first campaign a
// marketer opens, spelled {{userAttribute.firstName}} (the Leanplum alias, which still works).
describe("the demo campaign", () => {
  it("spells attributes as the README and autocomplete do, and renders them for a demo user", async () => {
    await seedDemoIfEmpty();
    const action = await db().action.findFirstOrThrow({ where: { campaign: { name: "Welcome to Hookline (demo)" } } });
    const fields = action.fields as { key: string; value: string }[];
    const templates = [action.urlTemplate, ...fields.map((f) => f.value)];
    expect(templates.filter((t) => t.includes("userAttribute."))).toEqual([]);
    const context = buildTemplateContext({ user: demoUsers[0]!, now: new Date() });
    const render = (t: string) => renderTemplate(compileTemplate(t), context, "raw");
    expect(render(action.urlTemplate)).toBe("https://crm.example.com/contacts/user-1001/notify?city=Paris");
    expect(Object.fromEntries(fields.map((f) => [f.key, render(f.value)]))).toEqual({ email: "mary@example.com", first_name: "Mary", plan: "pro" });
  });
});
