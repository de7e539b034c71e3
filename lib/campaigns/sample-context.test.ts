// Typed "Test user attributes" render as a stored user with those fields would in a delivery.
import { describe, expect, it } from "vitest";
import { buildTemplateContext, compileTemplate, renderTemplate } from "../templating";
import { db } from "../db";
import { listSampleUsers, sampleContext, sampleUserLabel } from "./sample-context";

const render = (source: string, context: Parameters<typeof buildTemplateContext>[0]) => renderTemplate(compileTemplate(source), buildTemplateContext(context), "raw");

describe("sampleContext with typed attributes", () => {
  it("takes id, email and timezone as the built-in fields only, as a stored user has them: userAttribute.email is empty in a delivery, so in the preview too", async () => {
    const typed = await sampleContext({ attributes: { id: "u-7", email: "ada@example.com", timezone: "Europe/London", plan: "pro" }, campaign: { name: "Preview" }, reader: "editor" });
    expect(typed.user).toEqual({ id: "u-7", email: "ada@example.com", timezone: "Europe/London", attributes: { plan: "pro" } });
    const source = "{{user.id}}|{{user.email}}|{{user.timezone}}|{{user.plan}}|{{userAttribute.email}}|{{userAttribute.plan}}";
    expect(render(source, typed)).toBe("u-7|ada@example.com|Europe/London|pro||pro");
  });
});

// A demo user and an imported one may both be "Mary · mary@example.com": the picker and a test send's
// result named them alike, so which one was previewed (or test-sent, and failed) could not be told.
describe("how a sample user is named (Preview as, For …, a test send's as …)", () => {
  it("names a stored user with their id beside the name, before the email (kept when a phone cuts the option short)", async () => {
    await db().user.create({ data: { id: "user-1001", email: "mary@example.com", attributes: { firstName: "Mary" } } });
    await db().user.create({ data: { id: "u_1", email: "mary@example.com", attributes: { firstName: "Mary" } } });
    const labels = (await listSampleUsers()).filter((u) => u.id === "user-1001" || u.id === "u_1").map((u) => u.label);
    expect(labels).toEqual(["Mary (user-1001) · mary@example.com", "Mary (u_1) · mary@example.com"]);
  });

  it("names a user without a name by id once, and typed test user attributes without the id they stand in for", () => {
    expect(sampleUserLabel({ id: "u-9", email: "x@example.com", attributes: {} })).toBe("u-9 · x@example.com");
    expect(sampleUserLabel({ id: "u-9", email: null, attributes: { firstName: "Ada", lastName: "Lovelace" } })).toBe("Ada Lovelace (u-9)");
    expect(sampleUserLabel({ id: "test-user", email: "ada@example.com", attributes: { firstName: "Ada" } }, { typed: true })).toBe("Ada · ada@example.com");
  });
});
