// The editor's live preview (internal, called by react-query as the marketer types).
import { sampleRequestSchema } from "@/lib/campaigns/preview-input";
import { previewAction } from "@/lib/campaigns/preview";
import { withInternal } from "@/lib/api/with-internal";
import { PREVIEW_RATE } from "@/lib/campaigns/preview-rate";

export const dynamic = "force-dynamic";

export const POST = withInternal({ role: "viewer", body: sampleRequestSchema, rate: PREVIEW_RATE }, ({ body, member }) => previewAction(body, undefined, member));
