// The editor's "Test send" (internal): POST sends the action as typed; GET lists a saved action's test sends.
import { z } from "zod";
import { idSchema } from "@/lib/api/ids";
import { withInternal } from "@/lib/api/with-internal";
import { sampleRequestSchema } from "@/lib/campaigns/preview-input";
import { listTestSends, runTestSend } from "@/lib/campaigns/test-sends";

export const dynamic = "force-dynamic";

// Viewers may not send tests (the button is hidden for them too); a rate limit answers 429 with Retry-After.
export const POST = withInternal({ role: "editor", body: sampleRequestSchema }, ({ body, member }) => runTestSend(body, undefined, member));

export const GET = withInternal({ role: "viewer", query: z.object({ actionId: idSchema }) }, ({ query }) => listTestSends(query.actionId));
