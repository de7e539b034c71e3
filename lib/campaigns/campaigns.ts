// Campaigns and their webhook actions in the database: list, load for the editor, save a draft,
// duplicate, rename, delete. Every write of an action goes through sealActionDraft (secrets encrypted)
// and the secret resolver (which stored secrets a draft or a copy may keep).
import { db } from "../db";
import { recordAudit } from "../auth/audit";
import { mayChangeCapExempt, type MemberRole } from "../auth/roles";
import type { Action } from "../db";
import { sealActionDraft } from "./action-template";
import { campaignSnapshot, diffCampaigns, type FieldChange } from "./campaign-diff";
import { DEFAULT_DELIVERY_RULE, MAX_WEBHOOKS } from "./limits";
import { copyableSecrets, grantSecrets, keepsSigningSecret, lostSecretMessage, signingRemovedMessage, type SecretActor, UNTRUSTED_ACTOR } from "./secret-resolver";
import { assertTemplatesCompile } from "./template-check";
import type { CampaignDraft, CampaignDraftInput } from "./schemas";
import { saveVariants, stepToDraft } from "./variant-rows";
import { kindsFromCatalogue, typedMapping } from "../webhooks/response-mapping";
import { loadAttributeChoices } from "./template-suggestions";
import { transaction } from "../db/transaction";
import { lockRowForDelete, lockRowForUpdate } from "../db/row-locks";
import { bothChanges, type IfMatch, isStale, nextVersions, type SavingTab, versionHeldNext, type VersionCheck, type VersionedChanges, versionedChanges } from "./campaign-version";
import { conflictOf } from "./campaign-conflict";

export { CampaignConflictError, formatUtc } from "./campaign-conflict";

/** A campaign as the editor shows it: the draft (secrets masked) plus what the editor shows beside it. */
export type CampaignForEditor = CampaignDraftInput & { id: string; status: string; updatedAt: Date; version: number; actions: ReturnType<typeof stepToDraft>[] };

/**
 * A saved campaign as the editor shows it to `reader` (secrets masked; to a viewer, every credential
 * part: actionToDraft), or null.
 */
export async function getCampaignDraft(id: string, reader: MemberRole): Promise<CampaignForEditor | null> {
  const campaign = await loadCampaignRow(id);
  return campaign && campaignDraftOf(campaign, reader);
}

/**
 * The campaign's row with every webhook and variant in order, or null: what its page builds its draft
 * (campaignDraftOf), delivery settings (deliverySettingsOf), outcomes and goal from, read once per view.
 */
export function loadCampaignRow(id: string) {
  return db().campaign.findUnique({ where: { id }, include: { actions: { orderBy: { position: "asc" } } } });
}

export type CampaignRow = NonNullable<Awaited<ReturnType<typeof loadCampaignRow>>>;

/** getCampaignDraft's, from the row already read (loadCampaignRow). */
export function campaignDraftOf(campaign: CampaignRow, reader: MemberRole): CampaignForEditor {
  return {
    id: campaign.id,
    name: campaign.name,
    description: campaign.description,
    status: campaign.status,
    updatedAt: campaign.updatedAt,
    version: campaign.version,
    actions: campaign.actions.filter((a) => !a.variantOfId).map((step) => stepToDraft(step, campaign.actions, reader)),
  };
}

/**
 * The campaign would hold more webhooks than MAX_WEBHOOKS. The draft schema bounds one save, but the
 * webhooks a save leaves out stay: what the campaign holds after the save is what is checked, so
 * saves of one new webhook each cannot grow it (each delivery fans out to every webhook) without bound.
 */
export class WebhookLimitError extends Error {
  readonly field = "actions";
  constructor(count: number) {
    super(`A campaign can have at most ${MAX_WEBHOOKS} webhooks: this save would leave it with ${count} (webhooks left out of a save stay). Delete one first.`);
  }
}

/** Refuses (inside the writing transaction, so nothing is kept) a campaign left with more webhooks than the limit. */
async function assertWebhookLimit(tx: Tx, campaignId: string) {
  const count = await tx.action.count({ where: { campaignId, variantOfId: null } });
  if (count > MAX_WEBHOOKS) throw new WebhookLimitError(count);
}

export class CampaignNotFoundError extends Error {
  constructor() {
    super("This campaign no longer exists; it may have been deleted.");
  }
}

/**
 * An action id the campaign does not hold: another campaign's webhook, or one deleted since the page
 * loaded. `field` names it in a save's draft ("actions.1.id"). Refused, not taken as a new webhook: a
 * save naming another campaign's webhook would otherwise add a copy of it silently.
 */
export class WebhookNotInCampaignError extends Error {
  name = "WebhookNotInCampaignError";
  constructor(readonly field?: string) {
    super("This webhook is not in this campaign; it may have been deleted.");
  }
}

/** Every id the draft gives a webhook or a variant must be a row of this campaign (it is updated); one without an id is added. */
function assertOwnActionIds(draft: CampaignDraft, campaignId: string, sources: Map<string, Action>) {
  const ours = (id: string | undefined) => !id || sources.get(id)?.campaignId === campaignId;
  for (const [position, action] of draft.actions.entries()) {
    if (!ours(action.id)) throw new WebhookNotInCampaignError(`actions.${position}.id`);
    const variant = action.variants.findIndex((v) => !ours(v.id));
    if (variant >= 0) throw new WebhookNotInCampaignError(`actions.${position}.variants.${variant}.id`);
  }
}

/** What a save changed that the marketer should know about, keyed like field errors. */
export type SaveNotices = Record<string, string>;

type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

const NOTHING_VERSIONED: VersionedChanges = { content: false, goal: false };
const WEBHOOKS_CHANGED: VersionedChanges = { content: true, goal: false };

const withActions = { include: { actions: { orderBy: { position: "asc" as const } } } };

/**
 * Creates or updates a campaign and its actions (in draft order). Actions missing from the draft stay.
 * A template that does not compile is refused (TemplateSyntaxError) before anything is written.
 * "••••" keeps a stored secret only as the secret resolver allows (`actor` matters for copies); a
 * secret it refuses is cleared and named in the notices.
 * `changes`: what an update changed, field by field (secrets as "changed"), for the audit log.
 * `draft.version` (the editor's loaded version) or `draft.ifMatch` (the API's If-Match), when given, say
 * what the draft was made from: a campaign changed since is refused with CampaignConflictError and
 * nothing is written (isStale: campaign-version.ts). Left out, the save overwrites whatever is stored
 * (the API without If-Match). The version goes up by one only when the save changed the name, the
 * description, the goal, a webhook or (alsoWrite) a delivery setting (nextVersions), and `version` is the one it wrote (or kept).
 * `alsoWrite` runs in the same transaction once the campaign and its webhooks are written (the
 * campaign page's delivery settings), and answers what of the versioned state it changed: the version
 * moves once for both. If it throws, nothing of the save is kept. `draft.capExempt`: the exemption
 * its settings write (isStale: an admin's stale tab may not put back one changed since).
 * `held`: the version the tab that sent `draft.version` holds next (versionHeldNext, `actor.role`'s tab).
 * A save leaving the exemption out (a running campaign's) cannot tell whether an admin's tab saw a
 * change of it made meanwhile (it moves `version` alone, which isStale lets through): such a tab keeps
 * its own, so that its box, still showing the old exemption, cannot be saved over it later.
 */
export async function saveCampaign(
  draft: CampaignDraft & { ifMatch?: IfMatch; capExempt?: VersionCheck["capExempt"] },
  actor: SecretActor = UNTRUSTED_ACTOR,
  alsoWrite?: (tx: Tx, saved: { id: string; actionIds: string[] }) => Promise<VersionedChanges | void>,
): Promise<{ id: string; version: number; held: number; notices: SaveNotices; changes: FieldChange[]; actionIds: string[] }> {
  assertTemplatesCompile(draft);
  draft = await withCatalogueTypes(draft);
  const notices: SaveNotices = {};
  const note = (key: string, message: string) => (notices[key] = notices[key] ? `${notices[key]} ${message}` : message);
  let changes: FieldChange[] = [];
  let changed: VersionedChanges = NOTHING_VERSIONED;
  // the saved id of each action of the draft, in draft order
  const actionIds: string[] = [];
  const { id, version, held } = await transaction(async (tx) => {
    // the row first (PostgreSQL): a save or a goal committed meanwhile is waited for, then read below,
    // so the version checked and the content compared are the ones this save writes over
    if (draft.id) await lockRowForUpdate(tx, "Campaign", draft.id);
    const before = draft.id ? await tx.campaign.findUnique({ where: { id: draft.id }, ...withActions }) : null;
    if (draft.id && !before) throw new CampaignNotFoundError();
    if (before && isStale(draft, before)) throw await conflictOf(tx, before);
    const campaign = draft.id
      ? { id: draft.id, version: before!.version }
      : await tx.campaign.create({ data: { name: draft.name, description: draft.description, deliveryRule: DEFAULT_DELIVERY_RULE, ...goalOfDraft(draft) }, select: { id: true, version: true } });
    if (draft.id) await tx.campaign.update({ where: { id: draft.id }, data: { name: draft.name, description: draft.description, ...goalOfDraft(draft) } });
    const sourceIds = draft.actions.flatMap((a) => [a.id, a.copiedFrom, ...a.variants.flatMap((v) => [v.id, v.copiedFrom])]).filter((x): x is string => !!x);
    const sources = new Map((await tx.action.findMany({ where: { id: { in: sourceIds } } })).map((a) => [a.id, a]));
    assertOwnActionIds(draft, campaign.id, sources);
    // a variant row of this campaign is not a step: a step draft naming one stands for nothing
    const stepRow = (x: string) => {
      const row = sources.get(x);
      return row && row.campaignId === campaign.id && row.variantOfId ? undefined : row;
    };
    for (const [position, action] of draft.actions.entries()) {
      const own = action.id ? stepRow(action.id) : undefined;
      const existing = own?.campaignId === campaign.id ? own : undefined;
      const grant = grantSecrets({ draft: action, campaignId: campaign.id, actor, find: stepRow });
      const sealed = sealActionDraft(action, grant, `actions.${position}.`);
      for (const lost of sealed.lost) note(`actions.${position}.${lost.field}`, lostSecretMessage(lost, "save"));
      // The signing secret never follows the URL to another origin: a new one must be generated there.
      // Its columns are cleared whatever was read, as a Generate may have committed one since (made for the old URL).
      const unsign = !!existing && !keepsSigningSecret(existing, sealed.data.urlTemplate);
      if (unsign && existing.signingSecretEnc) note(`actions.${position}.url`, signingRemovedMessage(existing, sealed.data.urlTemplate));
      const split = { splitPercent: action.variants.length ? action.splitPercent : 100, controlPercent: action.controlPercent };
      const data = { ...sealed.data, ...split, position, ...(unsign ? { signingSecretEnc: null, previousSigningSecretEnc: null, previousSecretExpiresAt: null } : {}) };
      if (existing) await tx.action.update({ where: { id: existing.id }, data });
      else actionIds[position] = (await tx.action.create({ data: { ...data, campaignId: campaign.id }, select: { id: true } })).id;
      if (existing) actionIds[position] = existing.id;
      await saveVariants(tx, { campaignId: campaign.id, stepId: actionIds[position]!, step: action, sources, actor, note, prefix: `actions.${position}` });
    }
    await assertWebhookLimit(tx, campaign.id);
    if (before) {
      const after = await tx.campaign.findUniqueOrThrow({ where: { id: campaign.id }, ...withActions });
      // steps first, then the variants: the diff names webhooks by their place in this list
      const stepsFirst = <T extends { actions: Action[] }>(c: T) => ({ ...c, actions: [...c.actions.filter((a) => !a.variantOfId), ...c.actions.filter((a) => a.variantOfId)] });
      changes = diffCampaigns(campaignSnapshot(stepsFirst(before)), campaignSnapshot(stepsFirst(after)));
      changed = versionedChanges(changes, before, after);
    }
    // its settings (writeDeliverySettings) say what they changed rather than moving the version themselves
    if (alsoWrite) changed = bothChanges(changed, (await alsoWrite(tx, { id: campaign.id, actionIds })) ?? NOTHING_VERSIONED);
    // once per save, and a new campaign starts at 1 whatever it was created with; a save changing
    // nothing keeps it (another open tab is not told of a conflict); the one answered is the one written
    const bump = before && nextVersions(before, changed);
    if (bump) campaign.version = (await tx.campaign.update({ where: { id: campaign.id }, data: bump, select: { version: true } })).version;
    // the exemption as the save left it: its settings (alsoWrite) wrote the one the tab sent, if any
    const tab = { version: draft.version, role: actor.role, capExempt: draft.capExempt };
    return { ...campaign, held: before ? versionHeldNext(tab, { ...before, capExempt: draft.capExempt ?? before.capExempt }, campaign.version) : campaign.version };
  });
  return { id, version, held, notices, changes, actionIds };
}

/** The goal fields a draft sets: one it leaves out keeps the stored value. */
function goalOfDraft(draft: CampaignDraft) {
  return {
    ...(draft.goalEvent !== undefined ? { goalEvent: draft.goalEvent } : {}),
    ...(draft.goalWindowHours !== undefined ? { goalWindowHours: draft.goalWindowHours } : {}),
  };
}

/** Response mapping entries saved without a type take their attribute's type in the catalogue (read only when one lacks it). */
async function withCatalogueTypes(draft: CampaignDraft): Promise<CampaignDraft> {
  if (!draft.actions.some((a) => a.responseMapping?.some((m) => !m.type))) return draft;
  const kinds = kindsFromCatalogue(await loadAttributeChoices());
  return { ...draft, actions: draft.actions.map((a) => (a.responseMapping?.length ? { ...a, responseMapping: typedMapping(a.responseMapping, kinds) } : a)) };
}

/** The audit entry for a save, whichever door it came through (editor or API): an update carries its diff. */
export function campaignSaveAudit(draft: CampaignDraft, saved: { changes: FieldChange[] }) {
  return draft.id
    ? { action: "campaign.updated", details: { name: draft.name, diff: saved.changes } }
    : { action: "campaign.created", details: { name: draft.name } };
}

/** Deletes the campaign with its webhooks and deliveries (sent or not); audited, by `actor`. */
export async function deleteCampaign(id: string, actor: string): Promise<boolean> {
  const row = await db().campaign.findUnique({ where: { id }, select: { name: true, status: true } });
  if (!row) return false;
  const { count } = await db().campaign.deleteMany({ where: { id } });
  if (count) await recordAudit({ actor, action: "campaign.deleted", target: id, details: { name: row.name, status: row.status } });
  return count > 0;
}

/** A stored action's columns for a copy; its secrets only if the copier is an admin (the secret resolver decides). */
function copyOfAction(a: Action, actor: SecretActor) {
  const { id: _id, campaignId: _c, createdAt: _cr, updatedAt: _u, ...rest } = a;
  return {
    ...rest,
    ...copyableSecrets(a, actor),
    fields: rest.fields ?? [],
    subDelivery: rest.subDelivery ?? undefined,
    responseMapping: rest.responseMapping ?? undefined,
  };
}

/** Copies of stored steps with their variants into a campaign (the variants point at the copied steps). */
async function copyActions(tx: Tx, rows: Action[], campaignId: string, actor: SecretActor) {
  for (const step of rows.filter((a) => !a.variantOfId)) {
    const created = await tx.action.create({ data: { ...copyOfAction(step, actor), campaignId, variantOfId: null }, select: { id: true } });
    const variants = rows.filter((a) => a.variantOfId === step.id);
    if (variants.length) await tx.action.createMany({ data: variants.map((v) => ({ ...copyOfAction(v, actor), campaignId, variantOfId: created.id })) });
  }
}

/** A draft copy "<name> (copy)" with copies of its actions (stored secrets only when an admin copies). */
export async function duplicateCampaign(id: string, actor: SecretActor = UNTRUSTED_ACTOR): Promise<string | null> {
  const original = await db().campaign.findUnique({ where: { id }, include: { actions: { orderBy: { position: "asc" } } } });
  if (!original) return null;
  return transaction(async (tx) => {
    const copy = await tx.campaign.create({
    data: {
      name: `${original.name} (copy)`.slice(0, 120),
      description: original.description,
      deliveryRule: original.deliveryRule ?? DEFAULT_DELIVERY_RULE,
      audience: original.audience ?? undefined,
      // the frequency cap is an admin's setting: an editor's copy is not exempt
      capExempt: original.capExempt && mayChangeCapExempt(actor.role),
      goalEvent: original.goalEvent,
      goalWindowHours: original.goalWindowHours,
    },
    });
    await copyActions(tx, original.actions, copy.id, actor);
    return copy.id;
  });
}

/** A copy of an action in its campaign, last (stored secrets only when an admin copies). */
export async function duplicateAction(actionId: string, actor: SecretActor = UNTRUSTED_ACTOR): Promise<string | null> {
  const original = await db().action.findUnique({ where: { id: actionId }, include: { variants: true } });
  if (!original || original.variantOfId) return null;
  const { variants, ...step } = original;
  return transaction(async (tx) => {
    // the campaign's row first, as a save takes it: its version moves with its webhooks
    await lockRowForUpdate(tx, "Campaign", original.campaignId);
    const campaign = await tx.campaign.findUnique({ where: { id: original.campaignId }, select: { version: true, contentVersion: true } });
    if (!campaign) return null;
    const last = await tx.action.aggregate({ where: { campaignId: original.campaignId, variantOfId: null }, _max: { position: true } });
    const copy = await tx.action.create({
      data: { ...copyOfAction(step, actor), campaignId: original.campaignId, name: `${original.name} (copy)`.slice(0, 80), position: (last._max.position ?? 0) + 1 },
    });
    if (variants.length) await tx.action.createMany({ data: variants.map((v) => ({ ...copyOfAction(v, actor), campaignId: original.campaignId, variantOfId: copy.id })) });
    await assertWebhookLimit(tx, original.campaignId);
    // a webhook added: a tab or an If-Match from before would not know of it (as a save adding one)
    await tx.campaign.update({ where: { id: original.campaignId }, data: nextVersions(campaign, WEBHOOKS_CHANGED)! });
    return copy.id;
  });
}

/**
 * Why a step may not be deleted: it has deliveries, which would go with it (their log, results,
 * conversions, the ones still waiting); or it is the last step of a live (active or paused)
 * campaign, which would then have nothing to send while it still looks live.
 */
export class StepInUseError extends Error {
  constructor(name: string, liveStatus?: string) {
    super(
      liveStatus
        ? `The webhook "${name}" is the last webhook of this ${liveStatus} campaign, which would have nothing to send; add another webhook first, or delete the campaign.`
        : `The webhook "${name}" has deliveries, so deleting it would erase them and their log; duplicate the campaign to change its webhooks.`,
    );
  }
}

const LIVE_STATUSES = ["active", "paused"];

/**
 * Deletes a step (with its variants), recorded as `actor`'s; refused (StepInUseError) once it has
 * deliveries, and for the last step of an active or paused campaign. A step that is not the campaign's
 * (another campaign's, deleted since, or a variant row) is a WebhookNotInCampaignError, as for the
 * signing secret's buttons: nothing is deleted, and the caller says so. A variant row is not a step: it is removed by saving the step without it
 * (saveVariants), which refuses a variant with deliveries and keeps the splits adding up.
 *
 * The delete moves the campaign's version (as a save removing a webhook). `from`: the deleting tab (its
 * version, role and exemption box); answered is the version it holds next (versionHeldNext: its own next
 * Save and Activate are no conflict with this delete, a change made elsewhere still refuses its Save).
 * Without it (the API), the new version.
 */
export async function deleteAction(campaignId: string, actionId: string, actor: string, from?: SavingTab): Promise<{ version: number }> {
  const deleted = await transaction(async (tx) => {
    // the campaign's row first, as every planner of its runs takes it (an activation, a resume, a
    // recurring run: their guarded UPDATE, then their deliveries): one planning now commits first and its
    // deliveries are seen below; taken after the webhook's, each waited for the other (a deadlock,
    // which PostgreSQL could end by failing the planner's run)
    await lockRowForUpdate(tx, "Campaign", campaignId);
    // a delivery planned for it meanwhile (an event's fan-out) commits before the check below reads,
    // or fails its FOREIGN KEY check after the delete and is planned again without it: never deleted with it
    if (!(await lockRowForDelete(tx, "Action", actionId))) return null;
    const step = await tx.action.findFirst({ where: { id: actionId, campaignId, variantOfId: null }, select: { name: true, campaign: { select: { status: true, version: true, contentVersion: true, capExempt: true } } } });
    if (!step) return null;
    if (await tx.delivery.findFirst({ where: { actionId }, select: { id: true } })) throw new StepInUseError(step.name);
    const { status } = step.campaign;
    if (LIVE_STATUSES.includes(status) && (await tx.action.count({ where: { campaignId, variantOfId: null } })) === 1) throw new StepInUseError(step.name, status);
    await tx.action.deleteMany({ where: { id: actionId } });
    // a webhook gone: its version moves, as for a save removing one
    const { version } = await tx.campaign.update({ where: { id: campaignId }, data: { updatedAt: new Date(), ...nextVersions(step.campaign, WEBHOOKS_CHANGED) }, select: { version: true } });
    return { name: step.name, version: from ? versionHeldNext(from, step.campaign, version) : version };
  });
  if (deleted === null) throw new WebhookNotInCampaignError();
  await recordAudit({ actor, action: "campaign.action_deleted", target: campaignId, details: { actionId, name: deleted.name } });
  return { version: deleted.version };
}
