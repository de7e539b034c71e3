// Figure 5: renders per second of the typical action (URL + 10 fields + 2 headers) through the
// app's renderer, against calling the same compiled Handlebars templates directly.
import Handlebars from "handlebars";
import { fmt, verdict } from "../report";
import { appRender } from "../requests";
import { round } from "../stats";
import { contextFor, typicalTemplate } from "../workload";
import type { FigureContext, FigureResult } from "./context";

const TARGET = 0.5;

/** runs fn as often as it can for ms milliseconds (after a warm-up) and gives calls per second */
async function rate(fn: (i: number) => unknown, ms: number): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn(i);
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 200; k++) {
      const r = fn(calls++);
      if (r instanceof Promise) await r;
    }
    now = performance.now();
  }
  return (calls / (now - start)) * 1000;
}

export async function figureRender(ctx: FigureContext): Promise<FigureResult> {
  const template = typicalTemplate(ctx.receiver.port);
  const contexts = Array.from({ length: 1000 }, (_, i) => contextFor(i));

  const check = appRender(template, contexts[0], "msg_bench");
  if (!check.ok) throw new Error(`the typical action does not render: ${JSON.stringify(check)}`);

  const sources = [template.url, ...template.fields.map((f) => f.value), ...template.headers.map((h) => h.value)];
  const compiled = sources.map((s) => Handlebars.compile(s, { knownHelpersOnly: true, strict: false }));
  const directContexts = contexts.map((c) => ({ user: c.user, userAttribute: c.user.attributes, campaign: c.campaign, action: c.action, now: c.now }));
  const direct = (i: number) => {
    const c = directContexts[i % directContexts.length];
    let out = 0;
    for (const t of compiled) out += t(c).length;
    return out;
  };
  const viaApp = (i: number) => appRender(template, contexts[i % contexts.length], `msg_bench_${i}`);

  const ms = ctx.options.quick ? 1500 : 5000;
  // alternate to spread the machine's noise over both sides
  const app1 = await rate(viaApp, ms / 2);
  const direct1 = await rate(direct, ms / 2);
  const app2 = await rate(viaApp, ms / 2);
  const direct2 = await rate(direct, ms / 2);
  const appRate = (app1 + app2) / 2;
  const directRate = (direct1 + direct2) / 2;
  const ratio = round(appRate / directRate, 3);
  return {
    rows: [
      { measure: "renders/s through renderWebhookRequest", value: fmt(appRate) },
      { measure: "renders/s of the 13 compiled templates directly", value: fmt(directRate) },
      { measure: "ratio app / direct", value: fmt(ratio, "", 3), target: `>= ${TARGET}`, verdict: verdict(ratio >= TARGET) },
    ],
    json: { available: true, rendersPerSecond: round(appRate), directPerSecond: round(directRate), ratio, target: TARGET, met: ratio >= TARGET },
  };
}
