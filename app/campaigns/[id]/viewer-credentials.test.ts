// A viewer cannot edit a campaign, so the credentials in its webhooks that are not sealed like the URL
// password (a Slack hook's path, ?token=, a secret-named field or header typed in clear: the rule of
// lib/webhooks/credential-parts.ts) show masked to them: on the campaign page (signed in as a viewer)
// and through GET /api/v1/campaigns/{id} with a viewer key. An editor or admin sees what they edit.
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ReactElement, ReactNode } from "react";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import type { Role } from "@/lib/auth/roles";
import { getCampaignDraft, saveCampaign } from "@/lib/campaigns/campaigns";
import { previewAction } from "@/lib/campaigns/preview";
import { sampleRequestSchema } from "@/lib/campaigns/preview-input";
import { rotateSigningSecret } from "@/lib/campaigns/signing-secrets";
import { db } from "@/lib/db";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { memberCookies } from "@/test/sessions";
import { GET as read } from "@/app/api/v1/campaigns/[id]/route";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
  notFound: () => {
    throw new Error("not found");
  },
}));
const { default: CampaignPage } = await import("./page");

const SLACK = "https://hooks.slack.com/services/T000/B000/XXXXSLACKSECRET";
const SECRETS = ["XXXXSLACKSECRET", "tok-abc123", "sk_live_field", "sig-literal", "nested-pin-9876"];
let campaignId = "";
let cookies: Record<Role, string>;

beforeAll(async () => {
  cookies = await memberCookies();
  const saved = await saveCampaign(
    campaignDraftSchema.parse({
      name: "Credentials",
      actions: [
        {
          name: "Slack",
          url: SLACK,
          fields: [
            { key: "text", value: "Hello {{user.id}}", type: "text" },
            { key: "api_key", value: "sk_live_field", type: "text" },
            { key: "ref", value: "{{user.token}}", type: "text" },
            { key: "payload", value: '{"auth": {"pin": "nested-pin-9876"}, "city": "Paris"}', type: "json" },
          ],
          headers: [{ name: "X-Signature", value: "sig-literal", secret: false }],
          splitPercent: 50,
          variants: [{ name: "B", url: "https://api.example.com/hook?page=2&token=tok-abc123", splitPercent: 50 }],
        },
      ],
    }),
    { role: "admin" },
  );
  campaignId = saved.id;
});

/** The CampaignEditor's `initial` draft in the page's element tree. */
function editorDraft(node: ReactNode): unknown {
  if (!node || typeof node !== "object") return undefined;
  if (Array.isArray(node)) return node.map(editorDraft).find(Boolean);
  const el = node as ReactElement<{ initial?: unknown; children?: ReactNode }>;
  if (el.props?.initial && typeof el.type === "function" && el.type.name === "CampaignEditor") return el.props.initial;
  return editorDraft(el.props?.children);
}

async function pageAs(role: Role) {
  requestHeaders = new Headers({ cookie: cookies[role] });
  const draft = editorDraft(await CampaignPage({ params: Promise.resolve({ id: campaignId }) }));
  expect(draft).toBeTruthy();
  return JSON.stringify(draft);
}

async function apiAs(role: Role) {
  const res = await read(apiRequest("GET", `/campaigns/${campaignId}`, await apiKeyHeaders(role)), routeParams(campaignId));
  expect(res.status).toBe(200);
  return res.text();
}

describe("a campaign's credential parts, read by role", () => {
  it.each([["the campaign page", pageAs] as const, ["GET /api/v1/campaigns/{id}", apiAs] as const])("%s shows them masked to a viewer", async (_door, readAs) => {
    const shown = await readAs("viewer");
    for (const secret of SECRETS) expect(shown).not.toContain(secret);
    expect(shown).toContain("https://hooks.slack.com/services/••••");
    expect(shown).toContain("https://api.example.com/hook?page=2&token=••••");
    expect(shown).toContain("{{user.token}}");
    expect(shown).toContain("Paris");
  });

  it.each([["the campaign page", pageAs] as const, ["GET /api/v1/campaigns/{id}", apiAs] as const])("%s shows an editor and an admin what they edit", async (_door, readAs) => {
    for (const role of ["editor", "admin"] as const) {
      const shown = await readAs(role);
      for (const secret of SECRETS) expect(shown, role).toContain(secret);
    }
  });
});

describe("a viewer's preview of the draft they were shown", () => {
  it("renders the stored URL, signed and with its secret header, shown masked as an editor's is, without warnings", async () => {
    await db().user.create({ data: { id: "vc-user", attributes: {} } });
    const saved = await saveCampaign(
      campaignDraftSchema.parse({ name: "Signed", actions: [{ name: "A", url: "https://api.example.com/hook?page=2&token=tok-preview1", headers: [{ name: "X-Api-Key", value: "k-preview", secret: true }] }] }),
      { role: "admin" },
    );
    await rotateSigningSecret(saved.id, saved.actionIds[0]!);
    const previews = [];
    for (const role of ["viewer", "editor"] as const) {
      const draft = (await getCampaignDraft(saved.id, role))!;
      // what the page's preview posts: the draft it was given
      const input = sampleRequestSchema.parse({ action: draft.actions[0], campaign: { id: saved.id, name: "Signed" }, userId: "vc-user" });
      previews.push(await previewAction(input, undefined, { role }));
    }
    const [viewer, editor] = previews;
    expect(viewer!.warnings).toEqual([]);
    expect(viewer!.request!.url).toBe("https://api.example.com/hook?page=2&token=••••");
    expect(viewer!.request!.headers.filter(([name]) => name !== "webhook-timestamp")).toEqual(editor!.request!.headers.filter(([name]) => name !== "webhook-timestamp"));
    expect(JSON.stringify(viewer)).not.toMatch(/tok-preview1|k-preview/);
  });
});

describe("the campaign page's reads", () => {
  it("reads the campaign's row once per view (its draft, delivery settings, outcomes and goal are built from it)", async () => {
    requestHeaders = new Headers({ cookie: cookies.editor });
    const reads = vi.spyOn(db().campaign, "findUnique");
    try {
      expect(editorDraft(await CampaignPage({ params: Promise.resolve({ id: campaignId }) }))).toBeTruthy();
      // the row, and the results table's own read (conversion-results.ts: one computation shared with its polling)
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
    }
  });
});
