// The delivery log as CSV, for the same filter the log shows: rows read in pages of 1,000 by a
// cursor on id, so an export of any size holds one page in memory and streams as it goes.
import { db } from "../../db";
import { csvField } from "../../text/csv-field";
import { readableReason } from "../core/hold-reason";
import { lastAttempt, lastDurationOf, whereOf, type DeliveryFilter } from "./log-queries";

const EXPORT_PAGE_SIZE = 1000;

const CSV_COLUMNS = [
  "id", "webhookId", "campaign", "action", "userId", "state", "reason", "attempts", "lastStatus", "lastDurationMs", "host", "plannedAt", "sentAt", "updatedAt",
  // added last so existing readers of the columns by position keep working
  "variant",
] as const;

/** The CSV text, a header line then one line per page of deliveries (CRLF line ends). */
export async function* deliveryCsvChunks(filter: Omit<DeliveryFilter, "page">, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(",")}\r\n`;
  const where = whereOf(filter);
  let cursor: string | undefined;
  for (;;) {
    const rows = await db().delivery.findMany({
      where,
      orderBy: { id: "asc" },
      take: pageSize,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      include: { campaign: { select: { name: true } }, action: { select: { name: true } }, ...lastAttempt },
    });
    if (!rows.length) return;
    yield rows
      .map((d) =>
        [
          csvField(d.id), csvField(d.webhookId), csvField(d.campaign.name), csvField(d.action.name), csvField(d.userId), csvField(d.state), csvField(readableReason(d.reason)),
          csvField(d.attempts, false), csvField(d.lastStatus, false), csvField(lastDurationOf(d), false), csvField(d.host),
          csvField(d.plannedAt.toISOString(), false), csvField(d.sentAt?.toISOString(), false), csvField(d.updatedAt.toISOString(), false),
          csvField(d.variant),
        ].join(",") + "\r\n",
      )
      .join("");
    if (rows.length < pageSize) return;
    cursor = rows[rows.length - 1].id;
  }
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
