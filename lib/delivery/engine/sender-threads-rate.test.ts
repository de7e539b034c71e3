// An action's rate limit with several sender threads (HOOKLINE_SENDER_THREADS=4): it holds for the
// process as a whole, and it is reached. A host's deliveries all go to one thread; each thread was
// given a quarter of the rate, so a webhook to one host at 10 a second was sent at 2.5 a second.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SenderThreads } from "./sender-threads";
import type { SendJob } from "./send-gate";
import { startReceiver } from "../testing/receiver";

const RPS = 10;
const SENDS = 21;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let threads: SenderThreads;

beforeAll(async () => {
  const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-sender-thread.ts", "--if-stale"], { cwd: process.cwd(), encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  threads = new SenderThreads(4);
  await threads.ready();
  receiver = await startReceiver();
});
afterAll(async () => {
  await threads.close();
  await receiver.close();
});

/** SENDS of one action at RPS a second, to the hosts `hostOf` names: how long from the first arrival to the last */
async function spanOf(label: string, hostOf: (i: number) => string): Promise<number> {
  const gate = threads.gated({ concurrency: 100, hostConcurrency: 100, leaseMs: 60_000 });
  const job = (i: number): SendJob => ({
    request: { method: "POST", url: `${receiver.url}/${label}/${i}`, headers: [["content-type", "application/json"]], body: "{}" },
    timeoutMs: undefined, host: hostOf(i), rateKey: `action-${label}`, rps: RPS, claimedAt: Date.now(),
  });
  // each thread's first send loads what sending needs (the guard's settings, a connection): not counted
  await Promise.all(Array.from({ length: 8 }, (_, i) => gate.send({ ...job(i), rps: null, request: { ...job(i).request, url: `${receiver.url}/warm` } })));
  const outcomes = await Promise.all(Array.from({ length: SENDS }, (_, i) => gate.send(job(i))));
  expect(outcomes.every((o) => !("expired" in o) && o.result.outcome === "delivered")).toBe(true);
  const at = receiver.received.filter((r) => r.path.startsWith(`/${label}/`)).map((r) => r.at);
  expect(at).toHaveLength(SENDS);
  return Math.max(...at) - Math.min(...at);
}

// SENDS at RPS a second: the first at once, the last (SENDS - 1) intervals later
const EXPECTED_MS = ((SENDS - 1) * 1000) / RPS;

describe("an action's rate limit over four sender threads", () => {
  it("is reached when its webhook has one host (every send in one thread)", async () => {
    const span = await spanOf("onehost", () => "one.example");
    expect(span).toBeGreaterThan(EXPECTED_MS * 0.8);
    // a quarter of the rate (each thread's share before) took 4x as long
    expect(span).toBeLessThan(EXPECTED_MS * 1.5);
  });

  it("holds for the process when its sends go to hosts in different threads", async () => {
    // hosts spread over the threads (a templated host): together still RPS a second
    const span = await spanOf("manyhosts", (i) => `host-${i % 8}.example`);
    expect(span).toBeGreaterThan(EXPECTED_MS * 0.8);
  });
});
