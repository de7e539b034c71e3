// The contract between the editor, the renderer, the sender and the delivery engine.
// lib/webhooks/render-request.ts turns a WebhookTemplate + TemplateContext into a BuiltRequest;
// lib/webhooks/send.ts sends a BuiltRequest and returns a SendResult. Nothing else builds or sends.

export const HTTP_METHODS = ["POST", "PUT", "PATCH", "GET"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const FIELD_TYPES = ["text", "number", "boolean", "json"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type DataField = { key: string; value: string; type: FieldType };
export type HeaderField = { name: string; value: string; secret?: boolean };

/** An action's webhook as the renderer needs it: every secret in the clear. */
export type WebhookTemplate = {
  method: HttpMethod;
  /** the URL template, possibly with `user:password@` credentials in it */
  url: string;
  contentType: ContentType;
  fields: DataField[];
  headers: HeaderField[];
  /** whsec_... secrets; two during a rotation (current first) */
  signingSecrets?: string[];
};

/** What templates can see. */
export type TemplateContext = {
  user: { id: string; email?: string | null; timezone?: string | null; attributes: Record<string, unknown> };
  event?: { name: string; params: Record<string, unknown> } | null;
  campaign?: { id: string; name: string } | null;
  action?: { id: string } | null;
  now: Date;
};

/** Where a template problem is: "url", "fields[2].value", "headers[0].value", ... */
export type TemplateProblem = {
  field: string;
  message: string;
  /** the field in the marketer's words, set where the draft is known ('Field "city" value': lib/campaigns/problem-labels.ts) */
  label?: string;
  line?: number;
  column?: number;
  /** a warning's missing value: the path the field reads that the context lacks ("event.params.amount") */
  path?: string;
  /** the field passes an expression limit of lib/templating (per field, or the webhook's in all) */
  limit?: "field" | "webhook";
  /** a warning of the webhook itself, not of one user's data, that Activate refuses: the editor shows it at its field too */
  blocksActivation?: true;
  /** a warning of the webhook itself, not of one user's data, shown at its field too: an attribute no user has (Activate asks, and lets it pass), a private address (Test send and Activate refuse it) */
  atField?: true;
  /** a note of fact, not a warning: an attribute an earlier step saves from its response ("Set from Webhook 1's response") */
  info?: true;
};

/** The exact request: the body is the very bytes that are sent (and signed). */
export type BuiltRequest = {
  method: HttpMethod;
  /** absolute http(s) URL without credentials */
  url: string;
  headers: [name: string, value: string][];
  body: string | null;
  /** the headers ticked secret by name (absent: none); the sender masks what a response echoes of them (echoed-secrets.ts maskEchoedSecrets) */
  secretHeaders?: string[];
};

export type RenderResult =
  /**
   * `signingSecrets`: the secrets webhook-signature was made with (the origin rule applied; empty:
   * unsigned), for signing it again when it is sent later (sign.ts signedAt). Never part of `request`,
   * which is shown (masked) and logged.
   */
  | { ok: true; request: BuiltRequest; warnings: TemplateProblem[]; signingSecrets: string[] }
  /**
   * `skipped`: {{required}} found this user without a value it needs ("user.crmId is empty"): not an
   * error of the template, `errors` is then empty; nothing is sent (delivery: suppressed)
   */
  | { ok: false; errors: TemplateProblem[]; warnings: TemplateProblem[]; skipped?: string };

export type Timings = { dnsMs?: number; connectMs?: number; firstByteMs?: number; totalMs: number };

export type SendOutcome = "delivered" | "retryable" | "failed";

export type SendResult = {
  outcome: SendOutcome;
  status?: number;
  statusText?: string;
  headers?: [string, string][];
  /** up to 64 KiB of the response body, decoded as UTF-8 (invalid bytes replaced) */
  body?: string;
  bodyTruncated?: boolean;
  /** a plain-words error: "timed out after 15 s", "destination 10.0.0.5 is in a private network; ..." */
  error?: string;
  /** what kind of error, when there is one (refused and invalid are never retried) */
  errorKind?: "network" | "timeout" | "refused" | "invalid" | "cancelled";
  /**
   * whether the request left: it was handed to a connection to the receiver. False when nothing was
   * sent (the URL, the SSRF guard or the DNS lookup refused it, the connection failed or was not made in
   * time). sendWebhook always says; absent: not known (the sender itself failed, perhaps after it left).
   */
  sent?: boolean;
  /** from Retry-After on 429/503, capped at 24 h */
  retryAfterMs?: number;
  timings: Timings;
};
