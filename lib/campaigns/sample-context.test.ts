// Typed "Test user attributes" render as a stored user with those fields would in a delivery.
import { describe, expect, it } from "vitest";
import { buildTemplateContext, compileTemplate, renderTemplate } from "../templating";
import { sampleContext } from "./sample-context";

const render = (source: string, context: Parameters<typeof buildTemplateContext>[0]) => renderTemplate(compileTemplate(source), buildTemplateContext(context), "raw");

describe("sampleContext with typed attributes", () => {
  it("takes id, email and timezone as the built-in fields only, as a stored user has them: userAttribute.email is empty in a delivery, so in the preview too", async () => {
    const typed = await sampleContext({ attributes: { id: "u-7", email: "ada@example.com", timezone: "Europe/London", plan: "pro" }, campaign: { name: "Preview" } });
    expect(typed.user).toEqual({ id: "u-7", email: "ada@example.com", timezone: "Europe/London", attributes: { plan: "pro" } });
    const source = "{{user.id}}|{{user.email}}|{{user.timezone}}|{{user.plan}}|{{userAttribute.email}}|{{userAttribute.plan}}";
    expect(render(source, typed)).toBe("u-7|ada@example.com|Europe/London|pro||pro");
  });
});
