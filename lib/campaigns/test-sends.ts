// "Test send": the action as typed, rendered for a sample user and sent once (never retried) by the
// one sender. Every test send is stored (the last 50 per action) and rate limited per action and per
// member, so that no id a client makes up opens a fresh budget.
import { randomUUID } from "node:crypto";
import { db } from "../db";
import { maskRequest, maskStoredRequest, toCurl } from "../webhooks/mask";
import { renderWebhookRequest } from "../webhooks/render-request";
import { isWouldSkipMessage, wouldSkipMessage } from "../templating";
import { withoutQuotedSecrets } from "../webhooks/request-body";
import { maskCredentialUrlsIn } from "../webhooks/credential-parts";
import { sendWebhook } from "../webhooks/send";
import type { BuiltRequest, SendResult, TemplateProblem, Timings } from "../webhooks/types";
import { mapSendResult, type MappingResult } from "../webhooks/response-mapping";
import { draftWebhookTemplate } from "./action-template";
import { CampaignNotFoundError, WebhookNotInCampaignError } from "./campaigns";
import { describeProblem } from "./problem-labels";
import { renderableDraft, type ParsedSampleRequest } from "./preview-input";
import { grantSecretsFor, lostSecretMessage, type SecretActor, UNTRUSTED_ACTOR, VARIANT_UNSIGNED } from "./secret-resolver";
import { sampleContext, sampleUserLabel, sampleUserName, SampleUserMissingError } from "./sample-context";
import { earlierStepTestSendNotes, sampleEarlierStepMappings } from "./unknown-attributes";
import { reserveTestSend, scopeOf } from "./test-send-limits";
import { VARIANT_KEYS, variantKey, type VariantKey } from "./variants";

export { TEST_SEND_LIMIT, TEST_SEND_MEMBER_LIMIT, TestSendRateLimitedError } from "./test-send-limits";

export const TEST_SENDS_KEPT = 50;

/** Who sends (a signed-in Member fits): the role for the secret resolver, the id for the member's limit. */
export type TestSender = SecretActor & { id?: string };

export type TestSendView = {
  id: string;
  createdAt: string;
  /** skipped: {{required}} skips the sample user, nothing sent (not the receiver's fault nor the campaign's) */
  outcome: "delivered" | "retryable" | "failed" | "skipped" | "sending";
  status: number | null;
  error: string | null;
  /** the request as sent (or as it would have been, when `sent` is false), masked */
  request: BuiltRequest | null;
  /** whether the request left for the receiver (false: refused or failed before connecting, nothing sent); null: not known (stored before this was kept) */
  sent: boolean | null;
  response: { status?: number; statusText?: string; headers?: [string, string][]; body?: string; bodyTruncated?: boolean } | null;
  timings: Timings | null;
  curl: string | null;
  userId: string | null;
  /** the user as "Preview as" names them ("Mary · mary@example.com"); the id for sends stored before it was kept */
  userLabel: string | null;
  /** which variant was sent (A, B, ...), for a webhook with variants; null for one without */
  variant: VariantKey | null;
  /** what the webhook's response mapping would save on the user (a test send never writes users) */
  mapping: MappingResult | null;
  /**
   * beside the request: each attribute it reads that an earlier step saves from its response, which a
   * test send does not wait for, and the value it used (unknown-attributes.ts earlierStepTestSendNotes)
   */
  notes: string[];
};

/** How long the test sends of a deleted webhook (actionId set to null) and of drafts never saved are kept. */
const UNATTACHED_KEPT_MS = 86_400_000;

async function keepLatest(actionId: string | null, campaignId: string | null, memberId: string | null, now: Date) {
  const scope = scopeOf(actionId, campaignId, memberId);
  const old = await db().testSend.findMany({ where: scope, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: TEST_SENDS_KEPT, select: { id: true } });
  if (old.length) await db().testSend.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
  // deleting a webhook keeps its rows (they count in the member's limit until their minute is over); a day on, they go
  await db().testSend.deleteMany({ where: { memberId, actionId: null, createdAt: { lt: new Date(now.getTime() - UNATTACHED_KEPT_MS) } } });
}

function problemsMessage(problems: TemplateProblem[]) {
  return problems.map(describeProblem).join("\n");
}

const SIGNING_REFUSED =
  "This webhook is signed, and its URL does not point at the saved host and path (or the host is templated): a test send is never signed for another host or path, so nothing was sent. Restore the saved URL, or save and generate a new signing secret.";

const ORIGIN_MOVED = "The request would go to another host than the saved one, so no saved secret can be used: type the secrets again.";

/** The origin a rendered request goes to (scheme, host, port), as the secret resolver writes origins. */
function renderedOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The webhook a send of a variant not saved yet (B, C, ... without an id) is kept by: the step it varies,
 * when that is a saved webhook of this campaign; else none (the send is the member's draft's).
 */
async function savedStepOf(input: ParsedSampleRequest, stepId: string | undefined, campaignId: string | null): Promise<string | null> {
  if (!stepId || !campaignId || !input.variant || input.variant === "A") return null;
  const step = await db().action.findFirst({ where: { id: stepId, campaignId, variantOfId: null }, select: { id: true } });
  return step?.id ?? null;
}

/**
 * Renders and sends the action as typed; stores and returns the result. Throws TestSendRateLimitedError,
 * and CampaignNotFoundError for a campaign id that names no campaign (each made-up id would be a budget
 * of its own). A stored secret goes into the request only as the secret resolver allows (`actor`
 * matters for an unsaved copy); a masked secret it refuses makes the test send fail, nothing sent.
 * `actor.id` is the member whose limit it counts against; callers without one share one budget.
 */
export async function runTestSend(input: ParsedSampleRequest, now = new Date(), actor: TestSender = UNTRUSTED_ACTOR): Promise<TestSendView> {
  const campaignId = input.campaign.id || null;
  if (campaignId && !(await db().campaign.findUnique({ where: { id: campaignId }, select: { id: true } }))) throw new CampaignNotFoundError();
  const { draft, stepId, variantOf, inForm } = renderableDraft(input.action, input.variant);
  const grant = await grantSecretsFor({ ...draft, variantOf }, campaignId, actor);
  const ownAction = grant.kind === "own" || (grant.kind === "refused" && grant.own);
  // a variant's send is its own (A's, or a saved variant's); a variant not saved yet is kept by its webhook
  const actionId = ownAction && draft.id ? draft.id : await savedStepOf(input, stepId, campaignId);
  const variant = input.variant ?? null;
  const memberId = actor.id ?? null;
  // a send no webhook keeps is the editor page's draft: only that page's first save may take it
  const draftKey = actionId ? null : (input.draftKey ?? null);
  const row = await reserveTestSend(actionId, campaignId, memberId, draftKey, now);

  let request: BuiltRequest | null = null;
  let result: SendResult | null = null;
  let error: string | null = null;
  let userId: string | null = null;
  let userLabel: string | null = null;
  let notes: string[] = [];
  let skipped = false;
  let finished = false;
  try {
    try {
      const context = await sampleContext({ ...input, actionId: stepId, reader: actor.role }, now);
      userId = context.user.id;
      userLabel = sampleUserLabel(context.user, { typed: !!input.attributes });
      const { template, secrets } = draftWebhookTemplate(draft, grant, now);
      notes = earlierStepTestSendNotes(template, sampleEarlierStepMappings(input.earlierSteps), context.user, sampleUserName(context.user, { typed: !!input.attributes }));
      const rendered = renderWebhookRequest(template, context, { webhookId: `msg_test_${randomUUID()}`, timestamp: now });
      const grantedOrigin = grant.kind === "own" || grant.kind === "copy" ? grant.origin : null;
      if (secrets.lost.length) error = secrets.lost.map((l) => lostSecretMessage(l, "send")).join("\n");
      else if (secrets.signingWithheld) error = variantOf === undefined ? SIGNING_REFUSED : VARIANT_UNSIGNED;
      // {{required}} skips this user: nothing is sent, as delivery would send nothing
      else if (!rendered.ok && rendered.skipped !== undefined) {
        skipped = true;
        error = wouldSkipMessage(rendered.skipped);
      }
      // kept and shown to every reader of the history: a URL's credentials in a problem are masked as a request's (the value rule)
      else if (!rendered.ok) error = maskCredentialUrlsIn(`The request could not be built:\n${problemsMessage(inForm(rendered.errors))}`);
      // Belt and braces: a stored secret only ever leaves for the origin it was granted for.
      else if (secrets.reusedStored && renderedOrigin(rendered.request.url) !== grantedOrigin) error = ORIGIN_MOVED;
      else {
        request = rendered.request;
        result = await sendWebhook(request, { timeoutMs: draft.timeoutSeconds * 1000 });
        error = result.error ?? null;
      }
    } catch (err) {
      if (!(err instanceof SampleUserMissingError)) throw err;
      error = err.message;
    }

    const masked = request ? maskRequest(request) : null;
    const sent = result as SendResult | null;
    const mapping = sent?.outcome === "delivered" && draft.responseMapping.length ? mapSendResult(sent, draft.responseMapping) : null;
    const response = sent?.status
      ? { status: sent.status, statusText: sent.statusText, headers: sent.headers, body: sent.body, bodyTruncated: sent.bodyTruncated, ...(mapping ? { mapping } : {}) }
      : null;
    const saved = await db().testSend.update({
      where: { id: row.id },
      data: {
        outcome: sent?.outcome ?? (skipped ? "skipped" : "failed"),
        status: sent?.status ?? null,
        error,
        request: { ...(masked ?? {}), userId, userLabel, variant, sent: sent?.sent ?? false, ...(notes.length ? { notes } : {}) },
        response: response ?? undefined,
        timings: sent?.timings ?? undefined,
      },
    });
    finished = true;
    await keepLatest(actionId, campaignId, memberId, now);
    return toView(saved);
  } finally {
    // The row never stays "sending": whatever failed above, it ends as what the send did, or failed.
    if (!finished) {
      const sent = result as SendResult | null;
      await db()
        .testSend.update({
          where: { id: row.id },
          data: { outcome: sent?.outcome ?? "failed", status: sent?.status ?? null, error: "The test send could not be completed because of a server problem." },
        })
        .catch(() => undefined);
    }
  }
}

type StoredTestSend = Awaited<ReturnType<ReturnType<typeof db>["testSend"]["findFirstOrThrow"]>>;

/** `variant`: the label the webhook's history gives the row (null: none, the webhook has no variants). */
function toView(row: StoredTestSend, variant: VariantKey | null = storedVariant(row)): TestSendView {
  // masked again at read: a send stored before a credential part was masked shows it masked too
  const stored = maskStoredRequest(row.request ?? {}) as Partial<BuiltRequest> & { userId?: string | null; userLabel?: string | null; sent?: boolean; notes?: unknown };
  const response = (row.response as (TestSendView["response"] & { mapping?: MappingResult }) | null) ?? null;
  const request = stored.method && stored.url ? { method: stored.method, url: stored.url, headers: stored.headers ?? [], body: stored.body ?? null } : null;
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    outcome: storedOutcome(row),
    status: row.status,
    error: row.error && withoutQuotedSecrets(row.error),
    request,
    // a send stored before this was kept: an answer means it left; without one, not known
    sent: typeof stored.sent === "boolean" ? stored.sent : row.status !== null ? true : null,
    response: response ? { status: response.status, statusText: response.statusText, headers: response.headers, body: response.body, bodyTruncated: response.bodyTruncated } : null,
    timings: (row.timings as Timings | null) ?? null,
    curl: request ? toCurl(request) : null,
    userId: stored.userId ?? null,
    userLabel: stored.userLabel ?? stored.userId ?? null,
    variant,
    mapping: response?.mapping ?? null,
    notes: Array.isArray(stored.notes) ? stored.notes.filter((n): n is string => typeof n === "string") : [],
  };
}

/** The row's outcome; a {{required}} skip stored before "skipped" was kept (as failed, nothing sent, the skip's sentence) reads as skipped. */
function storedOutcome(row: StoredTestSend): TestSendView["outcome"] {
  if (row.outcome === "failed" && row.status === null && isWouldSkipMessage(row.error)) return "skipped";
  return row.outcome as TestSendView["outcome"];
}

/** The variant a send was made of, as stored with it (sends stored before it was kept: none). */
function storedVariant(row: StoredTestSend): VariantKey | null {
  const key = (row.request as { variant?: unknown } | null)?.variant;
  return typeof key === "string" && (VARIANT_KEYS as readonly string[]).includes(key) ? (key as VariantKey) : null;
}

/**
 * The stored test sends of a saved webhook and of its variants (its Recent test sends), newest first,
 * each labelled with the variant it was made of when the webhook has variants (its own rows are A,
 * except those made before its first variant was saved: of no variant).
 */
export async function listTestSends(actionId: string, limit = TEST_SENDS_KEPT): Promise<TestSendView[]> {
  const variants = await db().action.findMany({ where: { variantOfId: actionId }, orderBy: [{ position: "asc" }, { id: "asc" }], select: { id: true, createdAt: true } });
  const keyOf = new Map<string, VariantKey>([[actionId, "A"], ...variants.map((v, i): [string, VariantKey] => [v.id, variantKey(i + 1)])]);
  const firstVariantAt = Math.min(...variants.map((v) => v.createdAt.getTime()));
  const rows = await db().testSend.findMany({ where: { actionId: { in: [...keyOf.keys()] } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit });
  return rows.map((row) => {
    // the webhook's own send stored without a variant: A's once it had variants, no variant's before
    const before = row.actionId === actionId && row.createdAt.getTime() < firstVariantAt;
    const key = storedVariant(row) ?? (before ? null : (keyOf.get(row.actionId!) ?? null));
    return toView(row, variants.length || (key && key !== "A") ? key : null);
  });
}

/** Test sends that may not join the named webhook's history (another member's, another page's, another webhook's, made after it was saved). */
export class TestSendAttachError extends Error {
  name = "TestSendAttachError";
  constructor() {
    super("Only your own test sends of this webhook, made on this page before its first save, can join its history: nothing was changed.");
  }
}

/**
 * A webhook saved for the first time takes the test sends made of it while it was a draft (the ids the
 * editor got back), so its Recent test sends show them. The editor names the campaign it just saved,
 * the webhook's id and its page's draft key; the webhook must be that campaign's (else
 * WebhookNotInCampaignError), and each row `memberId`'s own, made on that page (`draftKey`: the
 * member's other tabs and other new-campaign drafts have their own), with no webhook yet, made before
 * the webhook was saved, and of that campaign or (a campaign not saved yet) of none, the campaign then
 * saved after it: else TestSendAttachError and nothing is taken. Ids that name no row (pruned since)
 * are passed over. Returns how many it took.
 */
export async function attachDraftTestSends(memberId: string, campaignId: string, actionId: string, draftKey: string, ids: string[], now = new Date()): Promise<number> {
  const action = await db().action.findFirst({ where: { id: actionId, campaignId, variantOfId: null }, select: { createdAt: true, campaign: { select: { createdAt: true } } } });
  if (!action) throw new WebhookNotInCampaignError();
  const rows = await db().testSend.findMany({
    where: { id: { in: ids.slice(0, TEST_SENDS_KEPT) } },
    select: { id: true, memberId: true, draftKey: true, actionId: true, campaignId: true, createdAt: true },
  });
  // a draft made on this page before the webhook's first save (for a new campaign: before the campaign's)
  const attachable = (row: (typeof rows)[number]) =>
    row.memberId === memberId &&
    row.draftKey === draftKey &&
    row.actionId === null &&
    row.createdAt <= action.createdAt &&
    (row.campaignId === campaignId || (row.campaignId === null && row.createdAt <= action.campaign.createdAt));
  if (!rows.every(attachable)) throw new TestSendAttachError();
  if (!rows.length) return 0;
  const taken = await db().testSend.updateMany({
    where: { id: { in: rows.map((r) => r.id) }, memberId, draftKey, actionId: null, OR: [{ campaignId: null }, { campaignId }] },
    data: { actionId, campaignId },
  });
  if (taken.count) await keepLatest(actionId, campaignId, memberId, now);
  return taken.count;
}
