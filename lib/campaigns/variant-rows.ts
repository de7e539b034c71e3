// A webhook's variants as Action rows (variantOfId = the step): written by saveCampaign from the
// draft's `variants`, read back into the editor's draft, copied by duplicate. A variant row is its
// own action for its URL password and secret headers: a masked secret is reused only by the same
// variant row (of the same step, in the same campaign) at the same origin (the secret resolver
// decides). It has no signing secret: the step's signs it (signingFor), so its signing columns are
// written empty (a save says so when one from before that rule goes, and when the step's secret does
// not sign it at its URL) and its draft shows no signing state of its own.
import type { Action } from "../db";
import type { Db } from "../db";
import type { MemberRole } from "../auth/roles";
import { actionToDraft, sealActionDraft } from "./action-template";
import { grantSecrets, lostSecretMessage, NO_SIGNING_SECRET, signingFor, type SecretActor, VARIANT_OWN_SECRET_REMOVED, VARIANT_UNSIGNED } from "./secret-resolver";
import type { ActionDraft, VariantDraftInput } from "./schemas";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Removing a variant that has deliveries would delete them with it (their log and results). */
export class VariantInUseError extends Error {
  constructor(name: string) {
    super(`The variant "${name}" has deliveries, so it cannot be removed; set its split lower instead.`);
  }
}

/** The rows a draft with this id may edit: a variant row must belong to this very step. */
function isVariantOf(row: Pick<Action, "variantOfId" | "campaignId"> | undefined, stepId: string, campaignId: string) {
  return !!row && row.campaignId === campaignId && row.variantOfId === stepId;
}

/**
 * Writes the step's variants in draft order (position 0, 1, ...), updating the rows the draft names
 * and creating the others; variant rows of the step the draft no longer has are deleted (refused
 * when they have deliveries). The step's own split and control group are written by the caller.
 */
export async function saveVariants(
  tx: Tx,
  args: {
    campaignId: string;
    stepId: string;
    step: ActionDraft;
    sources: Map<string, Action>;
    actor: SecretActor;
    note: (key: string, message: string) => void;
    /** "actions.0" : where notices for this step go */
    prefix: string;
  },
): Promise<string[]> {
  const { campaignId, stepId, step, sources, actor, note, prefix } = args;
  const existingRows = await tx.action.findMany({ where: { variantOfId: stepId }, select: { id: true, name: true } });
  // the step as stored now (the caller wrote it first): whose signing secret signs the variants, and where
  const storedStep = await tx.action.findUnique({ where: { id: stepId } });
  const kept = new Set<string>();
  const ids: string[] = [];
  for (const [position, variant] of step.variants.entries()) {
    const own = variant.id ? sources.get(variant.id) : undefined;
    // a row of this campaign that is not a variant of this step (the step itself, another step's variant) stands for nothing
    const find = (x: string) => {
      const row = sources.get(x);
      if (x === variant.id && row && row.campaignId === campaignId && !isVariantOf(row, stepId, campaignId)) return undefined;
      return row;
    };
    const existing = isVariantOf(own, stepId, campaignId) ? own : undefined;
    const draft: ActionDraft = { ...step, ...variant, id: existing?.id, variants: [], splitPercent: variant.splitPercent, controlPercent: 0 };
    const grant = grantSecrets({ draft: { id: variant.id, copiedFrom: variant.copiedFrom, url: variant.url, variantOf: stepId }, campaignId, actor, find });
    const at = `${prefix}.variants.${position}`;
    const sealed = sealActionDraft(draft, grant, `${at}.`);
    for (const lost of sealed.lost) note(`${at}.${lost.field}`, lostSecretMessage(lost, "save"));
    // what this save does to the variant's signing: a secret of its own from before one secret per
    // webhook goes now; a signed webhook's secret does not sign it outside the step's place
    if (existing?.signingSecretEnc) note(`${at}.url`, VARIANT_OWN_SECRET_REMOVED);
    if (signingFor(storedStep, sealed.data.urlTemplate, new Date()).signingWithheld) note(`${at}.url`, VARIANT_UNSIGNED);
    const data = {
      ...sealed.data,
      position,
      splitPercent: variant.splitPercent,
      controlPercent: 0,
      // the step's delivery settings are the ones used; the variant keeps a copy for reading only
      timeoutMs: step.timeoutSeconds * 1000,
      // the step's secret signs the variant; one stored on the row before that rule goes at its next save
      ...NO_SIGNING_SECRET,
    };
    if (existing) {
      await tx.action.update({ where: { id: existing.id }, data });
      ids.push(existing.id);
      kept.add(existing.id);
    } else {
      ids.push((await tx.action.create({ data: { ...data, campaignId, variantOfId: stepId }, select: { id: true } })).id);
    }
  }
  const removed = existingRows.filter((r) => !kept.has(r.id));
  for (const r of removed) {
    const used = await tx.delivery.findFirst({ where: { variantActionId: r.id }, select: { id: true } });
    if (used) throw new VariantInUseError(r.name);
  }
  if (removed.length) await tx.action.deleteMany({ where: { id: { in: removed.map((r) => r.id) } } });
  return ids;
}

/** The editor's draft of a step: the step's own content, its split and control group, its variants (masked). */
export function stepToDraft(step: Action, rows: Action[], reader: MemberRole) {
  const variants = rows.filter((r) => r.variantOfId === step.id).sort((a, b) => a.position - b.position);
  return {
    ...actionToDraft(step, reader),
    splitPercent: variants.length ? step.splitPercent : 100,
    controlPercent: step.controlPercent,
    // no `signing` per variant: the webhook's (the step's) signs them all
    variants: variants.map((v): VariantDraftInput => {
      const { timeoutSeconds: _t, signing: _s, ...content } = actionToDraft(v, reader);
      return { ...content, splitPercent: v.splitPercent };
    }),
  };
}
