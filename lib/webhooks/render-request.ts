// Turns a webhook template + a user (+ event) into the one exact request that is sent. The preview,
// test sends and delivery all call this; nothing else builds requests.
import { REQUIRED_AS_VALUE, buildTemplateContext, compiledFields, TemplateSkip, isPlaceholderPath, missingPaths, prepareFields, renderFields, startBudget, webhookSyntaxProblems, MAX_OUTPUT_BYTES, MAX_RENDER_MS, type RenderBudget, type EscapeMode, type FieldSource, type PreparedFields } from "../templating";
import { fixedPlaceOf, queryKeyName, repeatsName, whereSent, type FixedPlace } from "../campaigns/url-origin";
import { literalSecrets, repeatedQueryKeyProblems } from "../campaigns/fixed-host-secrets";
import { version } from "../version";
import { setPath, typedValue } from "./request-body";
import { headerNameProblem, headerValueProblem } from "./request-headers";
import { urlHasCredentials } from "./url-credentials";
import { hasLiteralAuthority, urlAuthorityReason } from "./url-authority";
import { signatureHeader, timestampSeconds } from "./sign";
import type { BuiltRequest, RenderResult, TemplateContext, TemplateProblem, WebhookTemplate } from "./types";

const USER_AGENT = `Hookline/${version}`;
const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8";
/** A rendered URL (values substituted) may be longer than the template the editor limits (MAX_URL_LENGTH in lib/campaigns/limits.ts). */
const MAX_RENDERED_URL_LENGTH = 8192;

export type RenderOptions = {
  webhookId: string;
  timestamp: Date;
  /** list variables that render empty (the preview wants them; delivery does not pay for them) */
  collectWarnings?: boolean;
  /** {{required}} renders an empty value as {{value}} would instead of skipping the user (Activate's check) */
  requiredAsValue?: boolean;
};

/** What each template of the action is and how its values are escaped: URL, data values, header values. */
function fieldSources(template: WebhookTemplate): { sources: FieldSource[]; names: string[] } {
  const bodyInJson = template.contentType === "application/json" && template.method !== "GET";
  const sources: FieldSource[] = [{ source: template.url, mode: "url" }];
  const names = ["url"];
  template.fields.forEach((f, i) => {
    const mode: EscapeMode = bodyInJson && f.type === "json" ? "json" : "raw";
    sources.push({ source: f.value, mode });
    names.push(`fields[${i}].value`);
  });
  template.headers.forEach((h, i) => {
    sources.push({ source: h.value, mode: "raw" });
    names.push(`headers[${i}].value`);
  });
  return { sources, names };
}

/** Problems that do not depend on the user: template syntax, keys, header names. For the editor. */
export function checkTemplateSyntax(template: WebhookTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const { sources, names } = fieldSources(template);
  webhookSyntaxProblems(sources.map((s) => s.source)).forEach((p, i) => {
    if (p) problems.push({ field: names[i], ...p });
  });
  problems.push(...keyProblems(template));
  // dotted keys that clash (a and a.b) are found while building a body of this shape
  if (template.contentType === "application/json" && template.method !== "GET") {
    const shape: Record<string, unknown> = {};
    template.fields.forEach((f, i) => setPath(shape, f.key, true, `fields[${i}].key`, problems));
  }
  const hasCredentials = urlHasCredentials(template.url);
  template.headers.forEach((h, i) => {
    const p = headerNameProblem(h.name, i, hasCredentials);
    if (p) problems.push(p);
  });
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.field) && !!seen.add(p.field));
}

function keyProblems(template: WebhookTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const seen = new Set<string>();
  template.fields.forEach((f, i) => {
    if (!f.key.trim()) problems.push({ field: `fields[${i}].key`, message: "A key is required" });
    else if (seen.has(f.key)) problems.push({ field: `fields[${i}].key`, message: `The key "${f.key}" is used twice` });
    seen.add(f.key);
  });
  return problems;
}

/**
 * The parameter each body field is to a receiver: a form field's key as it is; a JSON field's key up to
 * its first "." (`user.id` is sent as {"user": {"id": …}}: the body's parameter "user").
 */
function bodyParameterNames(template: WebhookTemplate): string[] {
  const json = template.contentType === "application/json";
  return template.fields.map((f) => (json ? f.key.split(".")[0]! : f.key));
}

/**
 * A body's parameters when one of them names a parameter of the fixed query (null: none does, or the
 * request has no body): worked out once per template, with its plan.
 */
function bodyParametersRepeatingQuery(template: WebhookTemplate, fixedKeys: ReadonlyMap<string, number> | null): string[] | null {
  if (template.method === "GET" || !fixedKeys) return null;
  const names = bodyParameterNames(template);
  return names.some((name) => repeatsName(fixedKeys, queryKeyName(name))) ? names : null;
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The rendered URL, checked: absolute http(s), credentials taken out into Basic auth. `literalHost`: the
 * template's scheme and host are written out (no {{ }}), so a host or port that does not parse is the
 * template's own (saved before the schemas refused it), named as they name it, not a value's escaping.
 */
function finalUrl(text: string, errors: TemplateProblem[], literalHost: boolean, authorityProblem: string | null): { url: URL; authorization?: string } | null {
  // the template's own authority, judged as the schemas judge it (saved before they did): a password
  // holding "#" parses, but sends it and the request to a piece of the password taken for the host
  if (authorityProblem) {
    errors.push({ field: "url", message: authorityProblem });
    return null;
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    const message = literalHost
      ? (urlAuthorityReason(text) ?? "The URL must be an absolute http:// or https:// URL after rendering")
      : "The URL must be an absolute http:// or https:// URL after rendering (a value that is a whole URL needs {{{triple braces}}})";
    errors.push({ field: "url", message });
    return null;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname) {
    errors.push({ field: "url", message: "The URL must be an absolute http:// or https:// URL after rendering" });
    return null;
  }
  if (!url.username && !url.password) return { url };
  const authorization = "Basic " + Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`, "utf8").toString("base64");
  url.username = "";
  url.password = "";
  return { url, authorization };
}

/** What does not depend on the user, worked out once per template object (delivery renders one template for many users). */
type Plan = {
  snapshot: string[];
  prepared: PreparedFields;
  /** "url", "fields[0].value", ..., "headers[0].value", ... */
  names: string[];
  keyNames: string[];
  keyProblems: TemplateProblem[];
  /** unset: a header ticked secret whose value nobody has typed yet (a template's or a copy's): not sent */
  headers: { name: string; problem: TemplateProblem | null; isAuthorization: boolean; unset: boolean }[];
  /** the names of the headers ticked secret (undefined: none), for the sender to mask their echoes */
  secretHeaders: string[] | undefined;
  /** the URL's scheme and host are written out (no {{ }}: url-authority.ts) */
  literalHost: boolean;
  /** what is wrong with the written-out authority (a password holding "#": url-authority.ts), null: nothing */
  authorityProblem: string | null;
  /** placeholders left in the URL's host: the URL is never the receiver's */
  hostPlaceholders: string[];
  /** where the template's stored secrets may go (url-origin.ts) */
  fixedPlace: FixedPlace;
  /** the body's parameters when one names a parameter of the fixed query (null: none does) */
  bodyRepeatsQuery: string[] | null;
};
const plans = new WeakMap<WebhookTemplate, Plan>();

/**
 * A header ticked secret whose value nobody has typed yet (a template's or a copy's): it is never sent
 * (an empty credential is never what was meant), the preview warns, and Activate refuses it
 * (lib/delivery/store/check-action.ts): a campaign would go out without the credential its receiver expects.
 */
export function isUnsetSecretHeader(h: Pick<WebhookTemplate["headers"][number], "secret" | "value">): boolean {
  return !!h.secret && !h.value.trim();
}

/** What the preview (`sending`) and Activate say of an unset secret header. */
export function unsetSecretHeaderMessage(name: string, when: "preview" | "activation"): string {
  return when === "preview"
    ? `The secret header "${name}" has no value yet, so it is not sent: type it, or remove the header`
    : `The secret header "${name}" has no value: type it, or remove the header`;
}

function snapshotOf(t: WebhookTemplate): string[] {
  const out = [t.method, t.contentType, t.url];
  for (const f of t.fields) out.push(f.key, f.value, f.type);
  for (const h of t.headers) out.push(h.name, h.value, h.secret ? "secret" : "");
  return out;
}

function sameSnapshot(t: WebhookTemplate, snap: string[]): boolean {
  if (snap.length !== 3 + t.fields.length * 3 + t.headers.length * 3) return false;
  if (snap[0] !== t.method || snap[1] !== t.contentType || snap[2] !== t.url) return false;
  let i = 3;
  for (const f of t.fields) if (snap[i++] !== f.key || snap[i++] !== f.value || snap[i++] !== f.type) return false;
  for (const h of t.headers) if (snap[i++] !== h.name || snap[i++] !== h.value || snap[i++] !== (h.secret ? "secret" : "")) return false;
  return true;
}

function planFor(template: WebhookTemplate, budget: RenderBudget): Plan {
  const hit = plans.get(template);
  // a plan whose compiling ran out of time compiles the rest now
  if (hit && sameSnapshot(template, hit.snapshot) && !hit.prepared.outOfTime) return hit;
  const { sources, names } = fieldSources(template);
  const fixedPlace = fixedPlaceOf(template.url);
  const plan: Plan = {
    snapshot: snapshotOf(template),
    prepared: prepareFields(sources, budget),
    names,
    keyNames: template.fields.map((_, i) => `fields[${i}].key`),
    keyProblems: keyProblems(template),
    headers: template.headers.map((h, i) => ({
      name: h.name.trim(),
      problem: headerNameProblem(h.name, i, false),
      isAuthorization: h.name.trim().toLowerCase() === "authorization",
      unset: isUnsetSecretHeader(h),
    })),
    secretHeaders: template.headers.some((h) => h.secret) ? template.headers.filter((h) => h.secret).map((h) => h.name.trim()) : undefined,
    literalHost: hasLiteralAuthority(template.url),
    authorityProblem: urlAuthorityReason(template.url),
    hostPlaceholders: hostPlaceholdersOf(template.url),
    fixedPlace,
    bodyRepeatsQuery: bodyParametersRepeatingQuery(template, fixedPlace.queryKeys),
  };
  plans.set(template, plan);
  return plan;
}

/**
 * The placeholders of a destination template left in the URL's host (`https://{{your_host}}/…`): each
 * renders empty for every user, so the host is never the receiver's (`https:///webhooks/x` even reads as
 * the host "webhooks"). Read from the URL's text once per template: a tag of one name, not a helper's call.
 */
function hostPlaceholdersOf(url: string): string[] {
  const authority = /^\s*[^:/?#{}]*:\/\/([^/?#]*)/.exec(url)?.[1] ?? "";
  const names = [...authority.matchAll(/\{\{\{?~?\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*~?\}?\}\}/g)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => n !== "this" && isPlaceholderPath(n)))];
}

function hostPlaceholderProblem(names: string[]): TemplateProblem {
  const tags = names.map((n) => `{{${n}}}`).join(" and ");
  const one = names.length === 1;
  return { field: "url", message: `Replace ${tags} in the URL with your receiver's host: ${one ? "it is a placeholder" : "they are placeholders"} from the template and ${one ? "renders" : "render"} empty for every user` };
}

/** Why a value renders empty: this user lacks it, or no user has it ({{slack_webhook_path}} left from a template). */
function missingMessage(path: string): string {
  if (isPlaceholderPath(path)) return `{{${path}}} is a placeholder, not a variable: replace it with your own value (it renders empty for every user)`;
  return `${path} is not set for this user and renders empty`;
}

export function renderWebhookRequest(template: WebhookTemplate, ctx: TemplateContext, opts: RenderOptions): RenderResult {
  // compiling a template seen for the first time counts against the render's time
  const budget = startBudget(MAX_RENDER_MS);
  const context = buildTemplateContext(ctx);
  if (opts.requiredAsValue) (context as Record<symbol, unknown>)[REQUIRED_AS_VALUE] = true;
  const plan = planFor(template, budget);
  const { prepared, names, keyProblems: keyErrors } = plan;
  const errors: TemplateProblem[] = keyErrors.length ? [...keyErrors] : [];
  const warnings: TemplateProblem[] = [];

  const outputs = renderFields(prepared, context, MAX_OUTPUT_BYTES, budget);
  let skip: TemplateSkip | undefined;
  const text: (string | undefined)[] = outputs.map((o, i) => {
    if (o.ok) return o.text;
    if (o.error instanceof TemplateSkip) {
      skip ??= o.error;
      return undefined;
    }
    errors.push({ field: names[i], message: o.error.message, line: o.error.line, column: o.error.column, ...(o.error.limit ? { limit: o.error.limit } : {}) });
    return undefined;
  });
  if (opts.collectWarnings) {
    compiledFields(prepared).forEach((t, i) => {
      if (t instanceof Error) return;
      for (const p of missingPaths(t.paths, context)) {
        // a placeholder in the host is the URL's error (below), not a warning beside it
        if (i === 0 && plan.hostPlaceholders.includes(p)) continue;
        // the value {{required}} skips for: said once, as the skip
        if (skip && p === skip.written) continue;
        warnings.push({ field: names[i], message: missingMessage(p), path: p });
      }
    });
  }
  // {{required}} stopped the render: this user is skipped, unless the template is broken elsewhere (that is said first)
  if (skip && !errors.length) return { ok: false, errors, warnings, skipped: skip.reason };

  let target = text[0] === undefined ? null : finalUrl(text[0], errors, plan.literalHost, plan.authorityProblem);
  if (plan.hostPlaceholders.length && text[0] !== undefined) {
    // said instead of "not an absolute URL", or of a request to the wrong host
    target = null;
    const at = errors.findIndex((e) => e.field === "url");
    if (at >= 0) errors[at] = hostPlaceholderProblem(plan.hostPlaceholders);
    else errors.push(hostPlaceholderProblem(plan.hostPlaceholders));
  }

  // Data fields.
  const bodyInJson = template.contentType === "application/json" && template.method !== "GET";
  const jsonBody: Record<string, unknown> = {};
  const formBody = bodyInJson ? null : new URLSearchParams();
  if (!keyErrors.length) {
    for (let i = 0; i < template.fields.length; i++) {
      const f = template.fields[i];
      const value = text[1 + i];
      if (value === undefined) continue;
      if (formBody) {
        formBody.append(f.key, value);
        continue;
      }
      const typed = typedValue(f, value, names[1 + i], errors);
      if (typed !== undefined) setPath(jsonBody, f.key, typed, plan.keyNames[i], errors);
    }
  }

  // Headers.
  const extraHeaders: [string, string][] = [];
  for (let i = 0; i < plan.headers.length; i++) {
    const h = plan.headers[i];
    if (h.problem) errors.push(h.problem);
    else if (h.isAuthorization && target?.authorization) errors.push(headerNameProblem(h.name, i, true)!);
    // not sent while empty: an empty credential header is never what was meant (the preview says so)
    else if (h.unset) {
      if (opts.collectWarnings) warnings.push({ field: `headers[${i}].value`, message: unsetSecretHeaderMessage(h.name, "preview"), blocksActivation: true });
    }
    else {
      const value = text[1 + template.fields.length + i];
      if (value === undefined) continue;
      const valueProblem = headerValueProblem(value, i);
      if (valueProblem) errors.push(valueProblem);
      else extraHeaders.push([h.name, value]);
    }
  }

  // A GET sends no body: its data becomes query parameters, appended before where the request goes is
  // judged, after the URL's query as it is (searchParams.append would write the fixed query again, "[]" as "%5B%5D").
  const query = template.method === "GET" ? formBody?.toString() : "";
  if (target && query) target.url.search = target.url.search ? `${target.url.search}&${query}` : `?${query}`;

  // A stored secret (URL credentials, a secret header's value) goes only to the fixed origin its URL was
  // saved with: the save refuses one at a templated host, and one stored before that rule fails here;
  // nor under another path than the fixed part's (a dot segment after a template climbs out of it), nor
  // with a parameter of the fixed query named again (a GET's data field "id" after "?id=victim").
  const sent = target ? whereSent(plan.fixedPlace, target.url) : "elsewhere";
  const atFixedOrigin = sent === "under";
  if (target && sent === "repeated") {
    const keyed = template.method === "GET" && !keyErrors.length ? template.fields.map((f) => f.key) : [];
    errors.push(...repeatedQueryKeyProblems(template, keyed, plan.fixedPlace.queryKeys!, !!template.signingSecrets?.some(Boolean)));
  } else if (target && !atFixedOrigin) errors.push(...literalSecrets(template, sent === "origin" ? "path" : "host"));
  else if (target && plan.bodyRepeatsQuery && !keyErrors.length) {
    // a body's field named as a parameter of the fixed query: PHP's $_REQUEST, Laravel's input() and
    // ASP.NET's model binding read the body's value before the query's, so it steers the request as a
    // repeated query parameter would (said at the field; nothing when nothing stored would go)
    errors.push(...repeatedQueryKeyProblems(template, plan.bodyRepeatsQuery, plan.fixedPlace.queryKeys!, !!template.signingSecrets?.some(Boolean)));
  }
  if (errors.length || !target) return { ok: false, errors, warnings };
  const { url, authorization } = target;

  let body: string | null = null;
  if (template.method !== "GET") {
    body = formBody ? formBody.toString() : JSON.stringify(jsonBody);
    if (body.length > MAX_OUTPUT_BYTES / 3 && Buffer.byteLength(body) > MAX_OUTPUT_BYTES) {
      return { ok: false, errors: [{ field: "fields", message: `The rendered body is over ${MAX_OUTPUT_BYTES / 1024} KiB` }], warnings };
    }
  }
  const href = url.toString();
  if (href.length > MAX_RENDERED_URL_LENGTH) return { ok: false, errors: [{ field: "url", message: `The rendered URL is over ${MAX_RENDERED_URL_LENGTH.toLocaleString("en-US")} characters` }], warnings };

  const timestamp = timestampSeconds(opts.timestamp.getTime());
  const headers: [string, string][] = [];
  if (body !== null) headers.push(["Content-Type", bodyInJson ? JSON_CONTENT_TYPE : FORM_CONTENT_TYPE]);
  headers.push(["User-Agent", USER_AGENT], ["webhook-id", opts.webhookId], ["webhook-timestamp", String(timestamp)]);
  // The signing secret signs only requests to the fixed origin the URL was saved with: a templated host
  // is chosen by data (a user's attribute), and a signature for a body sent there is a signature anyone could replay.
  const secrets = atFixedOrigin ? (template.signingSecrets?.filter(Boolean) ?? []) : [];
  if (secrets.length) headers.push(["webhook-signature", signatureHeader(secrets, opts.webhookId, timestamp, body ?? "")]);
  if (authorization) headers.push(["Authorization", authorization]);
  headers.push(...extraHeaders);

  const request: BuiltRequest = { method: template.method, url: href, headers, body };
  if (plan.secretHeaders) request.secretHeaders = plan.secretHeaders;
  return { ok: true, request, warnings, signingSecrets: secrets };
}
