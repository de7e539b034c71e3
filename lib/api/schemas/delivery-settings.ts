// The delivery settings' API shapes: the body is the Delivery section's own schema, so the API and
// the campaign page accept exactly the same settings.
import { z } from "zod";
import { segmentSchema } from "../../audience/segment";
import { deliveryRuleSchema, subDeliverySchema } from "../../delivery/core/rules";
import { RETRY_POLICIES } from "../../delivery/core/retry-policy";
import { deliverySettingsSchema } from "../../delivery/forms/settings";

export const deliverySettingsBodySchema = deliverySettingsSchema.meta({
  id: "DeliverySettingsInput",
  description:
    'How the campaign delivers. `rule` is replaced; `audience` (null: everyone), `startAt`, `endAt` (ISO-8601, UTC unless it carries an offset, years 1970-9999; "" or null: none) and `capExempt` are kept when left out (changing `capExempt`, the exemption from the frequency cap, needs an admin: 403 otherwise); `actions` lists the webhooks to change by `id` (on create: "@0", "@1"… by position), the others keep theirs.',
});

export const deliverySettingsResponseSchema = z
  .object({
    rule: deliveryRuleSchema,
    audience: segmentSchema.nullable().meta({ description: "null: everyone" }),
    actions: z.array(
      z.object({
        id: z.string(),
        subDelivery: subDeliverySchema,
        retryPolicy: z.enum(RETRY_POLICIES),
        rateLimitPerSecond: z.number().int().nullable(),
      }),
    ),
    startAt: z.iso.datetime().nullable(),
    endAt: z.iso.datetime().nullable(),
    capExempt: z.boolean(),
  })
  .meta({ id: "DeliverySettings" });
