import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "../testing/receiver";
import { SendGate, type SendJob, type SharedSendTimes } from "./send-gate";
import { SenderThreads } from "./sender-threads";
import type { BuiltRequest, SendResult } from "../../webhooks/types";
import { sendWebhook } from "../../webhooks/send";
import { renderWebhookRequest } from "../../webhooks/render-request";
import { generateSigningSecret } from "../../webhooks/sign";
import { Webhook } from "standardwebhooks";
import { loadFactor } from "@/test/load";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
const threads = new SenderThreads(1);

beforeAll(async () => {
  receiver = await startReceiver(async (req) => {
    if (req.path.startsWith("/slow")) await new Promise((r) => setTimeout(r, 50));
    if (req.path.startsWith("/crm")) return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: { id: "cus_9", score: "7.5" } }) };
    if (req.path.startsWith("/down")) return { status: 503, headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: { id: "cus_9" } }) };
    return { status: 200, body: "ok" };
  });
  await threads.ready();
});
afterAll(async () => {
  await threads.close();
  await receiver.close();
});

const request = (path: string): BuiltRequest => ({ method: "POST", url: `${receiver.url}${path}`, headers: [["content-type", "application/json"]], body: "{}" });
/** The bookings Redis keeps (redis-buckets.ts BOOK_SCRIPT), in this process's memory: each key booked is pushed to `calls`. */
function memorySendTimes(calls: string[] = []): SharedSendTimes {
  const next = new Map<string, number>();
  return {
    async book(key, perSecond, want, horizonMs) {
      calls.push(key);
      const now = Date.now();
      const interval = 1000 / perSecond;
      const start = Math.max(now, next.get(key) ?? 0);
      const count = Math.min(want, Math.floor((horizonMs - (start - now)) / interval) + 1);
      if (count < 1) return { count: 0, firstWaitMs: 0, retryInMs: Math.ceil(start - now - horizonMs) };
      next.set(key, start + count * interval);
      return { count, firstWaitMs: start - now, retryInMs: 0 };
    },
  };
}

const job = (path: string, over: Partial<SendJob> = {}): SendJob => ({ request: request(path), timeoutMs: 5000, host: "a", rateKey: "action", rps: null, claimedAt: Date.now(), ...over });

/** a send that takes `ms` and counts how many run at once */
function countingSend(ms: number) {
  const seen = { now: 0, max: 0, calls: 0 };
  const send = async (): Promise<SendResult> => {
    seen.calls++;
    seen.now++;
    seen.max = Math.max(seen.max, seen.now);
    await new Promise((r) => setTimeout(r, ms));
    seen.now--;
    return { outcome: "delivered", status: 200, timings: { totalMs: ms } };
  };
  return { seen, send };
}

describe("the send gate", () => {
  it("holds in flight overall and per host at their limits", async () => {
    const { seen, send } = countingSend(20);
    const gate = new SendGate({ concurrency: 4, hostConcurrency: 2, leaseMs: 60_000 }, send);
    await Promise.all(Array.from({ length: 12 }, (_, i) => gate.send(job("/x", { host: `h${i % 3}` }))));
    expect(seen.calls).toBe(12);
    expect(seen.max).toBe(4);

    const one = countingSend(20);
    const single = new SendGate({ concurrency: 10, hostConcurrency: 2, leaseMs: 60_000 }, one.send);
    await Promise.all(Array.from({ length: 8 }, () => single.send(job("/x", { host: "same" }))));
    expect(one.seen.max).toBe(2);
  });

  it("spaces an action's requests by its rate limit", async () => {
    const { send } = countingSend(0);
    const gate = new SendGate({ concurrency: 50, hostConcurrency: 50, leaseMs: 60_000 }, send);
    const started = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => gate.send(job("/x", { rps: 20 }))));
    const starts = outcomes.map((o) => ("startedAt" in o ? o.startedAt : 0)).sort((a, b) => a - b);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    // 20 per second: the fifth starts four intervals (200 ms) after the first. Node's timers may fire late,
    // and up to a millisecond early by Date.now (it rounds; a CI run saw 194): a few ms of slack
    expect(starts[4] - starts[0]).toBeGreaterThanOrEqual(192);
  });

  it("keeps an action's rate at the moment its requests start, not only when they queued: a slow answer that held the host is not followed by a burst", async () => {
    // the host's one slot is held 600 ms by the first request; the next ones, spaced 50 ms apart at 20 a
    // second, queue behind it, and all went the moment it came back (12 within a few ms)
    let first = true;
    const starts: number[] = [];
    const gate = new SendGate({ concurrency: 50, hostConcurrency: 1, leaseMs: 60_000 }, async () => {
      starts.push(Date.now());
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 600));
      }
      return { outcome: "delivered", status: 200, timings: { totalMs: 0 } };
    });
    await Promise.all(Array.from({ length: 16 }, () => gate.send(job("/x", { rps: 20 }))));
    expect(starts).toHaveLength(16);
    const busiest = Math.max(...starts.map((s) => starts.filter((t) => t >= s && t < s + 500).length));
    // 20 a second is 10 in any half second (timers firing late on a busy machine may let one or two more in)
    expect(busiest).toBeLessThanOrEqual(12);
    // and none waited much longer than the rate requires once the host was free (14 intervals)
    expect(starts[15] - starts[1]).toBeLessThan(14 * 50 + 400);
  });

  it("keeps an action's rate across its hosts: a request let go by a slow host does not start alongside one that found its host free", async () => {
    // one action at 20 a second to two hosts, one slot each. The slow host keeps its first request 125 ms, so the
    // second one to it, due at 100 ms, waits for the slot (its turn at the rate passes unused) and gets it at
    // ~125 ms, while the fast host's requests keep their turns at 150, 200, ... ms: it started ~25 ms before the
    // next of them, two requests within one interval
    const rps = 20;
    const interval = 1000 / rps;
    const slowHost = await startReceiver(async () => {
      await new Promise((r) => setTimeout(r, 125));
      return { status: 200 };
    });
    try {
      const gate = new SendGate({ concurrency: 50, hostConcurrency: 1, leaseMs: 60_000 }, sendWebhook);
      const slow = (i: number): SendJob => ({ ...job("/"), request: { ...request("/"), url: `${slowHost.url}/slow/${i}` }, host: "slow", rps });
      const fast = (i: number) => job(`/fast/${i}`, { host: "fast", rps });
      // warm both connections first, so the timings below are the gate's
      await Promise.all([gate.send(job("/fast/warm", { host: "fast", rateKey: "warm" })), gate.send({ ...slow(0), rateKey: "warm" })]);
      const jobs = [slow(1), fast(1), slow(2), ...Array.from({ length: 8 }, (_, i) => fast(i + 2))];
      const outcomes = await Promise.all(jobs.map((j) => gate.send(j)));
      expect(outcomes.every((o) => "result" in o && o.result.outcome === "delivered")).toBe(true);
      const arrivals = [...receiver.received.filter((r) => r.path.startsWith("/fast/") && r.path !== "/fast/warm"), ...slowHost.received.slice(1)]
        .map((r) => r.at)
        .sort((a, b) => a - b);
      expect(arrivals).toHaveLength(jobs.length);
      // when each left the gate (the receiver's arrival times add the loopback's jitter on a busy machine)
      const starts = outcomes.map((o) => ("startedAt" in o ? o.startedAt : 0)).sort((a, b) => a - b);
      // at most one start in any window of one interval, less the limiter's 5 ms slack and Date.now's rounding
      const window = interval - 6;
      const busiest = Math.max(...starts.map((a) => starts.filter((t) => t >= a && t < a + window).length));
      const shown = (times: number[]) => times.map((t) => t - starts[0]).join(", ");
      expect(busiest, `started at ${shown(starts)} ms; arrived at ${shown(arrivals)} ms`).toBe(1);
    } finally {
      await slowHost.close();
    }
  });

  it("books a rate-limited action's send times where the workers share them, and asks nothing for an action without a rate limit", async () => {
    // the bookings Redis keeps (redis-buckets.ts book()), here in memory: two gates are two workers
    const calls: string[] = [];
    const shared = memorySendTimes(calls);
    const { send } = countingSend(0);
    const gates = [0, 1].map(() => new SendGate({ concurrency: 50, hostConcurrency: 50, leaseMs: 60_000 }, send, Date.now, shared));
    await Promise.all(Array.from({ length: 6 }, (_, i) => gates[i % 2].send(job("/x", { rateKey: "free" }))));
    expect(calls).toEqual([]);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => gates[i % 2].send(job("/x", { rps: 20 }))));
    // booked a few at a time, none further ahead than the horizon (a request started late on a busy machine books again)
    expect(calls.length).toBeGreaterThanOrEqual(2);
    const starts = outcomes.map((o) => ("startedAt" in o ? o.startedAt : 0)).sort((a, b) => a - b);
    // 20 a second across both gates: each alone would have let its first go at once, its fifth at 200 ms
    expect(starts[9] - starts[0]).toBeGreaterThanOrEqual(9 * 50 - 10);
  });

  it("books no further ahead than the horizon: a gate that stops with requests queued leaves the action to the other within it", async () => {
    const shared = memorySendTimes();
    const { send } = countingSend(0);
    const stopping = new SendGate({ concurrency: 50, hostConcurrency: 50, leaseMs: 60_000 }, send, Date.now, shared);
    const other = new SendGate({ concurrency: 50, hostConcurrency: 50, leaseMs: 60_000 }, send, Date.now, shared);
    // 40 queued at 20 a second: 2 s of sends, of which 1 s (the horizon) at most is booked
    const queuedAt = Date.now();
    const queued = Promise.all(Array.from({ length: 40 }, () => stopping.send(job("/x", { rps: 20 }))));
    await new Promise((r) => setTimeout(r, 300));
    const drainedAt = Date.now();
    const load = loadFactor();
    stopping.drain();
    const outcomes = await queued;
    // what it had not sent came back at once, not when its booked times came
    expect(Date.now() - drainedAt).toBeLessThan(100 * load);
    const sent = outcomes.filter((o) => "startedAt" in o).length;
    expect(sent).toBeGreaterThanOrEqual(4);
    // 20 a second for as long as it really waited (a late timer on a loaded machine waits more than 300 ms)
    expect(sent).toBeLessThanOrEqual(Math.floor((drainedAt - queuedAt) / 50) + 2);
    const starts = (await Promise.all(Array.from({ length: 3 }, () => other.send(job("/x", { rps: 20 }))))).map((o) => ("startedAt" in o ? o.startedAt : 0));
    // the other gate's first send within the horizon (1 s) of the stop, not 1.7 s later
    expect(Math.min(...starts) - drainedAt).toBeLessThan(1_000 + 100 * load);
  });

  it("counts in its own memory while the shared bookings do not answer (Redis away)", async () => {
    const { send } = countingSend(0);
    const gate = new SendGate({ concurrency: 50, hostConcurrency: 50, leaseMs: 60_000 }, send, Date.now, { book: async () => null });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => gate.send(job("/x", { rps: 20 }))));
    const starts = outcomes.map((o) => ("startedAt" in o ? o.startedAt : 0)).sort((a, b) => a - b);
    expect(starts[4] - starts[0]).toBeGreaterThanOrEqual(192);
  });

  it("books again a request that waited well past its booked time for a slot, rather than go alongside another worker's", async () => {
    // 20 a second shared by two gates, booked alternately (slow gate at 0, 100, 200 ms...; fast gate at
    // 50, 150, 250 ms...); the slow gate's host holds its only slot 175 ms per request, so its next
    // requests' booked times pass while they wait: going when the slot came back (175, 350 ms...), one
    // started 9 ms from the fast gate's request booked for 350 ms
    const shared = memorySendTimes();
    const starts: number[] = [];
    const sendAfter = (ms: number) => async (): Promise<SendResult> => {
      starts.push(Date.now());
      await new Promise((r) => setTimeout(r, ms));
      return { outcome: "delivered", status: 200, timings: { totalMs: ms } };
    };
    const slow = new SendGate({ concurrency: 50, hostConcurrency: 1, leaseMs: 60_000 }, sendAfter(175), Date.now, shared);
    const fast = new SendGate({ concurrency: 50, hostConcurrency: 50, leaseMs: 60_000 }, sendAfter(0), Date.now, shared);
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? fast : slow).send(job("/x", { rps: 20 }))));
    starts.sort((a, b) => a - b);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    // an interval (50 ms) between starts, less the half interval a request may be late for its time
    expect(Math.min(...gaps), `gaps ${gaps.join(", ")} ms`).toBeGreaterThanOrEqual(20);
  });

  it("does not start a delivery whose lease may have lapsed, unless the leases were renewed", async () => {
    let now = 1_000_000;
    const { seen, send } = countingSend(0);
    const gate = new SendGate({ concurrency: 5, hostConcurrency: 5, leaseMs: 1000 }, send, () => now);
    const claimedAt = now;
    now += 1500;
    expect(await gate.send(job("/x", { claimedAt }))).toEqual({ expired: true });
    expect(seen.calls).toBe(0);
    gate.leaseRenewed(now - 100);
    expect(await gate.send(job("/x", { claimedAt }))).toMatchObject({ result: { outcome: "delivered" } });
  });

  it("in a sender thread, honours a lease renewal made before the thread heard of the gate (a replaced thread)", async () => {
    const gate = threads.gated({ concurrency: 5, hostConcurrency: 5, leaseMs: 1000 });
    const claimedAt = Date.now() - 5000;
    // without the renewal this lease ran out 4 s ago
    expect(await threads.gated({ concurrency: 5, hostConcurrency: 5, leaseMs: 1000 }).send(job("/renewed", { claimedAt }))).toEqual({ expired: true });
    gate.leaseRenewed(Date.now());
    expect(await gate.send(job("/renewed", { claimedAt }))).toMatchObject({ result: { outcome: "delivered" } });
  });

  it("in a sender thread, keeps sending while the engine's thread is busy (a long synchronous write)", async () => {
    // a receiver on a thread of its own: this one is about to block
    const other = new Worker(
      `const http = require("node:http"); const { parentPort } = require("node:worker_threads");
       const server = http.createServer((req, res) => { req.resume(); req.on("end", () => setTimeout(() => res.end("ok"), 50)); });
       server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));`,
      { eval: true },
    );
    const port = await new Promise<number>((resolve) => other.once("message", resolve));
    try {
      const gate = threads.gated({ concurrency: 5, hostConcurrency: 5, leaseMs: 60_000 });
      const to = (i: number): SendJob => ({ ...job("/"), request: { ...request("/"), url: `http://127.0.0.1:${port}/slow/${i}` } });
      // warm: the allowed destinations read, the connection pool
      await Promise.all(Array.from({ length: 5 }, (_, i) => gate.send(to(i))));
      const all = Promise.all(Array.from({ length: 30 }, (_, i) => gate.send(to(i))));
      // the jobs leave for the thread on the next turn of the loop; then this thread blocks for 1.5 s
      await new Promise((r) => setImmediate(r));
      const blockedUntil = Date.now() + 1500;
      while (Date.now() < blockedUntil);
      const outcomes = await all;
      expect(outcomes.every((o) => "result" in o && o.result.outcome === "delivered")).toBe(true);
      // 30 sends of 50 ms, 5 at a time, take ~300 ms: all of them ended while this thread was blocked
      const ends = outcomes.map((o) => ("finishedAt" in o ? o.finishedAt : Infinity));
      expect(Math.max(...ends)).toBeLessThan(blockedUntil);
    } finally {
      await other.terminate();
    }
  });

  it("reads a delivered response through the action's mapping where it was received (here and in a sender thread)", async () => {
    const mapping = [
      { path: "$.customer.id", attribute: "crmId" },
      { path: "$.customer.score", attribute: "crmScore", type: "number" as const },
      { path: "$.customer.tier", attribute: "tier" },
    ];
    const local = new SendGate({ concurrency: 4, hostConcurrency: 4, leaseMs: 60_000 }, sendWebhook);
    const threaded = threads.gated({ concurrency: 4, hostConcurrency: 4, leaseMs: 60_000 });
    for (const gate of [local, threaded]) {
      const outcome = await gate.send(job("/crm", { mapping }));
      if ("expired" in outcome) throw new Error("expired");
      expect(outcome.result.outcome).toBe("delivered");
      // as the users' UPDATE binds it: the values' JSON text (and its UTF-8 size), their names, the attempt's note
      const values = '{"crmId":"cus_9","crmScore":7.5}';
      expect(outcome.mapped).toEqual({ values, saved: ["crmId", "crmScore"], utf8Bytes: values.length, note: "mapping: $.customer.tier is not in the response" });
      // not delivered: nothing is read from the answer; no mapping: nothing either
      const failed = await gate.send(job("/down", { mapping }));
      expect("mapped" in failed && failed.mapped).toBeFalsy();
      const plain = await gate.send(job("/crm"));
      expect("mapped" in plain && plain.mapped).toBeFalsy();
    }
  });

  it("in a sender thread, reads each job through its own mapping when more mappings pass than the thread keeps", async () => {
    // a thread is sent each mapping once and keeps the last 256: jobs name theirs by number
    const threaded = threads.gated({ concurrency: 50, hostConcurrency: 50, leaseMs: 60_000 });
    const mappings = Array.from({ length: 300 }, (_, i) => [{ path: i % 2 ? "$.customer.id" : "$.customer.score", attribute: `a${i}` }]);
    // each mapping twice, the second time after 300 others have passed (the first ones forgotten by then)
    const outcomes = await Promise.all([...mappings, ...mappings].map((mapping) => threaded.send(job("/crm", { mapping }))));
    outcomes.forEach((outcome, n) => {
      const i = n % mappings.length;
      if ("expired" in outcome) throw new Error("expired");
      expect(JSON.parse(outcome.mapped!.values)).toEqual({ [`a${i}`]: i % 2 ? "cus_9" : "7.5" });
    });
  });

  it("in a sender thread, reads job after job through the same mapping, also once it was forgotten and is sent again", async () => {
    // the usual run: one action's mapping delivery after delivery (named by the number it had last time),
    // then 300 others, which make the thread forget it, then it again (a new number, sent again)
    const threaded = threads.gated({ concurrency: 50, hostConcurrency: 50, leaseMs: 60_000 });
    const same = [{ path: "$.customer.id", attribute: "same" }];
    const others = Array.from({ length: 300 }, (_, i) => [{ path: "$.customer.score", attribute: `o${i}` }]);
    const sequence = [same, same, same, ...others, same, same];
    const outcomes: Awaited<ReturnType<typeof threaded.send>>[] = [];
    // in three posts: the first jobs' numbers are known to the thread before the rest name them
    for (const part of [sequence.slice(0, 3), sequence.slice(3, 303), sequence.slice(303)]) outcomes.push(...(await Promise.all(part.map((mapping) => threaded.send(job("/crm", { mapping }))))));
    outcomes.forEach((outcome, n) => {
      if ("expired" in outcome) throw new Error("expired");
      const mapping = sequence[n]!;
      expect(JSON.parse(outcome.mapped!.values)).toEqual({ [mapping[0]!.attribute]: mapping === same ? "cus_9" : "7.5" });
    });
  });

  it("stamps and signs a job as its send starts, here and in a sender thread: one rendered 6 minutes before still verifies", async () => {
    const secret = generateSigningSecret();
    const renderedAt = new Date(Date.now() - 6 * 60_000);
    const template = { method: "POST" as const, url: `${receiver.url}/signed`, contentType: "application/json" as const, fields: [{ key: "n", value: "{{user.id}}", type: "text" as const }], headers: [], signingSecrets: [secret] };
    const local = new SendGate({ concurrency: 4, hostConcurrency: 4, leaseMs: 60_000 }, sendWebhook);
    const threaded = threads.gated({ concurrency: 4, hostConcurrency: 4, leaseMs: 60_000 });
    for (const [n, gate] of [local, threaded].entries()) {
      const rendered = renderWebhookRequest(template, { user: { id: `u${n}`, attributes: {} }, now: renderedAt }, { webhookId: `msg_gate${n}`, timestamp: renderedAt });
      if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
      expect(rendered.signingSecrets).toEqual([secret]);
      const outcome = await gate.send({ ...job("/signed"), request: rendered.request, signWith: rendered.signingSecrets });
      if ("expired" in outcome) throw new Error("expired");
      const got = receiver.received.findLast((r) => r.path === "/signed")!;
      expect(got.headers["webhook-id"]).toBe(`msg_gate${n}`);
      expect(Number(got.headers["webhook-timestamp"])).toBe(Math.floor(outcome.startedAt / 1000));
      expect(() => new Webhook(secret).verify(got.body, got.headers as Record<string, string>)).not.toThrow();
      // the request as rendered is left as it was (the log's copy is stamped by the dispatcher)
      expect(rendered.request.headers.find(([name]) => name === "webhook-timestamp")?.[1]).toBe(String(Math.floor(renderedAt.getTime() / 1000)));
    }
  });
});
