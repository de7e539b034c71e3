// The delivery log's filter as the UI's internal routes take it (the log itself and its CSV export),
// and the state and cursor /api/v1's deliveries take too (one rule each). A name the routes do not
// take is refused by name (?status=, ?cursor= said nothing and were ignored: the whole log, page 1).
import { z } from "zod";
import { isStorableText } from "../../db/storable-text";
import { DELIVERY_STATES } from "../../delivery/core/states";
import { decodeLogCursor, LOG_CURSOR_MESSAGE } from "../../delivery/log-cursor";

/** The log's cursor (nextCursor of a page): one it did not give out is a 400 that says so. */
export const logCursorSchema = z.string().refine((v) => decodeLogCursor(v) !== null, LOG_CURSOR_MESSAGE);

/** A delivery's state, as the log filters by it. */
export const deliveryStateSchema = z.enum(DELIVERY_STATES, `Choose one of ${DELIVERY_STATES.join(", ")}`);

const filterText = z
  .string()
  .max(200)
  .refine(isStorableText, "Text cannot contain U+0000")
  .optional()
  .transform((v) => v || undefined);

export const deliveryLogFilter = z.strictObject({
  campaignId: filterText,
  state: deliveryStateSchema.optional(),
  actionId: filterText,
  user: filterText,
});

export const deliveryLogQuery = deliveryLogFilter.extend({
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1),
  /** nextCursor of the page before: the page after it (then `page` is not used) */
  after: logCursorSchema.optional(),
});
