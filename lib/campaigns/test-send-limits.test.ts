// The test-send limits hold across web processes (PostgreSQL with REDIS_URL runs several; a SQLite file
// may be opened by more than one): a burst spread over processes, each reserving at the same moment,
// gets exactly the limit between them, not the limit per process. Each process is a real Node.js process
// (test/test-send-burst.ts) on this test file's database; none shares the others' memory.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { getCampaignDraft, saveCampaign } from "./campaigns";
import { campaignDraftSchema } from "./schemas";
import { reserveTestSend, TEST_SEND_LIMIT, TEST_SEND_MEMBER_LIMIT, TestSendRateLimitedError } from "./test-send-limits";

type Send = { actionId: string | null; campaignId: string | null; memberId: string | null };

/** Runs each process's reservations, all started together: what every reservation got ("ok", or its Retry-After). */
async function burstAcrossProcesses(at: Date, perProcess: Send[][]): Promise<(string | number)[]> {
  const children = perProcess.map((sends) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/test-send-burst.ts", JSON.stringify({ at: at.toISOString(), sends })], {
      env: process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    const exited = once(child, "exit");
    const ready = (async () => {
      while (!out.includes("ready\n")) {
        if (child.exitCode !== null) throw new Error(`a burst process exited early: ${err.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    return { child, ready, exited, output: () => out, errors: () => err };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin.end("go\n");
  const results: (string | number)[] = [];
  for (const c of children) {
    const [code] = await c.exited;
    if (code !== 0) throw new Error(`a burst process failed (${code}): ${c.errors().slice(-500)}`);
    results.push(...(JSON.parse(c.output().split("\n")[1]!) as (string | number)[]));
  }
  return results;
}

/** `count` reservations made one after another by this process at `at`, all allowed. */
async function reserved(count: number, send: Send, at: Date) {
  for (let i = 0; i < count; i++) await reserveTestSend(send.actionId, send.campaignId, send.memberId, null, at);
}

// Each burst comes when two of the limit are left. Checked in each process's memory only, every process
// read the count before another had written: each saw room and took it (3 or 4 of the last 2, on both
// databases).
describe("test-send limits across processes", () => {
  it("a webhook's last 2 sends of a minute, asked for by 3 processes at once: 2 are allowed, the others get the right Retry-After", async () => {
    const { id } = await saveCampaign(campaignDraftSchema.parse({ name: "Burst", actions: [{ url: "http://127.0.0.1:9/burst" }] }));
    const actionId = (await getCampaignDraft(id, "admin"))!.actions![0]!.id!;
    const at = new Date("2034-01-01T00:00:00Z");
    await reserved(TEST_SEND_LIMIT.count - 2, { actionId, campaignId: id, memberId: "burst-member-0" }, at);
    // a member per process: only the webhook's count can stop them
    const results = await burstAcrossProcesses(
      new Date(at.getTime() + 1000),
      [1, 2, 3].map((p) => Array.from({ length: 3 }, () => ({ actionId, campaignId: id, memberId: `burst-member-${p}` }))),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(2);
    // refused a second after the first 8: free again when the oldest leaves the minute
    expect(results.filter((r) => r !== "ok")).toEqual(Array(7).fill(59));
    expect(await db().testSend.count({ where: { actionId } })).toBe(TEST_SEND_LIMIT.count);
    // half a minute on, this process too is told to wait the other half
    const later = await reserveTestSend(actionId, id, "burst-member-4", null, new Date(at.getTime() + 30_000)).catch((e) => e);
    expect(later).toBeInstanceOf(TestSendRateLimitedError);
    expect(later.retryAfterSeconds).toBe(30);
  }, 60_000);

  it("a member's last 2 sends of a minute, asked for on 3 webhooks in 3 processes at once: 2 are allowed", async () => {
    const at = new Date("2035-01-01T00:00:00Z");
    const memberId = "burst-member";
    // 28 already, over unsaved webhooks of three other campaigns (10, 10, 8: each under the webhook's limit)
    for (const [n, count] of [10, 10, 8].entries()) await reserved(count, { actionId: null, campaignId: `earlier-campaign-${n}`, memberId }, at);
    expect(await db().testSend.count({ where: { memberId } })).toBe(TEST_SEND_MEMBER_LIMIT.count - 2);
    // each process its own (unsaved) webhook of a campaign of its own
    const results = await burstAcrossProcesses(
      new Date(at.getTime() + 1000),
      [1, 2, 3].map((p) => Array.from({ length: 3 }, () => ({ actionId: null, campaignId: `burst-campaign-${p}`, memberId }))),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(2);
    expect(results.filter((r) => r !== "ok")).toEqual(Array(7).fill(59));
    expect(await db().testSend.count({ where: { memberId } })).toBe(TEST_SEND_MEMBER_LIMIT.count);
  }, 60_000);
});
