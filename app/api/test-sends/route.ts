// The editor's "Test send" (internal): POST sends the action as typed; GET lists a saved action's test sends.
import { invalidSampleRequest, sampleRequestSchema } from "@/lib/campaigns/preview-input";
import { listTestSends, runTestSend, TestSendRateLimitedError } from "@/lib/campaigns/test-sends";
import { readJson } from "../read-json";
import { refusal, requireMember } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  // Viewers may not send tests (the button is hidden for them too).
  const refused = await refusal(request.headers, "editor");
  if (refused) return refused;
  const actor = await requireMember(request.headers, "editor"); // who copies a webhook decides whether its secrets come along
  const parsed = sampleRequestSchema.safeParse(await readJson(request));
  if (!parsed.success) return Response.json(invalidSampleRequest(parsed.error, "The test send request is not valid."), { status: 400 });
  try {
    return Response.json(await runTestSend(parsed.data, undefined, actor));
  } catch (err) {
    if (err instanceof TestSendRateLimitedError) {
      return Response.json({ message: err.message }, { status: 429, headers: { "Retry-After": String(err.retryAfterSeconds) } });
    }
    throw err;
  }
}

export async function GET(request: Request) {
  const refused = await refusal(request.headers, "viewer");
  if (refused) return refused;
  const actionId = new URL(request.url).searchParams.get("actionId");
  if (!actionId) return Response.json({ message: "actionId is required" }, { status: 400 });
  return Response.json(await listTestSends(actionId.slice(0, 64)));
}
