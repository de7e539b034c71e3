// The campaign editor's state: the draft as typed, with a stable key per row for React.
import type { ActionDraftInput, CampaignDraftInput } from "@/lib/campaigns/schemas";
import type { SigningState } from "@/lib/campaigns/signing-secrets";
import { DEFAULT_TIMEOUT_SECONDS } from "@/lib/campaigns/limits";
import type { ContentType, FieldType, HttpMethod } from "@/lib/webhooks/types";
import type { MappedKind } from "@/lib/webhooks/response-mapping";

export type FieldRow = { uid: string; key: string; value: string; type: FieldType };
export type HeaderRow = { uid: string; name: string; value: string; secret: boolean };
/** "Save response to user": a JSON path and the attribute it goes to ("" type = keep the JSON type) */
export type MappingRow = { uid: string; path: string; attribute: string; type: MappedKind | "" };
export type ActionState = {
  uid: string;
  id?: string;
  copiedFrom?: string;
  /** the destination template it was started from (a copy; kept on save) */
  templateId?: string;
  name: string;
  method: HttpMethod;
  url: string;
  contentType: ContentType;
  fields: FieldRow[];
  headers: HeaderRow[];
  timeoutSeconds: string;
  responseMapping: MappingRow[];
  /** the saved action's signing secret state (not part of the draft: it changes by its own buttons) */
  signing?: SigningState;
  /** A/B variants (components/variant-state.ts): A's split, the control group, variants B, C, ... (as typed) */
  splitPercent: string;
  controlPercent: string;
  variants: VariantState[];
};
/** A variant's own content (the step's other settings apply to it) and its split. */
// no `signing`: the webhook's secret signs its variants (ActionState.signing)
export type VariantState = Pick<ActionState, "uid" | "id" | "copiedFrom" | "templateId" | "name" | "method" | "url" | "contentType" | "fields" | "headers"> & {
  splitPercent: string;
};
/** `version`: the saved campaign's version this state was loaded or last saved from (a save from an older one is refused). */
export type CampaignState = { id?: string; version?: number; name: string; description: string; actions: ActionState[] };

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
