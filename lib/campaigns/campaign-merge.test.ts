// The three-way merge of the editor's draft (campaign-merge.ts): disjoint edits, the same field on both
// sides, a webhook deleted by them and edited by me, rows added on both sides, secrets never shown.
import { describe, expect, it } from "vitest";
import { mergeCampaign } from "./campaign-merge";
import type { ActionState, CampaignState, VariantState } from "./editor-state";

let n = 0;
const uid = () => `u${++n}`;

function webhook(id: string | undefined, over: Partial<ActionState> = {}): ActionState {
  return {
    uid: uid(),
    id,
    name: "Webhook",
    method: "POST",
    url: "https://hooks.example.com/in",
    contentType: "application/json",
    fields: [{ uid: uid(), key: "plan", value: "gold", type: "text" }],
    headers: [{ uid: uid(), name: "X-Api-Key", value: "••••", secret: true }],
    timeoutSeconds: "10",
    responseMapping: [],
    splitPercent: "100",
    controlPercent: "0",
    variants: [],
    ...over,
  };
}

const campaign = (actions: ActionState[], over: Partial<CampaignState> = {}): CampaignState => ({ id: "c1", version: 3, name: "Daily nudge", description: "", actions, ...over });

/** A copy as another side holds it (its own row keys, as stateFromDraft gives them). */
function copy(c: CampaignState, over: Partial<CampaignState> = {}): CampaignState {
  const fresh = <R extends { uid: string }>(rows: R[]) => rows.map((r) => ({ ...r, uid: uid() }));
  const content = <C extends ActionState | VariantState>(a: C): C => ({ ...a, uid: uid(), fields: fresh(a.fields), headers: fresh(a.headers) });
  return { ...c, actions: c.actions.map((a) => ({ ...content(a), responseMapping: fresh(a.responseMapping), variants: a.variants.map(content) })), ...over };
}

const edit = (c: CampaignState, i: number, patch: Partial<ActionState>): CampaignState => ({ ...c, actions: c.actions.map((a, j) => (j === i ? { ...a, ...patch } : a)) });

describe("mergeCampaign", () => {
  it("takes mine where only I changed, theirs where only they did, and holds the stored version", () => {
    const base = campaign([webhook("a1")]);
    const mine = edit({ ...base, description: "Every day at nine" }, 0, { timeoutSeconds: "20" });
    const theirs = edit(copy(base, { version: 5, name: "Daily nudge (EU)" }), 0, { url: "https://hooks.example.com/eu" });
    const merged = mergeCampaign(base, mine, theirs);
    expect(merged.state).toMatchObject({ version: 5, name: "Daily nudge (EU)", description: "Every day at nine" });
    expect(merged.state.actions[0]).toMatchObject({ id: "a1", url: "https://hooks.example.com/eu", timeoutSeconds: "20" });
    // my rows keep their keys (focus stays put)
    expect(merged.state.actions[0]!.uid).toBe(mine.actions[0]!.uid);
    expect(merged.fromThem).toEqual(["Campaign name", "Webhook 1 URL"]);
    expect(merged.clashes).toEqual([]);
  });

  it("keeps mine where both changed the same field, saying what theirs was", () => {
    const base = campaign([webhook("a1")]);
    const mine = edit(base, 0, { url: "https://mine.example.com/in" });
    const theirs = edit(copy(base), 0, { url: "https://theirs.example.com/in" });
    const merged = mergeCampaign(base, mine, theirs);
    expect(merged.state.actions[0]!.url).toBe("https://mine.example.com/in");
    expect(merged.clashes).toEqual([
      { label: "Webhook 1 URL", theirs: "https://theirs.example.com/in", text: "Both changed Webhook 1 URL: yours kept; theirs was https://theirs.example.com/in" },
    ]);
  });

  it("is no clash when both made the same change", () => {
    const base = campaign([webhook("a1")]);
    const merged = mergeCampaign(base, { ...base, name: "Same" }, copy(base, { name: "Same" }));
    expect(merged.state.name).toBe("Same");
    expect(merged).toMatchObject({ fromThem: [], clashes: [] });
  });

  it("keeps a webhook they deleted that I edited, as a new one, with a clash; drops one I left alone", () => {
    const signing = { state: "signing" } as unknown as ActionState["signing"];
    const base = campaign([webhook("a1", { name: "Welcome" }), webhook("a2", { name: "Reminder", signing, variants: [{ ...webhook("v1"), splitPercent: "50" }] }), webhook("a3", { name: "Extra" })]);
    const mine = edit(base, 1, { timeoutSeconds: "30" });
    const theirs = copy(base, { actions: copy(base).actions.filter((a) => a.id === "a1") });
    const merged = mergeCampaign(base, mine, theirs);
    expect(merged.state.actions.map((a) => [a.name, a.id, a.timeoutSeconds])).toEqual([
      ["Welcome", "a1", "10"],
      ["Reminder", undefined, "30"],
    ]);
    // its variant is a new row too (the stored one went with the webhook)
    expect(merged.state.actions[1]!.variants[0]!.id).toBeUndefined();
    expect(merged.state.actions[1]!.signing).toBeUndefined();
    expect(merged.clashes.map((c) => c.text)).toEqual(["Both changed Webhook 2: they deleted it; yours kept as a new one (type its saved secrets again)"]);
    expect(merged.fromThem).toEqual(["Webhook 3 (deleted)"]);
  });

  it("keeps webhooks and rows added on both sides, theirs placed after the row they follow", () => {
    const base = campaign([webhook("a1")]);
    const mineAction = base.actions[0]!;
    const mine: CampaignState = {
      ...base,
      actions: [
        { ...mineAction, fields: [...mineAction.fields, { uid: uid(), key: "mine", value: "1", type: "text" }], headers: [...mineAction.headers, { uid: uid(), name: "X-Mine", value: "m", secret: false }] },
        webhook(undefined, { name: "My new one" }),
      ],
    };
    const theirsBase = copy(base);
    const t = theirsBase.actions[0]!;
    const theirs: CampaignState = {
      ...theirsBase,
      actions: [
        {
          ...t,
          fields: [{ uid: uid(), key: "first", value: "0", type: "text" }, ...t.fields, { uid: uid(), key: "theirs", value: "2", type: "number" }],
          responseMapping: [{ uid: uid(), path: "$.id", attribute: "crm_id", type: "" }],
        },
        webhook("a9", { name: "Their new one" }),
      ],
    };
    const merged = mergeCampaign(base, mine, theirs);
    const [first, second, third] = merged.state.actions;
    expect(first!.fields.map((f) => f.key)).toEqual(["first", "plan", "theirs", "mine"]);
    expect(first!.headers.map((h) => h.name)).toEqual(["X-Api-Key", "X-Mine"]);
    expect(first!.responseMapping).toMatchObject([{ path: "$.id", attribute: "crm_id" }]);
    expect([second!.name, third!.name]).toEqual(["Their new one", "My new one"]);
    expect(merged.fromThem).toEqual(["Webhook 1 data field first (added)", "Webhook 1 data field theirs (added)", "Webhook 1 response mapping to crm_id (added)", "Webhook 2 (added)"]);
    expect(merged.clashes).toEqual([]);
  });

  it("matches rows by key: a row removed by them goes unless I changed it; the same key added differently is a clash", () => {
    const base = campaign([webhook("a1", { fields: [{ uid: uid(), key: "plan", value: "gold", type: "text" }, { uid: uid(), key: "tier", value: "1", type: "text" }] })]);
    const b = base.actions[0]!;
    const mine = edit(base, 0, { fields: [b.fields[0]!, { ...b.fields[1]!, value: "2" }, { uid: uid(), key: "city", value: "Oslo", type: "text" }] });
    const theirs = edit(copy(base), 0, { fields: [{ uid: uid(), key: "city", value: "Bergen", type: "text" }] });
    const merged = mergeCampaign(base, mine, theirs);
    expect(merged.state.actions[0]!.fields.map((f) => [f.key, f.value])).toEqual([
      ["tier", "2"],
      ["city", "Oslo"],
    ]);
    expect(merged.fromThem).toEqual(["Webhook 1 data field plan (removed)"]);
    expect(merged.clashes.map((c) => c.text)).toEqual(["Both changed Webhook 1 data field tier: they removed it; yours kept", "Both changed Webhook 1 data field city: yours kept; theirs was Bergen"]);
  });

  it("merges variants and the control group by field, and a variant they added", () => {
    const variant = (id: string, split: string): VariantState => ({ ...webhook(id, { name: `Variant ${id}` }), splitPercent: split });
    const base = campaign([webhook("a1", { splitPercent: "50", variants: [variant("v1", "50")] })]);
    const mine = edit(base, 0, { controlPercent: "10", variants: [{ ...base.actions[0]!.variants[0]!, url: "https://b.example.com/mine" }] });
    const theirs = edit(copy(base), 0, { splitPercent: "34", variants: [{ ...copy(base).actions[0]!.variants[0]!, splitPercent: "33", name: "B renamed" }, variant("v2", "33")] });
    const merged = mergeCampaign(base, mine, theirs);
    const a = merged.state.actions[0]!;
    expect([a.splitPercent, a.controlPercent]).toEqual(["34", "10"]);
    expect(a.variants.map((v) => [v.id, v.name, v.url, v.splitPercent])).toEqual([
      ["v1", "B renamed", "https://b.example.com/mine", "33"],
      ["v2", "Variant v2", "https://hooks.example.com/in", "33"],
    ]);
    expect(merged.fromThem).toEqual(["Webhook 1 split", "Webhook 1 variant B name", "Webhook 1 variant B split", "Webhook 1 variant C (added)"]);
  });

  it("a variant I removed stays removed, said as a clash when they had changed it", () => {
    const variant = (id: string): VariantState => ({ ...webhook(id, { name: `Variant ${id}` }), splitPercent: "50" });
    const base = campaign([webhook("a1", { splitPercent: "50", variants: [variant("v1")] })]);
    const mine = edit(base, 0, { splitPercent: "100", variants: [] });
    const theirs = edit(copy(base), 0, { variants: [{ ...copy(base).actions[0]!.variants[0]!, url: "https://b.example.com/theirs" }] });
    const merged = mergeCampaign(base, mine, theirs);
    expect(merged.state.actions[0]!.variants).toEqual([]);
    expect(merged.clashes.map((c) => c.text)).toEqual(["Both changed Webhook 1 variant B: you removed it; they changed it"]);
  });

  describe("secrets", () => {
    it("an untouched stored secret stays masked (the stored one, theirs if they changed it); a typed one is mine", () => {
      const base = campaign([webhook("a1", { url: "https://bot:••••@hooks.example.com/in" }), webhook("a2")]);
      const mine = edit(base, 1, { headers: [{ ...base.actions[1]!.headers[0]!, value: "my-new-key" }] });
      // theirs: a new password and key were saved: the editor's read shows them masked, as before
      const theirs = edit(copy(base), 0, { name: "Renamed" });
      const merged = mergeCampaign(base, mine, theirs);
      expect(merged.state.actions[0]).toMatchObject({ url: "https://bot:••••@hooks.example.com/in", headers: [{ value: "••••", secret: true }] });
      expect(merged.state.actions[1]!.headers[0]!.value).toBe("my-new-key");
    });

    it("says what theirs was masked: a secret header, a credential in the URL or a secret-named field, never a value", () => {
      const base = campaign([webhook("a1", { headers: [{ uid: uid(), name: "X-Api-Key", value: "", secret: true }], fields: [{ uid: uid(), key: "api_token", value: "", type: "text" }] })]);
      const mine = edit(base, 0, {
        url: "https://mine.example.com/in",
        headers: [{ ...base.actions[0]!.headers[0]!, value: "typed-by-me" }],
        fields: [{ ...base.actions[0]!.fields[0]!, value: "my-token" }],
      });
      const theirs = edit(copy(base), 0, {
        url: "https://hooks.slack.com/services/T000/B000/XXXXSECRET?token=abc123",
        headers: [{ uid: uid(), name: "X-Api-Key", value: "••••", secret: true }],
        fields: [{ uid: uid(), key: "api_token", value: "their-token-value", type: "text" }],
      });
      const merged = mergeCampaign(base, mine, theirs);
      const said = merged.clashes.map((c) => c.text).join("\n");
      expect(merged.clashes.map((c) => c.label)).toEqual(["Webhook 1 URL", "Webhook 1 data field api_token", "Webhook 1 header X-Api-Key"]);
      expect(said).toContain("theirs was ••••");
      expect(said).not.toMatch(/XXXXSECRET|abc123|their-token-value/);
      // mine is kept (the marketer typed it; it goes to the server on Save only)
      expect(merged.state.actions[0]!.headers[0]!.value).toBe("typed-by-me");
    });
  });
});

// The review: their reorder was undone (the order came from mine whatever they did).
describe("mergeCampaign's order", () => {
  const rows = (...keys: string[]) => keys.map((key) => ({ uid: uid(), key, value: key, type: "text" as const }));

  it("takes their order of webhooks and data fields when I did not reorder, my new ones after the one they follow", () => {
    const base = campaign([webhook("a1", { name: "One", fields: rows("a", "b", "c") }), webhook("a2", { name: "Two" }), webhook("a3", { name: "Three" })]);
    const mine = edit({ ...base, actions: [base.actions[0]!, webhook(undefined, { name: "Mine" }), ...base.actions.slice(1)] }, 0, { fields: [...base.actions[0]!.fields, ...rows("d")] });
    const t = copy(base);
    const theirs = { ...t, actions: [t.actions[2]!, { ...t.actions[0]!, fields: [t.actions[0]!.fields[2]!, t.actions[0]!.fields[0]!, t.actions[0]!.fields[1]!] }, t.actions[1]!] };
    const merged = mergeCampaign(base, mine, theirs);
    expect(merged.state.actions.map((a) => a.name)).toEqual(["Three", "One", "Mine", "Two"]);
    expect(merged.state.actions[1]!.fields.map((f) => f.key)).toEqual(["c", "a", "b", "d"]);
    expect(merged.fromThem).toEqual(expect.arrayContaining(["Webhooks order"]));
    expect(merged.clashes).toEqual([]);
  });

  it("keeps my order when both reordered differently, as a clash", () => {
    const base = campaign([webhook("a1", { name: "One" }), webhook("a2", { name: "Two" }), webhook("a3", { name: "Three" })]);
    const mine = { ...base, actions: [base.actions[1]!, base.actions[0]!, base.actions[2]!] };
    const t = copy(base);
    const theirs = { ...t, actions: [t.actions[2]!, t.actions[0]!, t.actions[1]!] };
    const merged = mergeCampaign(base, mine, theirs);
    expect(merged.state.actions.map((a) => a.name)).toEqual(["Two", "One", "Three"]);
    expect(merged.clashes.map((c) => c.text)).toEqual(["Both changed Webhooks order: both reordered them; your order kept"]);
  });
});
