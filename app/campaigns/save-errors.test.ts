// The editor's Save answers field errors keyed as the form names its fields ("actions.0.url"), not by
// the server action's argument position, so they show at the field (a tuple schema's issues start
// with the argument index).
// Signed in as an editor: the action holds the caller to the role before it parses the arguments.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { saveCampaignAction } = await import("./actions");

beforeAll(async () => {
  requestHeaders = new Headers({ cookie: (await memberCookies()).editor });
});

describe("saveCampaignAction field errors", () => {
  it("are keyed by the draft's own paths, response mapping rows included", async () => {
    const result = await saveCampaignAction(
      { name: "x", actions: [{ url: "https://a.example.com", fields: [{ key: "", value: "" }], responseMapping: [{ path: "customer.id", attribute: "crmId" }] }] },
      undefined,
    );
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { "actions.0.fields.0.key": "Enter a key", "actions.0.responseMapping.0.path": 'Start the path with "$", for example $.customer.id' },
    });
  });

  it("refuse a literal URL password the save cannot keep apart, at the URL field", async () => {
    const result = await saveCampaignAction({ name: "x", actions: [{ url: "{{{userAttribute.base}}}bob:s3cret@crm.example.com/x" }] }, undefined);
    expect(result).toMatchObject({ ok: false, fieldErrors: { "actions.0.url": expect.stringMatching(/Write the password right after the scheme/) } });
  });
});

describe("saveCampaignAction: a stored secret needs a fixed host", () => {
  it("refuses a secret header's value for a URL whose host is a template, at the header's value", async () => {
    const result = await saveCampaignAction({ name: "x", actions: [{ url: "https://{{user.crm}}/x", headers: [{ name: "X-Secret", value: "hdrSECRET5678", secret: true }] }] }, undefined);
    expect(result).toMatchObject({ ok: false, fieldErrors: { "actions.0.headers.0.value": expect.stringMatching(/keeps its value only for a fixed host/) } });
  });
});
