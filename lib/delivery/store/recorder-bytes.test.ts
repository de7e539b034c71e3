// A receiver the editor controls can make every result of a flush as big as the recorder keeps (an
// 8 KiB request excerpt, an 8 KiB response excerpt, many headers): a flush of 500 such results was one
// transaction, built and run on the event loop (the web process's, for the embedded engine) for about
// a second. A flush is now bounded by bytes as well as rows: the results are written in order, in
// several transactions, with turns of the event loop between them. Real database.
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { FLUSH_BYTES, Recorder, type Change } from "./recorder";
import { createCampaign, createUsers } from "../testing/fixtures";

/** Runs `work` while a 5 ms timer notes the longest the event loop went without running it. */
async function longestBlockDuring(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longestMs = 0;
  const probe = setInterval(() => {
    const at = performance.now();
    longestMs = Math.max(longestMs, at - last);
    last = at;
  }, 5);
  try {
    await work();
    return Math.max(longestMs, performance.now() - last);
  } finally {
    clearInterval(probe);
  }
}

async function heldDeliveries(prefix: string, count: number, workerId: string) {
  const users = await createUsers(count, prefix);
  const campaign = await createCampaign({ url: "http://127.0.0.1:9/x", status: "active" });
  const now = new Date();
  const data = users.map((u, i) => ({
    id: `${prefix}-d${String(i).padStart(4, "0")}`, webhookId: `msg_${prefix}_${i}`, campaignId: campaign.id, actionId: campaign.actions[0]!.id, userId: u.id,
    triggerKey: "activation", plannedAt: now, dueAt: now, state: "sending", lockedBy: workerId, lockedUntil: new Date(now.getTime() + 600_000),
  }));
  await db().delivery.createMany({ data });
  return data.map((d) => d.id);
}

/** A delivered result as big as the recorder keeps one: both excerpts full, 40 headers of 200 bytes */
function bigResult(id: string, i: number): Change {
  const at = new Date();
  const headers = Array.from({ length: 40 }, (_, h) => [`x-h${h}`, `${i}-`.padEnd(200, "v")]);
  return {
    id, state: "delivered", attempts: 1, status: 200, durationMs: 3, host: "127.0.0.1:9", sentAt: at,
    attempt: {
      deliveryId: id, number: 1, startedAt: at, durationMs: 3, outcome: "delivered", status: 200, error: null,
      request: { method: "POST", url: `http://127.0.0.1:9/x/${i}`, headers, body: `{"i":${i},"p":"${"r".repeat(8 * 1024 - 20)}"}`, bodyTruncated: true },
      response: { status: 200, statusText: "OK", headers, body: `{"i":${i},"p":"${"s".repeat(8 * 1024 - 20)}"}`, bodyTruncated: true },
      timings: { totalMs: 3 }, nextAttemptAt: null,
    },
  };
}

describe("a flush of big results", () => {
  it("is written in several transactions of at most FLUSH_BYTES, in order, the event loop turning between them", async () => {
    const workerId = "w-bytes";
    const ids = await heldDeliveries("rbytes", 400, workerId);
    const recorder = new Recorder(db(), workerId, { flushMs: 10_000, maxBatch: 500 });
    const written = ids.map((id, i) => recorder.add(bigResult(id, i)));
    const longestMs = await longestBlockDuring(async () => {
      await recorder.flush();
      await Promise.all(written);
    });

    // one transaction's worth at most (the whole flush's was about a second on a quiet machine)
    expect(longestMs, `the event loop was blocked for ${Math.round(longestMs)} ms`).toBeLessThan(500);
    // ~25 KiB a result: 400 results are ~10 MB, written in 2 MiB transactions
    expect(FLUSH_BYTES).toBe(2 * 1024 * 1024);
    expect(recorder.counters.flushes).toBeGreaterThanOrEqual(4);
    expect(recorder.counters.flushedRows).toBe(400);
    const rows = await db().delivery.findMany({ where: { id: { in: ids } }, select: { state: true, lockedBy: true } });
    expect(rows.every((r) => r.state === "delivered" && r.lockedBy === null)).toBe(true);
    const attempts = await db().deliveryAttempt.findMany({ where: { deliveryId: { in: ids } }, select: { deliveryId: true, request: true } });
    expect(attempts).toHaveLength(400);
    expect(attempts.every((a) => (a.request as { body: string }).body.length > 8000)).toBe(true);
  }, 60_000);

  it("keeps a flush of small results whole", async () => {
    const workerId = "w-small";
    const ids = await heldDeliveries("rsmall", 300, workerId);
    const recorder = new Recorder(db(), workerId, { flushMs: 10_000, maxBatch: 500 });
    const written = ids.map((id, i) => {
      const change = bigResult(id, i) as Extract<Change, { state: "delivered" }>;
      change.attempt = { ...change.attempt!, request: { method: "POST", url: "http://127.0.0.1:9/x", headers: [], body: `{"i":${i}}` }, response: { status: 200, headers: [["content-type", "application/json"]], body: "{}" } };
      return recorder.add(change);
    });
    await recorder.flush();
    await Promise.all(written);
    expect(recorder.counters).toMatchObject({ flushes: 1, flushedRows: 300 });
  });
});
