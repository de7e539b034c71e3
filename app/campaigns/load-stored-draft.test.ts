// "Merge their changes" reads the campaign as stored now through loadStoredDraftAction: whoever may load
// the editor may read it, as its page shows it to them. An editor gets stored secrets as "••••" (never
// their value); a viewer gets every credential part masked too; someone signed out gets nothing.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { saveCampaign } from "@/lib/campaigns/campaigns";
import { campaignDraftSchema } from "@/lib/campaigns/schemas";
import { memberCookies } from "@/test/sessions";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
const { loadStoredDraftAction } = await import("./actions");

let cookies: Awaited<ReturnType<typeof memberCookies>>;
let id: string;
const PLAIN = ["pw-SECRET-1", "hdr-SECRET-2", "tok-SECRET-3"];

beforeAll(async () => {
  cookies = await memberCookies();
  ({ id } = await saveCampaign(
    campaignDraftSchema.parse({
      name: "Digest",
      actions: [
        {
          url: `https://crm:${PLAIN[0]}@api.example.com/in?token=${PLAIN[2]}`,
          headers: [{ name: "X-Api-Key", value: PLAIN[1], secret: true }],
          fields: [{ key: "plan", value: "gold" }],
        },
      ],
    }),
  ));
});

const as = (cookie: string) => {
  requestHeaders = new Headers({ cookie });
  return loadStoredDraftAction(id);
};

describe("loadStoredDraftAction", () => {
  it("gives an editor the draft as the editor shows it: secrets masked, with its version and delivery settings", async () => {
    const res = await as(cookies.editor);
    if (!res.ok) throw new Error(res.message);
    const text = JSON.stringify(res.data);
    for (const secret of PLAIN.slice(0, 2)) expect(text).not.toContain(secret);
    expect(res.data.draft).toMatchObject({ id, name: "Digest", version: 1, actions: [{ url: expect.stringContaining("crm:••••@api.example.com"), headers: [{ name: "X-Api-Key", value: "••••", secret: true }] }] });
    expect(res.data.delivery.rule).toBeTruthy();
  });

  it("gives a viewer every credential part masked, and nobody signed out anything", async () => {
    const viewer = await as(cookies.viewer);
    if (!viewer.ok) throw new Error(viewer.message);
    const text = JSON.stringify(viewer.data);
    for (const secret of PLAIN) expect(text).not.toContain(secret);
    const stranger = await as("");
    expect(stranger.ok).toBe(false);
  });
});
