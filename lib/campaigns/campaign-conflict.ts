// The refusal of a save made from an older version of a campaign (campaign-version.ts isStale): what it
// says, and who made the change it would have written over. saveCampaign and writeDeliverySettings
// throw it; the editor shows its message, the API turns it into a 412 (lib/api/etag.ts).
import type { Tx } from "../db/transaction";

/**
 * The save was made from an older version of the campaign than the stored one: someone (another tab,
 * another member, the API) saved it since it was loaded. Nothing of the save is written; it would
 * otherwise put back everything the other save changed.
 */
export class CampaignConflictError extends Error {
  name = "CampaignConflictError";
  constructor(
    readonly currentVersion: number,
    readonly changedAt: Date,
    readonly changedBy: string | null,
  ) {
    super(`This campaign was changed${changedBy ? ` by ${changedBy}` : ""} at ${formatUtc(changedAt)} since you opened it. Copy your changes, then reload to see theirs.`);
  }
}

export const formatUtc = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

// every audited change that moves the version: a save, a change of the delivery settings alone (the
// API's PUT …/delivery, an admin's exemption), a webhook deleted
const VERSIONED_CHANGES = ["campaign.updated", "campaign.created", "campaign.delivery_changed", "campaign.action_deleted"];

/** Who made the campaign's latest change and when, from the audit log (a member by name, a key as "the API"). */
export async function conflictOf(tx: Tx, stored: { id: string; version: number; updatedAt: Date }): Promise<CampaignConflictError> {
  const entry = await tx.auditLog.findFirst({
    where: { target: stored.id, action: { in: VERSIONED_CHANGES } },
    orderBy: { createdAt: "desc" },
    select: { actor: true, createdAt: true },
  });
  if (!entry) return new CampaignConflictError(stored.version, stored.updatedAt, null);
  const member = entry.actor.includes("@") ? await tx.member.findUnique({ where: { email: entry.actor }, select: { name: true } }) : null;
  const by = entry.actor.startsWith("API key ") ? "the API" : (member?.name ?? entry.actor);
  return new CampaignConflictError(stored.version, entry.createdAt, by);
}
