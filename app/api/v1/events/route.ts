import { withApi } from "@/lib/api/with-api";
import { eventsBodySchema } from "@/lib/audience/events";
import { trackEvents } from "@/lib/delivery/triggers";

export const dynamic = "force-dynamic";

/** Track one event or a batch of up to 1,000: 202 with how many deliveries were scheduled. */
export const POST = withApi({ body: eventsBodySchema, role: "editor" }, async ({ body }) => {
  const result = await trackEvents(body);
  return Response.json(result, { status: 202 });
});
