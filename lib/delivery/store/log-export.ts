// The delivery log as CSV, for the same filter the log shows: rows read in pages of 1,000 by a
// cursor on id, so an export of any size holds one page in memory and streams as it goes.
import { CampaignNotFoundError } from "../../campaigns/campaigns";
import { db } from "../../db";
import { csvField } from "../../text/csv-field";
import { readableReason } from "../core/hold-reason";
import { withoutQuotedSecrets } from "../../webhooks/request-body";
import { filteredDeliveryIds, inOrderOf, lastAttempt, lastDurationOf, requestsSentOf, type DeliveryFilter } from "./log-queries";

const EXPORT_PAGE_SIZE = 1000;

const CSV_COLUMNS = [
  "id", "webhookId", "campaign", "action", "userId", "state", "reason", "attempts", "lastStatus", "lastDurationMs", "host", "plannedAt", "sentAt", "updatedAt",
  // added last so existing readers of the columns by position keep working
  "variant",
] as const;

/** The CSV text, a header line (attempts: the requests sent, as the log shows, log-queries.ts requestsSentOf) then one line per page of deliveries (CRLF line ends). */
export async function* deliveryCsvChunks(filter: Omit<DeliveryFilter, "page">, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(",")}\r\n`;
  let cursor: string | undefined;
  for (;;) {
    const after = cursor;
    const ids = await filteredDeliveryIds(filter, { orderBy: `"id" ASC`, limit: pageSize, extra: after ? (params) => `"id" > ${params.add("text", after)}` : undefined });
    if (!ids.length) return;
    const [loaded, sentBy] = await Promise.all([
      db().delivery.findMany({
        where: { id: { in: ids } },
        include: { campaign: { select: { name: true } }, action: { select: { name: true } }, ...lastAttempt },
      }),
      requestsSentOf(ids),
    ]);
    const rows = inOrderOf(ids, loaded);
    if (rows.length) yield rows
      .map((d) =>
        [
          csvField(d.id), csvField(d.webhookId), csvField(d.campaign.name), csvField(d.action.name), csvField(d.userId), csvField(d.state), csvField(d.reason && withoutQuotedSecrets(readableReason(d.reason)!)),
          csvField(sentBy.get(d.id) ?? 0, false), csvField(d.lastStatus, false), csvField(lastDurationOf(d), false), csvField(d.host),
          csvField(d.plannedAt.toISOString(), false), csvField(d.sentAt?.toISOString(), false), csvField(d.updatedAt.toISOString(), false),
          csvField(d.variant),
        ].join(",") + "\r\n",
      )
      .join("");
    if (ids.length < pageSize) return;
    cursor = ids[ids.length - 1];
  }
}

/**
 * The export's file name: "deliveries-welcome-series-2026-12-05-17-45-57.csv", with the campaign's name
 * (letters and digits, lower case) when it is one campaign's log, so a folder of exports says whose each is.
 * Throws CampaignNotFoundError for a campaign id that names none: an empty file would look like a quiet campaign.
 */
export async function deliveryExportFileName(filter: Pick<DeliveryFilter, "campaignId">, now = new Date()): Promise<string> {
  const stamp = now.toISOString().slice(0, 19).replace(/[T:]/g, "-");
  const campaign = filter.campaignId ? await db().campaign.findUnique({ where: { id: filter.campaignId }, select: { name: true } }) : null;
  if (filter.campaignId && !campaign) throw new CampaignNotFoundError();
  const slug = (campaign?.name ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 60)
    .replace(/^-+|-+$/g, "");
  return `deliveries-${slug ? `${slug}-` : ""}${stamp}.csv`;
}

/** The chunks as a byte stream for a Response, read one page ahead of the client at most. */
export function deliveryCsvStream(filter: Omit<DeliveryFilter, "page">, pageSize = EXPORT_PAGE_SIZE): ReadableStream<Uint8Array> {
  const chunks = deliveryCsvChunks(filter, pageSize);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
