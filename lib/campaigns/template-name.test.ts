import { describe, expect, it } from "vitest";
import { BUILT_IN_TEMPLATES } from "./builtin-destination-templates";
import { freeTemplateName, templateNameTaken } from "./template-name";

const builtIn = BUILT_IN_TEMPLATES.map((t) => t.name);

describe("freeTemplateName", () => {
  it("keeps a free name", () => {
    expect(freeTemplateName("CRM contact", builtIn)).toBe("CRM contact");
  });

  it("does not suggest a built-in template's name (a webhook started from it is named so)", () => {
    expect(freeTemplateName("Generic JSON POST", builtIn)).toBe("Generic JSON POST (copy)");
    expect(freeTemplateName("generic json post", builtIn)).toBe("generic json post (copy)");
  });

  it("counts on past the copies already saved", () => {
    expect(freeTemplateName("Generic JSON POST", [...builtIn, "Generic JSON POST (copy)", "generic json post (COPY 2)"])).toBe("Generic JSON POST (copy 3)");
  });

  it("stays within the 80 characters a name may have", () => {
    const long = "x".repeat(80);
    const free = freeTemplateName(long, [long]);
    expect(free).toHaveLength(80);
    expect(free.endsWith(" (copy)")).toBe(true);
    expect(templateNameTaken(free, [long])).toBe(false);
  });

  it("names an unnamed webhook's template", () => {
    expect(freeTemplateName("  ", builtIn)).toBe("My template");
  });
});
