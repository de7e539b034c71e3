// The editor's "Test send" (internal): POST sends the action as typed; GET lists a saved action's test sends.
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { idSchema } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { CampaignNotFoundError } from "@/lib/campaigns/campaigns";
import { sampleRequestSchema } from "@/lib/campaigns/preview-input";
import { listTestSends, runTestSend } from "@/lib/campaigns/test-sends";

export const dynamic = "force-dynamic";

// Viewers may not send tests (the button is hidden for them too); a rate limit answers 429 with Retry-After.
export const POST = withInternal({ role: "editor", body: sampleRequestSchema }, ({ body, member }) =>
  runTestSend(body, undefined, member).catch((err) => {
    if (err instanceof CampaignNotFoundError) throw new ApiError(404, "not_found", err.message);
    throw err;
  }),
);

export const GET = withInternal({ role: "viewer", query: z.object({ actionId: idSchema }) }, ({ query }) => listTestSends(query.actionId));
