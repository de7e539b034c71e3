// The campaign page's one Save: the campaign and its webhooks, then its delivery settings, in one
// transaction (a failed settings write keeps nothing, so retrying a new draft cannot make two). The
// delivery settings are checked before anything is written, and name webhooks by their position in
// the draft ("@0", "@1"), so a campaign and webhooks saved for the first time get theirs too.
import { deliverySettingsSchema, type DeliverySettings, writeDeliverySettings } from "../delivery/forms/settings";
import { saveCampaign } from "./campaigns";
import { type SecretActor, UNTRUSTED_ACTOR } from "./secret-resolver";
import { DELIVERY_ERROR_PREFIX } from "./delivery-refs";
import type { CampaignDraft, FieldErrors } from "./schemas";

export type SavedWithDelivery = Awaited<ReturnType<typeof saveCampaign>> & {
  /** why the delivery settings were not saved although the campaign was (e.g. it is active) */
  deliveryProblem: string | null;
};

/**
 * Saves the campaign and (when `delivery` is given) its delivery settings in one transaction. Invalid
 * settings save nothing and come back as field errors under "delivery." ("delivery.rule.sendAt").
 */
export async function saveCampaignWithDelivery(
  draft: CampaignDraft,
  delivery: unknown,
  actor: SecretActor & { email?: string } = UNTRUSTED_ACTOR,
): Promise<{ ok: true; data: SavedWithDelivery } | { ok: false; fieldErrors: FieldErrors; message: string }> {
  let settings: DeliverySettings | null = null;
  if (delivery !== undefined && delivery !== null) {
    const parsed = deliverySettingsSchema.safeParse(delivery);
    if (!parsed.success) {
      const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [`${DELIVERY_ERROR_PREFIX}${i.path.join(".")}`, i.message]));
      return { ok: false, fieldErrors, message: "Check the highlighted delivery settings; nothing was saved." };
    }
    settings = parsed.data;
  }
  try {
    return { ok: true, data: await saveCampaignWithSettings(draft, settings, actor, actor.email) };
  } catch (err) {
    if (!(err instanceof DeliveryFieldRefused)) throw err;
    return { ok: false, fieldErrors: { [`${DELIVERY_ERROR_PREFIX}${err.path}`]: err.message }, message: "Check the highlighted delivery settings; nothing was saved." };
  }
}

/** "actions.<i>.…" of the settings written (webhooks not found left out) as the same webhook's index in the settings sent. */
function atSentPosition(path: string, sentIndexOf: number[]): string {
  const m = /^actions\.(\d+)(\..*)?$/.exec(path);
  const sent = m ? sentIndexOf[Number(m[1])] : undefined;
  return m && sent !== undefined ? `actions.${sent}${m[2] ?? ""}` : path;
}

/**
 * Settings refused at one of their fields (a draft's end date already past, a paused campaign's new send time): thrown inside the save's
 * transaction so that nothing of it is kept, the campaign included, as for settings that do not parse.
 */
export class DeliveryFieldRefused extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** saveCampaignWithDelivery's save, given settings already parsed (null: the campaign alone); `by` is who, for the audit. */
export async function saveCampaignWithSettings(draft: CampaignDraft, settings: DeliverySettings | null, actor: SecretActor = UNTRUSTED_ACTOR, by?: string): Promise<SavedWithDelivery> {
  if (!settings) return { ...(await saveCampaign(draft, actor)), deliveryProblem: null };
  const chosen = settings;
  let deliveryProblem: string | null = null;
  // the exemption the settings write is checked with the draft's version (an admin's stale tab cannot put back one changed since)
  const saved = await saveCampaign({ ...draft, capExempt: chosen.capExempt }, actor, async (tx, { id: campaignId, actionIds }) => {
    const idOf = (ref: string) => (/^@\d+$/.test(ref) ? actionIds[Number(ref.slice(1))] : ref);
    const actions = chosen.actions.flatMap((a) => {
      const id = idOf(a.id);
      return id ? [{ ...a, id }] : [];
    });
    const sentIndexOf = chosen.actions.flatMap((a, i) => (idOf(a.id) ? [i] : []));
    // refused (an active campaign): the campaign is saved all the same and the problem is said. The
    // version is saveCampaign's to move, once for the campaign and its settings (and not on a create)
    const result = await writeDeliverySettings(tx, campaignId, { ...chosen, actions }, { actor: by, role: actor.role, moveVersion: false });
    // refused at a field (a paused campaign's new send time): nothing is saved, so that nothing typed
    // beside it (a rate limit) is lost while the page shows it; the page keeps it all, unsaved
    if (!result.ok && "path" in result) throw new DeliveryFieldRefused(atSentPosition(result.path, sentIndexOf), result.message);
    deliveryProblem = result.ok ? null : result.message;
    return result.ok ? result.changed : undefined;
  });
  return { ...saved, deliveryProblem };
}
