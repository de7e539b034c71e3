// A {{user.X}} no user has renders empty for everyone: the editor marks it at its field and Activate's
// confirmation names it (a warning: attributes may still arrive through the API).
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { upsertUsers } from "../audience/users";
import { encryptSecret } from "../crypto/secret-box";
import { previewAction } from "./preview";
import { sampleRequestSchema } from "./preview-input";
import { campaignUnknownAttributes, closestName, draftUnknownAttributeWarnings, earlierStepMappings, earlierStepTimingMessage, knownAttributeNames, unknownAttributeActivationMessage, unknownAttributeFieldMessage, unknownAttributeReferences } from "./unknown-attributes";

const template = (over: Partial<Parameters<typeof unknownAttributeReferences>[0]> = {}) => ({ url: "https://x.example/", fields: [], headers: [], ...over });

describe("unknownAttributeReferences: the attributes a webhook reads that no user has", () => {
  const known = new Set(["firstName", "plan", "crmId"]);

  it("suggests a name for the first ten unknown references only (each suggestion walks the whole catalogue)", () => {
    const url = `https://x.example/${Array.from({ length: 15 }, (_, i) => `{{user.frstName${"x".repeat(i)}}}`).join("/")}`;
    const refs = unknownAttributeReferences(template({ url }), new Set(["firstName", ...Array.from({ length: 15 }, (_, i) => `firstName${"x".repeat(i)}z`)]));
    expect(refs).toHaveLength(15);
    expect(refs.filter((r) => r.suggestion !== null)).toHaveLength(10);
    expect(refs.slice(10).every((r) => r.suggestion === null)).toBe(true);
  });

  it("finds them in the URL, data values and header values (a secret header's as sent, opened), with the closest known name", () => {
    const refs = unknownAttributeReferences(
      template({
        url: "https://x.example/{{user.frstName}}?plan={{user.plan}}",
        fields: [{ key: "who", value: "{{default userAttribute.firstNme 'there'}} {{user.id}} {{user.email}} {{user.timezone}}" }],
        headers: [{ name: "X-Zone", value: "{{user.zone}}" }, { name: "Authorization", value: "{{user.secretThing}}", secret: true }],
      }),
      known,
    );
    expect(refs).toEqual([
      { field: "url", place: "the URL", path: "user.frstName", attribute: "frstName", suggestion: "firstName" },
      { field: "fields[0].value", place: 'data field "who"', path: "userAttribute.firstNme", attribute: "firstNme", suggestion: "firstName" },
      { field: "headers[0].value", place: 'header "X-Zone"', path: "user.zone", attribute: "zone", suggestion: null },
      { field: "headers[1].value", place: 'header "Authorization"', path: "user.secretThing", attribute: "secretThing", suggestion: null },
    ]);
    expect(unknownAttributeFieldMessage(refs[0]!)).toBe("No user has the attribute `frstName`: did you mean `firstName`?");
    expect(unknownAttributeFieldMessage(refs[2]!)).toBe("No user has the attribute `zone` yet: it renders empty for every user");
    expect(unknownAttributeActivationMessage(refs[0]!)).toBe("`{{user.frstName}}` in the URL: no user has this attribute yet; it renders empty (did you mean `firstName`?)");
  });

  it("says nothing of known attributes, built-in fields, events and other variables", () => {
    expect(unknownAttributeReferences(template({ url: "https://x.example/{{user.firstName}}/{{event.params.sku}}/{{campaign.id}}/{{now}}/{{user.id}}" }), known)).toEqual([]);
  });

  it("reads a bracketed name whole: {{userAttribute.[plan.tier]}} and {{user.[plan.tier]}} read the attribute plan.tier, not plan", () => {
    const dotted = new Set(["plan.tier", "firstName", "First name"]);
    const url = "https://x.example/{{userAttribute.[plan.tier]}}/{{user.[plan.tier]}}/{{userAttribute.[First name]}}";
    expect(unknownAttributeReferences(template({ url }), dotted)).toEqual([]);
    // written as the template writes it, so Activate's line quotes what can be found in the field
    expect(unknownAttributeReferences(template({ url: "https://x.example/{{user.[plan.tire]}}" }), dotted)).toEqual([
      { field: "url", place: "the URL", path: "user.[plan.tire]", attribute: "plan.tire", suggestion: "plan.tier" },
    ]);
  });

  it("still warns of a misspelt name, knows the built-ins, and reads nothing inside {{#with user}} (its names are the block's)", () => {
    expect(unknownAttributeFieldMessage(unknownAttributeReferences(template({ url: "https://x.example/{{user.frstName}}" }), known)[0]!)).toBe("No user has the attribute `frstName`: did you mean `firstName`?");
    expect(unknownAttributeReferences(template({ url: "https://x.example/{{user.id}}/{{user.email}}/{{user.timezone}}/{{user.[id]}}/{{this.user.email}}" }), known)).toEqual([]);
    expect(unknownAttributeReferences(template({ url: "https://x.example/{{#with user}}{{frstName}}{{/with}}" }), known)).toEqual([]);
  });

  it("suggests only a close name", () => {
    expect(closestName("frstName", ["firstName", "lastName"])).toBe("firstName");
    expect(closestName("firstname", ["firstName"])).toBe("firstName");
    expect(closestName("country", ["firstName", "plan"])).toBeNull();
    expect(closestName("pln", ["plan", "id"])).toBe("plan");
    expect(closestName("ab", ["xy"])).toBeNull();
  });
});

describe("on the stored audience", () => {
  it("reads the catalogue, and counts what an earlier step's response mapping saves as known (not the step's own)", async () => {
    await upsertUsers([{ userId: "ua-1", attributes: { firstName: "Ann", plan: "pro" } }]);
    expect(await knownAttributeNames(["firstName"])).toEqual(new Set(["firstName", "plan"]));
    const campaign = await db().campaign.create({
      data: {
        name: "Typos",
        deliveryRule: { when: "immediate" },
        actions: {
          create: [
            { name: "CRM", position: 0, urlTemplate: "https://crm.example/{{user.frstName}}", fields: [{ key: "id", value: "{{user.crmId}}", type: "text" }], headers: [], responseMapping: [{ path: "$.id", attribute: "crmId" }] },
            { name: "Mail", position: 1, urlTemplate: "https://mail.example/", fields: [{ key: "plan", value: "{{user.plna}}", type: "text" }], headers: [] },
          ],
        },
      },
      include: { actions: { orderBy: { position: "asc" } } },
    });
    expect(await campaignUnknownAttributes(campaign.actions)).toEqual([
      "Webhook 1 (CRM): `{{user.frstName}}` in the URL: no user has this attribute yet; it renders empty (did you mean `firstName`?)",
      // its own mapping has not answered when it sends
      'Webhook 1 (CRM): `{{user.crmId}}` in data field "id": no user has this attribute yet; it renders empty',
      'Webhook 2 (Mail): `{{user.plna}}` in data field "plan": no user has this attribute yet; it renders empty (did you mean `plan`?)',
    ]);
  });

  it("knows for a later step what an earlier step saves from its response, saved in any order; not for the same or an earlier step", async () => {
    const campaign = await db().campaign.create({
      data: {
        name: "Chained",
        deliveryRule: { when: "immediate" },
        actions: {
          create: [
            // stored out of order: the steps' positions, not the rows', say which comes first
            { name: "Mail", position: 1, urlTemplate: "https://mail.example/{{user.chainRef}}", fields: [{ key: "score", value: "{{user.chainScore}}", type: "text" }], headers: [], responseMapping: [{ path: "$.score", attribute: "chainScore" }] },
            { name: "CRM", position: 0, urlTemplate: "https://crm.example/{{user.chainScore}}", fields: [], headers: [], responseMapping: [{ path: "$.id", attribute: "chainRef" }] },
          ],
        },
      },
      include: { actions: true },
    });
    expect(await campaignUnknownAttributes(campaign.actions)).toEqual([
      // a later step's mapping: not there yet when step 1 sends
      "Webhook 1 (CRM): `{{user.chainScore}}` in the URL: no user has this attribute yet; it renders empty",
      // its own mapping: not there yet either; chainRef (step 1's) is known
      'Webhook 2 (Mail): `{{user.chainScore}}` in data field "score": no user has this attribute yet; it renders empty',
    ]);
  });

  it("reads a stored secret header opened (server-side): Activate warns of a misspelt name in it and knows one an earlier step saves, naming the header, never its value", async () => {
    await upsertUsers([{ userId: "sec-1", attributes: { firstName: "Ann" } }]);
    const campaign = await db().campaign.create({
      data: {
        name: "Token",
        deliveryRule: { when: "immediate" },
        actions: {
          create: [
            { name: "Token", position: 0, urlTemplate: "https://auth.example/token", fields: [], headers: [], responseMapping: [{ path: "$.access_token", attribute: "secToken" }] },
            {
              name: "Use",
              position: 1,
              urlTemplate: "https://api.example/x",
              fields: [],
              headers: [
                { name: "Authorization", value: encryptSecret("Bearer {{user.secToken}}"), secret: true },
                { name: "X-Key", value: encryptSecret("sk_live_literal {{user.firstNmae}}"), secret: true },
                { name: "X-Broken", value: "not sealed", secret: true },
              ],
            },
          ],
        },
      },
      include: { actions: { orderBy: { position: "asc" } } },
    });
    const lines = await campaignUnknownAttributes(campaign.actions);
    expect(lines).toEqual(['Webhook 2 (Use): `{{user.firstNmae}}` in header "X-Key": no user has this attribute yet; it renders empty (did you mean `firstName`?)']);
    expect(lines.join()).not.toContain("sk_live");
  });

  it("the preview: a secret header (opened server-side, as the preview renders it) reading what an earlier step saves gets the note too", async () => {
    const earlier = earlierStepMappings([{ label: "Webhook 1", mappings: [[{ path: "$.access_token", attribute: "draftToken" }]] }], 1);
    const notes = await draftUnknownAttributeWarnings(template({ headers: [{ name: "Authorization", value: "Bearer {{user.draftToken}}", secret: true }] }), earlier);
    expect(notes).toEqual([{ field: "headers[0].value", message: "Set from Webhook 1's response (`$.access_token`): each user's request waits for that answer", path: "user.draftToken", atField: true, info: true }]);

    // through the preview itself: the note at the header's field, the value masked in the request shown
    const shown = await previewAction(
      sampleRequestSchema.parse({
        action: { name: "Use", method: "POST", url: "https://api.example.com/x", contentType: "application/json", fields: [], headers: [{ name: "Authorization", value: "Bearer sk_live_abc {{user.draftToken}}", secret: true }], timeoutSeconds: 10 },
        earlierSteps: [{ responseMappings: [[{ path: "$.access_token", attribute: "draftToken" }]] }],
        campaign: { name: "Token" },
        attributes: { draftToken: "t-1" },
      }),
    );
    expect(shown.warnings.filter((w) => w.field === "headers[0].value")).toMatchObject([{ message: "Set from Webhook 1's response (`$.access_token`): each user's request waits for that answer", info: true }]);
    expect(JSON.stringify(shown)).not.toContain("sk_live_abc");
  });

  it("the preview: an attribute an earlier step saves gets a note of where it comes from, not a warning", async () => {
    const earlier = earlierStepMappings(
      [
        { label: "Webhook 1", mappings: [[{ path: "$.id", attribute: "draftRef" }]] },
        { label: "Webhook 2", mappings: [[{ path: "$.later", attribute: "draftLater" }]] },
      ],
      1,
    );
    expect(earlier).toEqual([{ step: "Webhook 1", path: "$.id", attribute: "draftRef" }]);
    const notes = await draftUnknownAttributeWarnings(template({ url: "https://x.example/{{user.draftRef}}", fields: [{ key: "l", value: "{{user.draftLater}}" }] }), earlier);
    expect(notes).toEqual([
      { field: "fields[0].value", message: "No user has the attribute `draftLater` yet: it renders empty for every user", path: "user.draftLater", atField: true },
      { field: "url", message: "Set from Webhook 1's response (`$.id`): each user's request waits for that answer", path: "user.draftRef", atField: true, info: true },
    ]);
  });

  it("the preview: the note is given for a name users have already too (the request waits for the answer all the same)", async () => {
    await upsertUsers([{ userId: "known1", attributes: { firstName: "Ana" } }]);
    const earlier = earlierStepMappings([{ label: "Webhook 1", mappings: [[{ path: "$.name", attribute: "firstName" }]] }], 1);
    expect(await draftUnknownAttributeWarnings(template({ url: "https://x.example/{{user.firstName}}" }), earlier)).toEqual([
      { field: "url", message: "Set from Webhook 1's response (`$.name`): each user's request waits for that answer", path: "user.firstName", atField: true, info: true },
    ]);
  });
});

describe("earlierStepTimingMessage: under a webhook's time measured from a user attribute", () => {
  it("says a time an earlier step saves waits for its answer (the last step saving it, as the engine reads it); nothing for another attribute", () => {
    const earlier = earlierStepMappings([{ label: "Webhook 1", mappings: [[{ path: "$.due", attribute: "dueAt" }]] }, { label: "Webhook 2", mappings: [[{ path: "$.next", attribute: "dueAt" }]] }, { label: "Webhook 3", mappings: [] }], 2);
    expect(earlierStepTimingMessage(" dueAt ", earlier)).toBe("Set from Webhook 2's response (`$.next`): each user's send waits for that answer for its time, and is suppressed for a user it saves no time for");
    expect(earlierStepTimingMessage("renewsAt", earlier)).toBeNull();
    expect(earlierStepTimingMessage("dueAt", earlierStepMappings([{ label: "Webhook 1", mappings: [[{ path: "$.due", attribute: "dueAt" }]] }], 0))).toBeNull();
  });
});

