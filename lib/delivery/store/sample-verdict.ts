// Activate's dialog asks the dry run (checkActivation) and then activates; Resume's asks resumeWarnings
// and then resumes. Both ask the sample renders (sample-renders.ts), each up to a second of rendering:
// the dry run's verdict is carried to the action instead, when nothing it judged has changed since.
//
// Carried by the browser as a token the server signed, not kept in the process that made it: the
// scale-out runs many web processes, and the action's request need not reach the one that answered the
// dry run (a cache there would miss, and render again, as often as not). Every web process holds the
// same secrets key (it decrypts the webhooks' secrets), so any of them can check a token. The token
// names the campaign and a digest of what the renders read (the campaign's contentVersion, its audience,
// the sample event, each webhook and variant as it renders); an edit since the dry run changes the digest and
// the action renders again, and refuses what it would have refused. It is believed for TOKEN_TTL_MS
// only: the users' own data may change too, and the dialog is not left open for long.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Action } from "../../db";
import { secretKey } from "../../crypto/secret-box";
import type { ActivationSample } from "./check-action";
import type { SampleTarget } from "./sample-renders";

/** How long after its dry run a verdict is believed. */
export const TOKEN_TTL_MS = 10 * 60_000;
/** Another web process's clock may lead ours by this much. */
const CLOCK_SKEW_MS = 60_000;
/** A verdict of more warnings than this is not carried (the browser sends the token back): the action renders again. */
const MAX_TOKEN_CHARS = 64 * 1024;

/**
 * What the sample renders read of a campaign, as one digest: its contentVersion, audience, sample event
 * and each webhook and variant as rendered. `contentVersion`, not `version`: a change of the goal or of
 * the cap exemption alone (an admin's Activate saving the exemption on screen) moves `version` only and
 * changes nothing rendered; every change of the name, description, webhooks or delivery settings moves both.
 * Activate's own save of the settings its dry run judged is weighed at the one before it (lifecycle.ts, SettingsSaved).
 */
export function sampleInputsDigest(campaign: { id: string; contentVersion: number; audience: unknown }, targets: SampleTarget[], sample: ActivationSample): string {
  const rendered = (a: Action) => {
    // the delivery settings' columns (timing, retries, rate) are not rendered, and Activate saves the dry run's settings first
    const { createdAt: _c, updatedAt: _u, subDelivery: _s, retryPolicy: _r, rateLimitPerSecond: _l, controlPercent: _p, splitPercent: _sp, ...rest } = a;
    return rest;
  };
  const inputs = {
    campaign: campaign.id,
    contentVersion: campaign.contentVersion,
    audience: campaign.audience ?? null,
    event: sample.event,
    named: sample.campaign ?? null,
    targets: targets.map((t) => ({ label: t.label, at: t.at, step: t.step?.id ?? null, action: rendered(t.action) })),
  };
  return createHash("sha256").update(JSON.stringify(inputs, sortedKeys)).digest("base64url");
}

/** Objects' keys in one order: PostgreSQL's jsonb gives a stored audience's keys back in its own (shortest first), unlike the dry run's settings as sent. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function mac(campaignId: string, digest: string, expires: string, warnings: string): Buffer {
  const key = createHmac("sha256", secretKey()).update("hookline/sample-verdict").digest();
  return createHmac("sha256", key).update(`${campaignId}\n${digest}\n${expires}\n${warnings}`).digest();
}

/** What a dry run's sample renders warned of: the webhooks failing for some users, and the URL variables empty for some. */
export type SampleVerdict = { warnings: string[]; emptyInUrl: string[] };

/** The token of a dry run's verdict, or undefined when too long to carry. */
export function signSampleVerdict(campaignId: string, digest: string, verdict: SampleVerdict, now: Date): string | undefined {
  const expires = (now.getTime() + TOKEN_TTL_MS).toString(36);
  const text = JSON.stringify({ warnings: verdict.warnings, emptyInUrl: verdict.emptyInUrl });
  const token = `${expires}.${Buffer.from(text).toString("base64url")}.${mac(campaignId, digest, expires, text).toString("base64url")}`;
  return token.length <= MAX_TOKEN_CHARS ? token : undefined;
}

/** The verdict a token carries when it was signed for this campaign and these inputs and has not expired; null otherwise (render again). */
export function carriedSampleVerdict(token: string | undefined, campaignId: string, digest: string, now: Date): SampleVerdict | null {
  if (!token || token.length > MAX_TOKEN_CHARS) return null;
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, expires, body, given] = match as unknown as [string, string, string, string];
  if (parseInt(expires, 36) <= now.getTime() || parseInt(expires, 36) > now.getTime() + TOKEN_TTL_MS + CLOCK_SKEW_MS) return null;
  const text = Buffer.from(body, "base64url").toString();
  const expected = mac(campaignId, digest, expires, text);
  const actual = Buffer.from(given, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  try {
    const verdict: unknown = JSON.parse(text);
    if (!verdict || typeof verdict !== "object") return null;
    const { warnings, emptyInUrl } = verdict as Record<string, unknown>;
    return lines(warnings) && lines(emptyInUrl) ? { warnings, emptyInUrl } : null;
  } catch {
    return null;
  }
}

const lines = (value: unknown): value is string[] => Array.isArray(value) && value.every((w) => typeof w === "string");
