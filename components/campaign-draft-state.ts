// The campaign editor's state: the draft as typed, with a stable key per row for React.
import type { ActionDraftInput, CampaignDraftInput } from "@/lib/campaigns/schemas";
import type { SigningState } from "@/lib/campaigns/signing-secrets";
import { DEFAULT_TIMEOUT_SECONDS } from "@/lib/campaigns/limits";

export type { ActionState, CampaignState, FieldRow, HeaderRow, MappingRow, VariantState } from "@/lib/campaigns/editor-state";
import type { ActionState, CampaignState, VariantState } from "@/lib/campaigns/editor-state";

let counter = 0;
export const uid = () => `row${++counter}`;

export function newAction(n = 1): ActionState {
  return {
    uid: uid(),
    name: n > 1 ? `Webhook ${n}` : "Webhook",
    method: "POST",
    url: "",
    contentType: "application/json",
    fields: [],
    headers: [],
    timeoutSeconds: String(DEFAULT_TIMEOUT_SECONDS),
    splitPercent: "100",
    controlPercent: "0",
    variants: [],
    responseMapping: [],
  };
}

type ContentDraft = Pick<ActionDraftInput, "id" | "copiedFrom" | "templateId" | "name" | "method" | "url" | "contentType" | "fields" | "headers">;
export type DraftForEditor = Omit<CampaignDraftInput, "actions"> & {
  actions?: (ActionDraftInput & { signing?: SigningState; variants?: (ContentDraft & { splitPercent?: unknown })[] })[];
};

function contentState(a: ContentDraft) {
  return {
    uid: uid(),
    id: a.id,
    copiedFrom: a.copiedFrom,
    templateId: a.templateId,
    name: a.name ?? "Webhook",
    method: a.method ?? "POST",
    url: a.url,
    contentType: a.contentType ?? "application/json",
    fields: (a.fields ?? []).map((f) => ({ uid: uid(), key: f.key, value: f.value, type: f.type ?? "text" })),
    headers: (a.headers ?? []).map((h) => ({ uid: uid(), name: h.name, value: h.value, secret: !!h.secret })),
  };
}

function contentDraftOf(a: Omit<VariantState, "splitPercent">) {
  return {
    id: a.id,
    copiedFrom: a.copiedFrom,
    templateId: a.templateId,
    name: a.name,
    method: a.method,
    url: a.url,
    contentType: a.contentType,
    fields: a.fields.map(({ key, value, type }) => ({ key, value, type })),
    headers: a.headers.map(({ name, value, secret }) => ({ name, value, secret })),
  };
}

export function stateFromDraft(draft: DraftForEditor): CampaignState {
  return {
    id: draft.id,
    version: draft.version,
    name: draft.name,
    description: draft.description ?? "",
    actions: (draft.actions ?? []).map((a) => ({
      ...contentState(a),
      signing: a.signing,
      timeoutSeconds: String(a.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      splitPercent: String(a.splitPercent ?? 100),
      controlPercent: String(a.controlPercent ?? 0),
      variants: (a.variants ?? []).map((v) => ({ ...contentState(v), splitPercent: String(v.splitPercent ?? 50) })),
      responseMapping: (a.responseMapping ?? []).map((m) => ({ uid: uid(), path: m.path, attribute: m.attribute, type: m.type ?? "" })),
    })),
  };
}

export function actionDraftOf(a: ActionState) {
  return {
    ...contentDraftOf(a),
    timeoutSeconds: a.timeoutSeconds,
    splitPercent: a.splitPercent,
    controlPercent: a.controlPercent,
    variants: a.variants.map((v) => ({ ...contentDraftOf(v), splitPercent: v.splitPercent })),
    responseMapping: (a.responseMapping ?? []).map(({ path, attribute, type }) => ({ path, attribute, ...(type ? { type } : {}) })),
  };
}

export function draftOf(state: CampaignState): CampaignDraftInput {
  return { id: state.id, version: state.version, name: state.name, description: state.description, actions: state.actions.map(actionDraftOf) };
}

/** A copy of an action as a new, unsaved one; its saved secrets ("••••") come from the original. */
export function copyOfAction(a: ActionState): ActionState {
  return {
    ...a,
    uid: uid(),
    id: undefined,
    copiedFrom: a.id ?? a.copiedFrom,
    name: `${a.name} (copy)`,
    signing: undefined,
    fields: a.fields.map((f) => ({ ...f, uid: uid() })),
    headers: a.headers.map((h) => ({ ...h, uid: uid() })),
    variants: a.variants.map((v) => ({
      ...v,
      uid: uid(),
      id: undefined,
      copiedFrom: v.id ?? v.copiedFrom,
      fields: v.fields.map((f) => ({ ...f, uid: uid() })),
      headers: v.headers.map((h) => ({ ...h, uid: uid() })),
    })),
    responseMapping: (a.responseMapping ?? []).map((m) => ({ ...m, uid: uid() })),
  };
}
