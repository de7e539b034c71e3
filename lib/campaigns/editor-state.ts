// The campaign editor's state as plain types: the draft as typed, with a stable key (`uid`) per row
// for React. Built and read by components/campaign-draft-state.ts; merged by campaign-merge.ts.
import type { SigningState } from "./signing-secrets";
import type { ContentType, FieldType, HttpMethod } from "../webhooks/types";
import type { MappedKind } from "../webhooks/response-mapping";

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
