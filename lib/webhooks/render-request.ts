// Turns a webhook template + a user (+ event) into the one exact request that is sent. The preview,
// test sends and delivery all call this; nothing else builds requests.
import { compileTemplate, renderTemplate, TemplateError, MAX_OUTPUT_BYTES, type EscapeMode } from "../templating/engine";
import { buildTemplateContext, missingPaths } from "../templating/context";
import { signatureHeader } from "./sign";
import type { BuiltRequest, DataField, RenderResult, TemplateContext, TemplateProblem, WebhookTemplate } from "./types";
import { version } from "../version";

export const USER_AGENT = `Hookline/${version}`;

/** Header names a template may not set: the sender owns them. */
const RESERVED_HEADERS = new Set(["host", "content-length", "content-type", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "user-agent"]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export type RenderOptions = {
  webhookId: string;
  timestamp: Date;
  /** list variables that render empty (the preview wants them; delivery does not pay for them) */
  collectWarnings?: boolean;
};

type Renderer = { errors: TemplateProblem[]; warnings: TemplateProblem[]; context: Record<string, unknown>; collectWarnings: boolean };

function renderField(r: Renderer, field: string, source: string, mode: EscapeMode): string | undefined {
  try {
    const compiled = compileTemplate(source);
    if (r.collectWarnings && compiled.paths.length) {
      for (const p of missingPaths(compiled.paths, r.context)) r.warnings.push({ field, message: `${p} is not set for this user and renders empty` });
    }
    return renderTemplate(compiled, r.context, mode);
  } catch (err) {
    if (err instanceof TemplateError) r.errors.push({ field, message: err.message, line: err.line, column: err.column });
    else r.errors.push({ field, message: (err as Error).message });
    return undefined;
  }
}

function typedValue(r: Renderer, i: number, f: DataField): unknown {
  const field = `fields[${i}].value`;
  const text = renderField(r, field, f.value, f.type === "json" ? "json" : "raw");
  if (text === undefined) return undefined;
  switch (f.type) {
    case "number": {
      const t = text.trim();
      const n = t === "" ? NaN : Number(t);
      if (!Number.isFinite(n)) r.errors.push({ field, message: `"${truncate(t)}" is not a number` });
      return n;
    }
    case "boolean": {
      const t = text.trim().toLowerCase();
      if (t === "true" || t === "1" || t === "yes") return true;
      if (t === "false" || t === "0" || t === "no" || t === "") return false;
      r.errors.push({ field, message: `"${truncate(t)}" is not true or false` });
      return undefined;
    }
    case "json":
      try {
        return JSON.parse(text);
      } catch (err) {
        r.errors.push({ field, message: `The value is not valid JSON: ${(err as Error).message}` });
        return undefined;
      }
    default:
      return text;
  }
}

const truncate = (s: string) => (s.length > 40 ? s.slice(0, 40) + "…" : s);

/** Dotted keys build nested objects: address.city -> { address: { city } }. */
function setPath(r: Renderer, target: Record<string, unknown>, key: string, value: unknown, i: number) {
  const parts = key.split(".");
  let cur = target;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (part === "__proto__" || part === "constructor" || part === "prototype" || part === "") {
      r.errors.push({ field: `fields[${i}].key`, message: `"${key}" is not a usable key` });
      return;
    }
    if (p === parts.length - 1) {
      if (Object.hasOwn(cur, part)) {
        r.errors.push({ field: `fields[${i}].key`, message: `"${key}" is set twice` });
        return;
      }
      cur[part] = value;
      return;
    }
    const next = cur[part];
    if (next === undefined) cur = cur[part] = {} as Record<string, unknown>;
    else if (next && typeof next === "object" && !Array.isArray(next)) cur = next as Record<string, unknown>;
    else {
      r.errors.push({ field: `fields[${i}].key`, message: `"${key}" conflicts with the field "${parts.slice(0, p + 1).join(".")}"` });
      return;
    }
  }
}

export function renderWebhookRequest(template: WebhookTemplate, ctx: TemplateContext, opts: RenderOptions): RenderResult {
  const r: Renderer = { errors: [], warnings: [], context: buildTemplateContext(ctx), collectWarnings: !!opts.collectWarnings };

  // URL: escaped values are percent-encoded, so they cannot add a path segment or a parameter.
  const rawUrl = renderField(r, "url", template.url, "url");
  let url: URL | undefined;
  let authorization: string | undefined;
  if (rawUrl !== undefined) {
    try {
      url = new URL(rawUrl.trim());
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("scheme");
      if (!url.hostname) throw new Error("host");
    } catch {
      url = undefined;
      r.errors.push({ field: "url", message: "The URL must be an absolute http:// or https:// URL after rendering" });
    }
  }
  if (url && (url.username || url.password)) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    authorization = "Basic " + Buffer.from(`${user}:${pass}`, "utf8").toString("base64");
    url.username = "";
    url.password = "";
  }

  // Data fields.
  const isJson = template.contentType === "application/json";
  const jsonBody: Record<string, unknown> = {};
  const formBody = new URLSearchParams();
  const seen = new Set<string>();
  template.fields.forEach((f, i) => {
    if (!f.key.trim()) {
      r.errors.push({ field: `fields[${i}].key`, message: "A key is required" });
      return;
    }
    if (seen.has(f.key)) {
      r.errors.push({ field: `fields[${i}].key`, message: `The key "${f.key}" is used twice` });
      return;
    }
    seen.add(f.key);
    if (isJson && template.method !== "GET") {
      const value = typedValue(r, i, f);
      if (value !== undefined) setPath(r, jsonBody, f.key, value, i);
    } else {
      const value = renderField(r, `fields[${i}].value`, f.value, "raw");
      if (value !== undefined) formBody.append(f.key, value);
    }
  });

  // Headers.
  const extraHeaders: [string, string][] = [];
  template.headers.forEach((h, i) => {
    const name = h.name.trim();
    const lower = name.toLowerCase();
    if (!name) return r.errors.push({ field: `headers[${i}].name`, message: "A header name is required" });
    if (!TOKEN.test(name)) return r.errors.push({ field: `headers[${i}].name`, message: `"${name}" is not a valid header name` });
    if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-"))
      return r.errors.push({ field: `headers[${i}].name`, message: `${name} is set by Hookline and cannot be changed` });
    if (lower === "authorization" && authorization)
      return r.errors.push({ field: `headers[${i}].name`, message: "Authorization comes from the credentials in the URL; remove one of them" });
    const value = renderField(r, `headers[${i}].value`, h.value, "raw");
    if (value === undefined) return;
    if (/[\r\n\0]/.test(value)) return r.errors.push({ field: `headers[${i}].value`, message: "A header value cannot contain line breaks" });
    extraHeaders.push([name, value]);
  });

  if (r.errors.length || !url) return { ok: false, errors: r.errors, warnings: r.warnings };

  let body: string | null = null;
  if (template.method === "GET") {
    formBody.forEach((v, k) => url.searchParams.append(k, v));
  } else {
    body = isJson ? JSON.stringify(jsonBody) : formBody.toString();
    if (body.length > MAX_OUTPUT_BYTES / 4 && Buffer.byteLength(body) > MAX_OUTPUT_BYTES) {
      return { ok: false, errors: [{ field: "fields", message: `The rendered body is over ${MAX_OUTPUT_BYTES / 1024} KiB` }], warnings: r.warnings };
    }
  }
  const finalUrl = url.toString();
  if (finalUrl.length > 8192) return { ok: false, errors: [{ field: "url", message: "The rendered URL is over 8,192 characters" }], warnings: r.warnings };

  const timestamp = Math.floor(opts.timestamp.getTime() / 1000);
  const headers: [string, string][] = [];
  if (body !== null) headers.push(["Content-Type", isJson ? "application/json; charset=utf-8" : "application/x-www-form-urlencoded; charset=utf-8"]);
  headers.push(["User-Agent", USER_AGENT], ["webhook-id", opts.webhookId], ["webhook-timestamp", String(timestamp)]);
  const secrets = template.signingSecrets?.filter(Boolean) ?? [];
  if (secrets.length) headers.push(["webhook-signature", signatureHeader(secrets, opts.webhookId, timestamp, body ?? "")]);
  if (authorization) headers.push(["Authorization", authorization]);
  headers.push(...extraHeaders);

  const request: BuiltRequest = { method: template.method, url: finalUrl, headers, body };
  return { ok: true, request, warnings: r.warnings };
}
