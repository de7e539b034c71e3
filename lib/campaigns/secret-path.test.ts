// A stored secret is kept ("••••") only while the URL's fixed part (scheme, host, port, and the path and
// query up to the first template) is the one it was stored with: an editor, who cannot read the secret,
// must not move it to an endpoint of their own on the same shared host (webhook.site/<their-id>). The
// rule is saveCampaign's (every save: the editor's server action, /api/v1), tried here as an editor
// would try to get around it; the entry points have their own tests (app/.../secret-path.test.ts).
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../db";
import { decryptSecret } from "../crypto/secret-box";
import { saveCampaign } from "./campaigns";
import { SecretHostError } from "./fixed-host-secrets";
import { VARIANT_UNSIGNED } from "./secret-resolver";
import { campaignDraftSchema } from "./schemas";
import { rotateSigningSecret } from "./signing-secrets";

const STORED = "https://crm:hunter2@hooks.example.com/catch/victim?team=a";
let campaignId = "";
let actionId = "";
let variantId = "";

beforeEach(async () => {
  const saved = await saveCampaign(
    campaignDraftSchema.parse({
      name: "Victim",
      actions: [
        {
          name: "CRM",
          url: STORED,
          headers: [{ name: "X-Api-Key", value: "key-123", secret: true }],
          splitPercent: 50,
          variants: [{ name: "B", url: "https://hooks.example.com/catch/victim-b", headers: [{ name: "X-Api-Key", value: "key-b", secret: true }], splitPercent: 50 }],
        },
      ],
    }),
    { role: "admin" },
  );
  campaignId = saved.id;
  actionId = saved.actionIds[0]!;
  variantId = (await db().action.findFirstOrThrow({ where: { variantOfId: actionId } })).id;
  await rotateSigningSecret(campaignId, actionId);
});

/** The editor's save of the one webhook with `url` and the masked header (variant B as stored unless given). */
const editorSave = (url: string, extra: { headerValue?: string; variant?: Record<string, unknown> } = {}) =>
  saveCampaign(
    campaignDraftSchema.parse({
      id: campaignId,
      name: "Victim",
      actions: [
        {
          id: actionId,
          name: "CRM",
          url,
          headers: [{ name: "X-Api-Key", value: extra.headerValue ?? "••••", secret: true }],
          splitPercent: 50,
          variants: [{ id: variantId, name: "B", url: "https://hooks.example.com/catch/victim-b", headers: [{ name: "X-Api-Key", value: "••••", secret: true }], splitPercent: 50, ...extra.variant }],
        },
      ],
    }),
    { role: "editor" },
  );

async function refused(save: () => Promise<unknown>): Promise<Record<string, string>> {
  const before = await db().action.findUniqueOrThrow({ where: { id: actionId } });
  // started after the read (a save started before it and refused meanwhile was an unhandled rejection on PostgreSQL)
  const err = await save().then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SecretHostError);
  // nothing of the save was kept
  const after = await db().action.findUniqueOrThrow({ where: { id: actionId } });
  expect(after.urlTemplate).toBe(before.urlTemplate);
  expect(after.updatedAt).toEqual(before.updatedAt);
  return (err as SecretHostError).fieldErrors;
}

const storedSecrets = async (id = actionId) => {
  const row = await db().action.findUniqueOrThrow({ where: { id } });
  const header = (row.headers as { value: string }[])[0]!.value;
  return { url: row.urlTemplate, password: row.urlPasswordEnc ? decryptSecret(row.urlPasswordEnc) : null, header: header ? decryptSecret(header) : "", signed: !!row.signingSecretEnc };
};

describe("saveCampaign keeps a masked secret only at the fixed part of the URL it was stored with", () => {
  for (const [how, url] of [
    ["another path on the same host (their own id)", "https://crm:••••@hooks.example.com/catch/attacker?team=a"],
    ["the same path with another query", "https://crm:••••@hooks.example.com/catch/victim?team=b"],
    ["the query left out", "https://crm:••••@hooks.example.com/catch/victim"],
    ["a query added to it", "https://crm:••••@hooks.example.com/catch/victim?team=a&id=attacker"],
    ["a trailing slash", "https://crm:••••@hooks.example.com/catch/victim/?team=a"],
    ["the path percent-encoded", "https://crm:••••@hooks.example.com/catch/%76ictim?team=a"],
    ["the path's case changed", "https://crm:••••@hooks.example.com/Catch/victim?team=a"],
    ["a dot segment", "https://crm:••••@hooks.example.com/catch/victim/../attacker?team=a"],
    ["a backslash for a slash", "https://crm:••••@hooks.example.com\\catch\\victim?team=a"],
    ["a template put before the path", "https://crm:••••@hooks.example.com/{{user.id}}/catch/victim?team=a"],
    ["a template put in the path", "https://crm:••••@hooks.example.com/catch/{{user.id}}?team=a"],
    ["a template appended to it", "https://crm:••••@hooks.example.com/catch/victim?team=a{{#if true}}&id=attacker{{/if}}"],
  ] as const) {
    it(`refuses ${how}, at the URL and the header, asking to type them again`, async () => {
      const errors = await refused(() => editorSave(url));
      expect(Object.keys(errors).sort()).toEqual(["actions.0.headers.0.value", "actions.0.url"]);
      expect(errors["actions.0.url"]).toMatch(/path or query changed.*saved password.*type it again/);
      expect(errors["actions.0.headers.0.value"]).toMatch(/path or query changed.*saved value of the header "X-Api-Key".*type it again/);
      expect(await storedSecrets()).toMatchObject({ password: "hunter2", header: "key-123", signed: true });
    });
  }

  for (const [how, url] of [
    ["unchanged", "https://crm:••••@hooks.example.com/catch/victim?team=a"],
    ["with the host's case changed", "https://crm:••••@HOOKS.Example.COM/catch/victim?team=a"],
    ["with the default port written out", "https://crm:••••@hooks.example.com:443/catch/victim?team=a"],
    ["with a fragment (never sent)", "https://crm:••••@hooks.example.com/catch/victim?team=a#top"],
  ] as const) {
    it(`keeps them ${how}`, async () => {
      const saved = await editorSave(url);
      // nothing about the step's secrets; variant B's URL (/catch/victim-b) is outside the signed step's
      // fixed part, so the save says its requests go unsigned
      expect(saved.notices).toEqual({ "actions.0.variants.0.url": VARIANT_UNSIGNED });
      expect(await storedSecrets()).toMatchObject({ password: "hunter2", header: "key-123", signed: true });
    });
  }

  it("takes a new path when the secrets are typed again; the signing secret is removed there, and said so", async () => {
    const saved = await editorSave("https://crm:mine@hooks.example.com/catch/attacker", { headerValue: "my-key" });
    expect(saved.notices["actions.0.url"]).toMatch(/path or query changed, so the signing secret was removed/);
    expect(await storedSecrets()).toEqual({ url: "https://crm@hooks.example.com/catch/attacker", password: "mine", header: "my-key", signed: false });
  });

  it("keeps what comes after the first template free to change (the data already chooses it)", async () => {
    await saveCampaign(
      campaignDraftSchema.parse({
        id: campaignId,
        name: "Victim",
        actions: [{ id: actionId, name: "CRM", url: "https://crm:hunter2@hooks.example.com/u/{{user.id}}", headers: [{ name: "X-Api-Key", value: "key-123", secret: true }], splitPercent: 50, variants: [{ id: variantId, name: "B", url: "https://hooks.example.com/catch/victim-b", headers: [{ name: "X-Api-Key", value: "••••", secret: true }], splitPercent: 50 }] }],
      }),
      { role: "admin" },
    );
    await editorSave("https://crm:••••@hooks.example.com/u/{{user.id}}/x");
    expect(await storedSecrets()).toMatchObject({ password: "hunter2", header: "key-123" });
  });

  it("refuses a variant's masked secret at another path, at the variant's field", async () => {
    const errors = await refused(() => editorSave("https://crm:••••@hooks.example.com/catch/victim?team=a", { variant: { url: "https://hooks.example.com/catch/attacker" } }));
    expect(Object.keys(errors)).toEqual(["actions.0.variants.0.headers.0.value"]);
    expect((await storedSecrets(variantId)).header).toBe("key-b");
  });

  it("a masked secret moved to another webhook or variant stands for nothing there", async () => {
    // a new webhook at the attacker's path, its variant naming the step's id: neither is the step
    const input = {
      id: campaignId,
      name: "Victim",
      actions: [
        { id: actionId, name: "CRM", url: STORED.replace("hunter2", "••••"), headers: [{ name: "X-Api-Key", value: "••••", secret: true }] },
        { name: "Mine", url: "https://crm:••••@hooks.example.com/catch/attacker", headers: [{ name: "X-Api-Key", value: "••••", secret: true }], splitPercent: 50, variants: [{ id: "v_attacker", name: "B", url: "https://hooks.example.com/catch/victim?team=a", headers: [{ name: "X-Api-Key", value: "••••", secret: true }], splitPercent: 50 }] },
      ],
    };
    // the save's schema refuses one id for two webhooks (every door parses with it) ...
    const twice = structuredClone(input);
    twice.actions[1]!.variants![0]!.id = actionId;
    expect(campaignDraftSchema.safeParse(twice).success).toBe(false);
    // ... and saveCampaign, handed such a draft anyway, still lets the id carry no secret
    const draft = campaignDraftSchema.parse(input);
    draft.actions[1]!.variants[0]!.id = actionId;
    const saved = await saveCampaign(draft, { role: "editor" });
    const mine = await db().action.findFirstOrThrow({ where: { id: saved.actionIds[1] } });
    const mineVariant = await db().action.findFirstOrThrow({ where: { variantOfId: mine.id } });
    expect(await storedSecrets(mine.id)).toMatchObject({ password: null, header: "", signed: false });
    expect(await storedSecrets(mineVariant.id)).toMatchObject({ password: null, header: "", signed: false });
    expect(await storedSecrets()).toMatchObject({ password: "hunter2", header: "key-123", signed: true });
  });
});
