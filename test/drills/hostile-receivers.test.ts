// Fault drill: receivers that accept and never answer, trickle a byte a second (headers or body),
// or send 1 GiB. Fifty sends at once to each: every send ends within its timeout, the 64 KiB cap
// holds, memory stays bounded and the event loop keeps answering.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_RESPONSE_BYTES, sendWebhook } from "@/lib/webhooks/send";
import type { BuiltRequest, SendResult } from "@/lib/webhooks/types";
import { LOAD } from "@/test/load";

const AT_ONCE = 50;
const TIMEOUT_MS = 2000;
// A blocked event loop (buffering a 1 GiB body, a synchronous parse) shows as seconds of lag; the
// shared 2-core CI machine alone adds a few hundred milliseconds, so the bar sits between the two;
// raised by the machine's load when this file starts (a load of 8 on 2 cores measured 1.8 s with nothing blocking)
const LOOP_LAG_LIMIT_MS = 1000 * LOAD;

let server: ChildProcess;
let ports: Record<string, number>;
let lines: AsyncIterator<string>;

async function nextLine<T>(): Promise<T> {
  const { value } = await lines.next();
  return JSON.parse(value as string) as T;
}

beforeAll(async () => {
  server = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "hostile-server.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
  ports = (await nextLine<{ ports: Record<string, number> }>()).ports;
});

afterAll(() => {
  server?.stdin?.end();
  server?.kill();
});

function request(kind: string, i: number): BuiltRequest {
  return {
    method: "POST",
    url: `http://127.0.0.1:${ports[kind]}/${kind}/${i}`,
    headers: [["content-type", "application/json"], ["webhook-id", `msg_drill_${kind}_${i}`]],
    body: JSON.stringify({ i }),
  };
}

/** the largest gap between 10 ms ticks while fn runs: how long the event loop was blocked */
async function withLoopWatch<T>(fn: () => Promise<T>) {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const result = await fn();
    return { result, worstLoopLagMs: worst, peakRss };
  } finally {
    clearInterval(timer);
    clearInterval(rssTimer);
  }
}

async function burst(kind: string, timeoutMs = TIMEOUT_MS) {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: AT_ONCE }, async (_, i) => {
      const t0 = performance.now();
      const r = await sendWebhook(request(kind, i), { timeoutMs });
      return { ...r, tookMs: performance.now() - t0 };
    }),
  );
  return { results, wallMs: performance.now() - started };
}

function expectTimedOut(results: (SendResult & { tookMs: number })[]) {
  for (const r of results) {
    expect(r.outcome, JSON.stringify(r)).toBe("retryable");
    expect(r.error).toMatch(/timed out/);
    expect(r.tookMs).toBeLessThan(TIMEOUT_MS + 1500);
  }
}

describe("hostile receivers, fifty sends at once", () => {
  it("a receiver that accepts and never answers: every send times out on time", async () => {
    const { result, worstLoopLagMs } = await withLoopWatch(() => burst("hang"));
    expectTimedOut(result.results);
    expect(worstLoopLagMs).toBeLessThan(LOOP_LAG_LIMIT_MS);
  });

  it("a receiver that trickles its headers a byte a second: the total timeout holds", async () => {
    const { result } = await withLoopWatch(() => burst("trickleHeaders"));
    expectTimedOut(result.results);
  });

  it("a receiver that trickles its body a byte a second: the total timeout holds", async () => {
    const { result } = await withLoopWatch(() => burst("trickleBody"));
    for (const r of result.results) {
      // the status arrived, the body never finished: a timeout, not a delivery
      expect(r.tookMs).toBeLessThan(TIMEOUT_MS + 1500);
      expect(r.outcome).not.toBe("delivered");
    }
  });

  it("a receiver that sends 1 GiB: 64 KiB is kept, memory stays bounded, the loop keeps answering", async () => {
    const before = process.memoryUsage().rss;
    // what is tested is the cut at 64 KiB and the memory, not the timeout: a loaded machine (CI beside
    // other work) took over 2 s to hand fifty senders their first 64 KiB, and those sends timed out
    const timeoutMs = TIMEOUT_MS * 5;
    const { result, worstLoopLagMs, peakRss } = await withLoopWatch(() => burst("huge", timeoutMs));
    for (const r of result.results) {
      expect(r.tookMs).toBeLessThan(timeoutMs + 1500);
      expect(r.status, JSON.stringify({ ...r, body: r.body?.slice(0, 100) })).toBe(200);
      expect(r.bodyTruncated).toBe(true);
      expect(Buffer.byteLength(r.body ?? "")).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    }
    // fifty 64 KiB excerpts are 3 MiB; allow generous slack for sockets and buffers, not 50 GiB
    expect(peakRss - before).toBeLessThan(150 * 2 ** 20);
    expect(worstLoopLagMs).toBeLessThan(LOOP_LAG_LIMIT_MS);
    server.stdin!.write("stats\n");
    const { written } = await nextLine<{ written: Record<string, number> }>();
    // the sender hung up early: far less than 50 GiB left the server
    expect(written.huge).toBeLessThan(AT_ONCE * 64 * 2 ** 20);
  });

  it("all four kinds at once: the process stays responsive and every send ends", async () => {
    const { result, worstLoopLagMs } = await withLoopWatch(() => Promise.all(["hang", "trickleHeaders", "trickleBody", "huge"].map(burst)));
    for (const b of result) expect(b.wallMs).toBeLessThan(TIMEOUT_MS + 2500);
    expect(worstLoopLagMs).toBeLessThan(LOOP_LAG_LIMIT_MS);
  });
});
