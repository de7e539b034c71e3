// Figure 6: the editor's live preview over HTTP against `npm start`: one request at a time, as a
// person typing causes them (one every PREVIEW_DEBOUNCE_MS at the most, the editor's own pace, which
// the route's per-member limit lets through), p50/p95 of the round trip.
import { setTimeout as sleep } from "node:timers/promises";
import { PREVIEW_DEBOUNCE_MS } from "../../lib/campaigns/preview-rate";
import { apiHeaders, ownerCookie } from "../app-session";
import { embeddedApp } from "../embedded-app";
import { fmt, verdict } from "../report";
import { round, summarize } from "../stats";
import { FIELDS, HEADERS, actionUrl, userId } from "../workload";
import type { FigureContext, FigureResult } from "./context";

const TARGET_P95_MS = 30;

export async function figurePreview(ctx: FigureContext): Promise<FigureResult> {
  const { base } = await embeddedApp(ctx);
  const path = process.env.BENCH_PREVIEW_PATH ?? "/api/preview";
  const body = (i: number) =>
    JSON.stringify({
      action: { name: "Typical webhook", method: "POST", url: actionUrl(ctx.receiver.port), contentType: "application/json", fields: FIELDS.map((f, k) => (k === 9 ? { ...f, value: `typed ${i}` } : f)), headers: HEADERS },
      campaign: { name: "Bench campaign" },
      userId: userId(i % 100),
    });
  // internal routes take same-origin requests only (withInternal): say where we come from, as a browser does
  let headers: Record<string, string> = { ...apiHeaders, origin: base };
  let nextAt = 0;
  const call = async (i: number) => {
    // typing as fast as the editor asks: a call starts PREVIEW_DEBOUNCE_MS after the one before at the earliest
    const wait = nextAt - performance.now();
    if (wait > 0) await sleep(wait);
    nextAt = performance.now() + PREVIEW_DEBOUNCE_MS;
    const t0 = performance.now();
    const res = await fetch(base + path, { method: "POST", headers, body: body(i), redirect: "manual" });
    const text = await res.text();
    return { ms: performance.now() - t0, status: res.status, text };
  };
  let first = await call(0);
  if ([401, 403, 302, 303, 307].includes(first.status)) {
    const cookie = await ownerCookie(base);
    if (cookie) headers = { ...headers, cookie };
    first = await call(0);
  }
  if (first.status !== 200) throw new Error(`POST ${path} answered ${first.status}: ${first.text.slice(0, 300)}`);
  const preview = JSON.parse(first.text) as { request?: { url?: string } | null; errors?: unknown[] };
  if (!preview.request) throw new Error(`the preview did not render: ${first.text.slice(0, 300)}`);
  for (let i = 1; i <= 30; i++) await call(i);
  const n = ctx.options.quick ? 100 : 500;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await call(i);
    if (r.status !== 200) throw new Error(`preview answered ${r.status} on call ${i}`);
    times.push(r.ms);
  }
  const s = summarize(times);
  return {
    rows: [
      { measure: `round trips (sequential, one every ${PREVIEW_DEBOUNCE_MS} ms at the most, ${n})`, value: `p50 ${fmt(s.p50, " ms", 1)}, p99 ${fmt(s.p99, " ms", 1)}, max ${fmt(s.max, " ms", 1)}` },
      { measure: "p95", value: fmt(s.p95, " ms", 1), target: `< ${TARGET_P95_MS} ms`, verdict: verdict(s.p95 < TARGET_P95_MS) },
    ],
    json: { available: true, path, requests: n, p50Ms: round(s.p50, 1), p95Ms: round(s.p95, 1), p99Ms: round(s.p99, 1), maxMs: round(s.max, 1), target: TARGET_P95_MS, met: s.p95 < TARGET_P95_MS },
  };
}
