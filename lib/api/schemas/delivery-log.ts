// The delivery log's filter as the UI's internal routes take it (the log itself and its CSV export).
import { z } from "zod";
import { isStorableText } from "../../db/storable-text";

const filterText = z
  .string()
  .max(200)
  .refine(isStorableText, "Text cannot contain U+0000")
  .optional()
  .transform((v) => v || undefined);

export const deliveryLogFilter = z.object({
  campaignId: filterText,
  state: filterText,
  actionId: filterText,
  user: filterText,
});

export const deliveryLogQuery = deliveryLogFilter.extend({
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1),
});
