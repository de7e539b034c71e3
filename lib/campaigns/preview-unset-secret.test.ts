// A webhook started from the built-in "Generic JSON POST" carries a secret Authorization header with
// no value; Activate refuses it. The preview says so as a warning that names its field and marks it
// as one Activate refuses (blocksActivation), so that the editor shows it at the Header value field
// from the start, not first at Activate. The rule is isUnsetSecretHeader (lib/webhooks/render-request.ts).
import { describe, expect, it } from "vitest";
import { BUILT_IN_TEMPLATES } from "./builtin-destination-templates";
import { actionDraftFromTemplate } from "./template-apply";
import { sampleRequestSchema } from "./preview-input";
import { previewAction } from "./preview";

const generic = BUILT_IN_TEMPLATES.find((t) => t.name === "Generic JSON POST")!;
// the sample user has no email: the field reading it warns too, as a missing value (not flagged)
const atHeaders = (warnings: { field: string }[]) => warnings.filter((w) => w.field.startsWith("headers"));
const preview = (headers: { name: string; value: string; secret?: boolean }[]) =>
  previewAction(sampleRequestSchema.parse({ action: { ...actionDraftFromTemplate(generic), url: "https://hooks.example.com/webhooks/hookline", headers }, campaign: { name: "Day one" }, attributes: {} }));

const shownFlags = (r: { warnings: { field: string; blocksActivation?: boolean }[] }) => r.warnings.filter((w) => w.blocksActivation).map((w) => w.field);

describe("the preview flags an unset secret header at its field, as one Activate refuses", () => {
  it("the Generic JSON POST's empty Authorization: a warning at headers[0].value, marked blocksActivation", async () => {
    const shown = await preview(actionDraftFromTemplate(generic).headers ?? []);
    expect(atHeaders(shown.warnings)).toEqual([
      {
        field: "headers[0].value",
        label: 'Header "Authorization" value',
        message: 'The secret header "Authorization" has no value yet, so it is not sent: type it, or remove the header',
        blocksActivation: true,
      },
    ]);
    expect(shown.request?.headers.map(([n]) => n.toLowerCase())).not.toContain("authorization");
  });

  it("a value typed, or the header not secret, and it is not flagged", async () => {
    expect(atHeaders((await preview([{ name: "Authorization", value: "Bearer t0ken", secret: true }])).warnings)).toEqual([]);
    expect(atHeaders((await preview([{ name: "X-Note", value: "" }])).warnings)).toEqual([]);
    // a missing value is a warning of one user's data, not flagged as one Activate refuses
    expect(shownFlags(await preview([]))).toEqual([]);
  });
});
