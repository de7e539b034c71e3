"use client";
import { AllowDestinationLink } from "./AllowDestinationLink";
import { DateTime } from "./ui/DateTime";
import type { TestSendView } from "@/lib/campaigns/test-sends";
import type { RetryPolicy } from "@/lib/delivery/core/retry-policy";
import { CopyCurlButton } from "./CopyCurlButton";
import { BodyView, HeaderList, MethodUrl, SubHeading } from "./HttpMessageView";
import { RetryNote } from "./RetryNote";

const REASONS: Record<number, string> = {
  200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
  307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
  404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 410: "Gone", 413: "Payload Too Large",
  415: "Unsupported Media Type", 422: "Unprocessable Entity", 425: "Too Early", 429: "Too Many Requests",
  500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
};

/** "200 OK": the receiver's own reason phrase when it gave one. */
export function statusText(send: Pick<TestSendView, "status" | "response">): string {
  if (!send.status) return "";
  const reason = send.response?.statusText || REASONS[send.status] || "";
  return `${send.status} ${reason}`.trim();
}

/** What the send came to, in a word, when the receiver gave no status: "Skipped" ({{required}}) is not a failure. */
export function outcomeText(send: Pick<TestSendView, "status" | "response" | "outcome">): string {
  if (send.status) return statusText(send);
  if (send.outcome === "skipped") return "Skipped";
  if (send.outcome === "sending") return "Sending";
  return "Not delivered";
}

function tone(send: TestSendView) {
  if (send.outcome === "delivered") return "bg-emerald-50 text-emerald-800 ring-emerald-200";
  if (send.outcome === "skipped") return "bg-slate-50 text-slate-800 ring-slate-200";
  if (send.status) return "bg-amber-50 text-amber-900 ring-amber-200";
  return "bg-red-50 text-red-800 ring-red-200";
}

/**
 * One test send: what went out (masked) and what came back, or why nothing did; when a delivery would
 * retry that answer, what it would do under `retryPolicy` (the webhook's as set now: a test send keeps no policy).
 */
export function TestSendResult({ send, retryPolicy }: { send: TestSendView; retryPolicy: RetryPolicy }) {
  const total = send.timings?.totalMs;
  return (
    <div className="space-y-4">
      <div className={`flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg px-3 py-2 ring-1 ring-inset ${tone(send)}`}>
        <span className="text-base font-semibold">{outcomeText(send)}</span>
        {total !== undefined && <span className="text-sm">in {Math.round(total)} ms</span>}
        <span className="ml-auto text-xs opacity-80">
          {send.variant ? `Variant ${send.variant} · ` : ""}
          {send.userLabel ? `as ${send.userLabel} · ` : ""}
          <DateTime value={send.createdAt} style="time" />
        </span>
      </div>
      {send.outcome === "retryable" && <RetryNote policy={retryPolicy} />}
      {send.error &&
        (send.outcome === "skipped" ? (
          // {{required}} skips this user: a valid outcome, said without error styling (as the preview says it)
          <p className="rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 text-sm whitespace-pre-line text-slate-700">{send.error}</p>
        ) : (
          <p className="rounded-lg bg-red-50 px-3 py-2 text-sm whitespace-pre-line text-red-800">{send.error}</p>
        ))}
      <AllowDestinationLink error={send.error} />
      {/* nothing built: said here; else beside the request below */}
      {!send.request && <EarlierStepNotes notes={send.notes} />}
      {send.response && (
        <div className="space-y-3">
          <SubHeading>Response</SubHeading>
          <BodyView body={send.response.body} label="Response body" />
          {send.response.bodyTruncated && <p className="text-xs text-slate-500">The body was cut at 64 KiB.</p>}
          <details className="text-sm">
            <summary className="cursor-pointer text-slate-600">Response headers ({send.response.headers?.length ?? 0})</summary>
            <div className="mt-2">
              <HeaderList headers={send.response.headers ?? []} />
            </div>
          </details>
        </div>
      )}
      {send.mapping && <WouldSave mapping={send.mapping} />}
      {send.request && (
        <div className="space-y-3">
          <div className="flex items-center justify-between gap-2">
            {/* refused, or failed before connecting (the sender says which): what would have been sent */}
            <SubHeading>{send.sent === false ? "Request (not sent)" : send.sent ? "Request as sent" : "Request"}</SubHeading>
            {send.curl && <CopyCurlButton curl={send.curl} />}
          </div>
          <MethodUrl method={send.request.method} url={send.request.url} />
          <EarlierStepNotes notes={send.notes} />
          <details className="text-sm">
            <summary className="cursor-pointer text-slate-600">Request headers ({send.request.headers.length})</summary>
            <div className="mt-2">
              <HeaderList headers={send.request.headers} />
            </div>
          </details>
          <BodyView body={send.request.body} label="Request body" />
        </div>
      )}
    </div>
  );
}

/** What an earlier step saves that a test send did not wait for, and the value it used (lib/campaigns/unknown-attributes.ts). */
function EarlierStepNotes({ notes }: { notes: string[] | undefined }) {
  if (!notes?.length) return null;
  return (
    <ul aria-label="Values from earlier webhooks" className="space-y-0.5 text-xs text-slate-600">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}

/** What "Save response to user" would have saved: a test send never writes the user. */
function WouldSave({ mapping }: { mapping: NonNullable<TestSendView["mapping"]> }) {
  const saved = Object.entries(mapping.set);
  return (
    <section aria-label="Would save to user" className="space-y-2">
      <SubHeading>Would save to user</SubHeading>
      <p className="text-xs text-slate-500">A test send changes no user; a delivery would save these.</p>
      {saved.length > 0 ? (
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
          {saved.map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="font-mono text-slate-600">{name}</dt>
              <dd className="font-mono break-all text-slate-900">{JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-sm text-slate-600">Nothing.</p>
      )}
      {mapping.problems.length > 0 && (
        <ul className="list-disc space-y-0.5 pl-5 text-sm text-amber-800">
          {mapping.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
