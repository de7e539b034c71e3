// Activation's and Resume's check of each webhook against real users: the check of what no data can fix
// (check-action.ts) renders for a user with no attributes, so a field whose value only a real user has
// ("{{user.city}}" in a JSON field: "Paris" is not valid JSON) passed it, and every delivery then failed
// with "Template error". Here each webhook and variant is rendered for the first users (by id) of the
// campaign's audience, as a delivery renders it (decide.ts): a request that cannot be built for any of
// them refuses the activation; for only some, it is a warning the marketer may accept. A user
// {{required}} skips is a valid outcome, not a failure.
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Action } from "../../db";
import { db } from "../../db";
import { rawDb } from "../../db/raw";
import { audiencePage } from "../../audience/users";
import { nextUserPage } from "../../audience/user-pages";
import { parseSegment, segmentMatcher, type Segment } from "../../audience/segment";
import { segmentCandidatesSql } from "../../audience/segment-candidates";
import { tableName } from "../../db/bulk-insert";
import { SqlParams } from "../../db/raw-sql";
import { loadWebhookTemplate } from "../../campaigns/action-template";
import { renderWebhookRequest } from "../../webhooks/render-request";
import { emptyInUrlLine, emptyInUrlPaths, placeInUrl, requestAddress } from "../../webhooks/empty-in-url";
import { MAX_RENDER_MS } from "../../templating";
import type { RenderResult, TemplateContext, TemplateProblem, WebhookTemplate } from "../../webhooks/types";
import { activationFieldLabel, type ActivationSample } from "./check-action";
import { checkRenderTime } from "../../campaigns/preview-rate";

/** Users of the audience each webhook and variant is rendered for, at most. */
export const SAMPLE_USERS = 20;
/** Users a segment is tested on per page, read in id order (SAMPLE_SCAN_PAGES pages at most: an audience none of them is in is not sampled). */
const SAMPLE_SCAN_ROWS = 1000;
/** Pages of SAMPLE_SCAN_ROWS a segment's sample reads at most (10,000 users) before it renders what it found. */
const SAMPLE_SCAN_PAGES = 10;
/** What those users' attributes may weigh, read at once. */
const SAMPLE_SCAN_BYTES = 4 * 1024 * 1024;
/**
 * The time all the sample renders of one check may take: each render has its own budget (MAX_RENDER_MS),
 * and 20 users x 20 webhooks x 16 variants of slow templates must not hold Activate for minutes. Past it,
 * what was rendered is judged and the rest is not. Counted in the renders' own time: the check yields
 * the event loop between renders, and what other requests do meanwhile is not its time.
 */
export const SAMPLE_RENDERS_MS = 4 * MAX_RENDER_MS;

/** One webhook or variant to render: `label` as activation's problems name it, `at` its fieldErrors' prefix ("actions.0.", "actions.0.variants.1."). */
export type SampleTarget = { action: Action; step?: Action; label: string; at: string };

export type SampleRenderCheck = {
  /** a webhook that fails for every user tried: activation refuses it */
  problems: string[];
  /** at the field, by the editor's paths, for those problems */
  fieldErrors: Record<string, string>;
  /** a webhook that fails for some of the users tried: said, for the marketer to accept or fix */
  warnings: string[];
  /** a variable of a webhook's URL that is empty for some of the users tried (not all: that is the unknown-attribute warning): their requests go to another address */
  emptyInUrl: string[];
};

type SampledUser = { id: string; email?: string | null; timezone?: string | null; attributes?: unknown };

/**
 * The first `limit` users by id that the audience selects (the fan-out's own test, segmentMatcher), among
 * the first SAMPLE_SCAN_PAGES x SAMPLE_SCAN_ROWS users for a segment. An audience that cannot be read
 * selects nobody here (activation refuses it elsewhere).
 */
export async function firstAudienceUsers(audience: unknown, limit = SAMPLE_USERS): Promise<SampledUser[]> {
  let segment: Segment | null;
  try {
    segment = parseSegment(audience);
  } catch {
    return [];
  }
  const fields = { email: true, timezone: true, attributes: true };
  if (!segment) return audiencePage(rawDb(db()), null, limit, fields);
  const matches = segmentMatcher(segment);
  if (segmentCandidatesSql(segment, '"attributes"', new SqlParams()) !== null) return firstCandidates(segment, matches, limit);
  // page by page until `limit` match or SAMPLE_SCAN_PAGES pages are read: a segment's users need not be
  // among the first thousand by id (an e2e database of 1,800 users held a test's three further on)
  const found: SampledUser[] = [];
  let after: string | undefined;
  for (let i = 0; i < SAMPLE_SCAN_PAGES && found.length < limit; i++) {
    const page = await nextUserPage(after, { rows: SAMPLE_SCAN_ROWS, bytes: SAMPLE_SCAN_BYTES });
    if (!page) break;
    const users = await audiencePage(rawDb(db()), page.id.gt ?? null, page.users, fields, page.id.lte);
    for (const u of users) if (found.length < limit && matches(u)) found.push(u);
    after = page.id.lte;
    await nextTurn(); // SQLite reads a page synchronously: other requests go between two
  }
  return found;
}

/**
 * A segment the database can narrow (segment-candidates.ts: the attribute keys its conditions need):
 * only the users who have them are read, `limit` at a time, among the same first users by id, until
 * `limit` of them match. A rare segment's sample read 10,000 users' attributes to find its 20.
 */
async function firstCandidates(segment: Segment, matches: (u: SampledUser) => boolean, limit: number): Promise<SampledUser[]> {
  const raw = rawDb(db());
  const scanned = await raw.query<{ id: string }>(`SELECT "id" FROM ${tableName("User")} ORDER BY "id" LIMIT 1 OFFSET ${SAMPLE_SCAN_PAGES * SAMPLE_SCAN_ROWS - 1}`, []);
  const end = scanned[0]?.id;
  const found: SampledUser[] = [];
  for (let after: string | null = null; found.length < limit; ) {
    const users = await audiencePage(raw, after, limit, { email: true, timezone: true, attributes: true }, end, (p) => segmentCandidatesSql(segment, '"attributes"', p)!);
    for (const u of users) if (found.length < limit && matches(u)) found.push(u);
    if (users.length < limit) break;
    after = users[users.length - 1]!.id;
    await nextTurn();
  }
  return found;
}

/**
 * The render's problem that this user's data caused, not the sample event's (a value the sample event
 * lacks is only known per delivery), and whether a value this user lacks is in its field: a value that
 * may yet come (a step's response mapping saves it, an import or the API adds it before the send) is a
 * warning however many users lack it today; only values present that break the request refuse.
 */
function failureOf(rendered: RenderResult, eventIsSample: boolean): { problem: TemplateProblem; missing: boolean } | null {
  if (rendered.ok || rendered.skipped !== undefined) return null;
  const unknown = new Set(eventIsSample ? rendered.warnings.filter((w) => w.path && /^(event|parameter)\./.test(w.path)).map((w) => w.field) : []);
  const problem = rendered.errors.find((e) => !unknown.has(e.field));
  if (!problem) return null;
  return { problem, missing: rendered.warnings.some((w) => w.path && w.field === problem.field) };
}

/** Per variable of the URL that rendered empty: for how many users tried, and where the first one's request went (path and query, no host). */
type EmptyInUrl = Map<string, { users: number; address?: string }>;
type Tally = { tried: number; failed: { userId: string; problem: TemplateProblem; missing: boolean }[]; emptyInUrl: EmptyInUrl };

/** Counts the URL's variables this render left empty (empty-in-url.ts). */
function countEmptyInUrl(template: WebhookTemplate, rendered: RenderResult, tally: EmptyInUrl) {
  for (const path of emptyInUrlPaths(template.url, rendered.warnings)) {
    const seen = tally.get(path) ?? { users: 0 };
    seen.users++;
    seen.address ??= requestAddress(rendered);
    tally.set(path, seen);
  }
}

function render(template: WebhookTemplate, user: SampledUser, action: Action, sample: ActivationSample, now: Date): RenderResult {
  const context: TemplateContext = {
    user: { id: user.id, email: user.email ?? null, timezone: user.timezone ?? null, attributes: (user.attributes ?? {}) as Record<string, unknown> },
    event: sample.event ? { name: sample.event.name, params: structuredClone(sample.event.params) } : null,
    campaign: sample.campaign ?? null,
    action: { id: action.id },
    now,
  };
  try {
    // collectWarnings: which values were missing, to tell the sample event's gaps from the user's
    return renderWebhookRequest(template, context, { webhookId: "msg_check", timestamp: now, collectWarnings: true });
  } catch (err) {
    return { ok: false, errors: [{ field: "template", message: (err as Error).message }], warnings: [] };
  }
}

/** `fn`'s result or what it threw, and how long it took. */
function timed<T>(fn: () => T): ({ ok: true; value: T } | { ok: false; error: unknown }) & { ms: number } {
  const started = performance.now();
  try {
    const value = fn();
    return { ok: true, value, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - started };
  }
}

const lineOf = (p: TemplateProblem) => (p.line ? ` (line ${p.line}, column ${p.column ?? 1})` : "");

/**
 * THE rule: renders each of `targets` for the first SAMPLE_USERS users of `audience` (with the sample's
 * event for a triggered campaign), within SAMPLE_RENDERS_MS in all. A webhook whose request the values
 * of every user tried break is a problem; one failing for some of them, or for a value users lack (it
 * may yet come: a step's response mapping, an import), a warning. An audience of nobody renders nothing.
 * The renders take `memberId`'s share of rendering time, their previews' (checkRenderTime: a member
 * whose share is spent is refused before anything is read, "try again in N s").
 */
export async function sampleRenderCheck(audience: unknown, targets: SampleTarget[], sample: ActivationSample, now: Date, memberId?: string): Promise<SampleRenderCheck> {
  const result: SampleRenderCheck = { problems: [], fieldErrors: {}, warnings: [], emptyInUrl: [] };
  if (!targets.length) return result;
  const share = checkRenderTime(memberId);
  share.start();
  const users = await firstAudienceUsers(audience);
  if (!users.length) return result;
  const eventIsSample = sample.event !== null;
  let spent = 0;
  for (const target of targets) {
    await nextTurn();
    // timed inside: a wait for the member's share is not the renders' time
    const loaded = await share.render(() => timed(() => loadWebhookTemplate(target.action, now, target.step)));
    spent += loaded.ms;
    if (!loaded.ok) continue; // checkAction says it: the webhook cannot load for anyone
    const template = loaded.value;
    const tally: Tally = { tried: 0, failed: [], emptyInUrl: new Map() };
    for (const user of users) {
      if (spent > SAMPLE_RENDERS_MS) break;
      // one render at a time, then the other requests' turn: a check's renders held the web process for
      // up to a second (two per Activate: its dry run, then the activation)
      await nextTurn();
      const run = await share.render(() => timed(() => render(template, user, target.action, sample, now)));
      spent += run.ms;
      if (!run.ok) throw run.error;
      const rendered = run.value;
      if (!rendered.ok && rendered.skipped !== undefined) continue; // {{required}} skipped this user: sent nothing, not tried
      tally.tried++;
      countEmptyInUrl(template, rendered, tally.emptyInUrl);
      const failure = failureOf(rendered, eventIsSample);
      if (failure) tally.failed.push({ userId: user.id, ...failure });
    }
    judge(target, template, tally, result);
  }
  return result;
}

function judge(target: SampleTarget, template: WebhookTemplate, { tried, failed, emptyInUrl }: Tally, result: SampleRenderCheck) {
  for (const [path, { users, address }] of emptyInUrl) {
    // empty for every user tried: the unknown-attribute warning says it (or the value may yet come)
    if (users < tried) result.emptyInUrl.push(emptyInUrlLine(target.label, path, users, tried, address, placeInUrl(template.url, path)));
  }
  const first = failed[0];
  if (!first) return;
  const what = `${activationFieldLabel(first.problem.field, template)}${lineOf(first.problem)}: ${first.problem.message}`;
  // refused only when values the users have break it for every one of them; a value they lack may yet come
  if (failed.length < tried || failed.some((f) => f.missing)) {
    result.warnings.push(`${target.label}: fails for ${failed.length} of ${tried} users tried, e.g. user ${first.userId}: ${what}`);
    return;
  }
  const every = `for every user tried (${tried} of ${tried}, e.g. user ${first.userId})`;
  result.problems.push(`${target.label}: ${what} ${every}`);
  const path = `${target.at}${first.problem.field.replace(/\[(\d+)\]/g, ".$1")}`;
  result.fieldErrors[path] ??= `${first.problem.message}${lineOf(first.problem)} ${every}`;
}
