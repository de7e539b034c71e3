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
};
export type CampaignState = { id?: string; name: string; description: string; actions: ActionState[] };

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
    responseMapping: [],
  };
}

export type DraftForEditor = Omit<CampaignDraftInput, "actions"> & { actions?: (ActionDraftInput & { signing?: SigningState })[] };

export function stateFromDraft(draft: DraftForEditor): CampaignState {
  return {
    id: draft.id,
    name: draft.name,
    description: draft.description ?? "",
    actions: (draft.actions ?? []).map((a) => ({
      uid: uid(),
      id: a.id,
      copiedFrom: a.copiedFrom,
      name: a.name ?? "Webhook",
      method: a.method ?? "POST",
      url: a.url,
      contentType: a.contentType ?? "application/json",
      fields: (a.fields ?? []).map((f) => ({ uid: uid(), key: f.key, value: f.value, type: f.type ?? "text" })),
      headers: (a.headers ?? []).map((h) => ({ uid: uid(), name: h.name, value: h.value, secret: !!h.secret })),
      timeoutSeconds: String(a.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      responseMapping: (a.responseMapping ?? []).map((m) => ({ uid: uid(), path: m.path, attribute: m.attribute, type: m.type ?? "" })),
      signing: a.signing,
    })),
  };
}

export function actionDraftOf(a: ActionState) {
  return {
    id: a.id,
    copiedFrom: a.copiedFrom,
    name: a.name,
    method: a.method,
    url: a.url,
    contentType: a.contentType,
    fields: a.fields.map(({ key, value, type }) => ({ key, value, type })),
    headers: a.headers.map(({ name, value, secret }) => ({ name, value, secret })),
    timeoutSeconds: a.timeoutSeconds,
    responseMapping: (a.responseMapping ?? []).map(({ path, attribute, type }) => ({ path, attribute, ...(type ? { type } : {}) })),
  };
}

export function draftOf(state: CampaignState): CampaignDraftInput {
  return { id: state.id, name: state.name, description: state.description, actions: state.actions.map(actionDraftOf) };
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
    responseMapping: (a.responseMapping ?? []).map((m) => ({ ...m, uid: uid() })),
  };
}
