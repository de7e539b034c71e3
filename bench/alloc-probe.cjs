// Bytes allocated and objects made, per thread, over a bench's counted runs: loaded into every thread
// of the process (`NODE_OPTIONS="--require ./bench/alloc-probe.cjs"`: a --require runs in each worker
// thread too), it waits for "start" and "stop" on a BroadcastChannel (bench/alloc-window.ts, posted by
// figure 7's `--alloc <dir>`). Between them, in its own thread: V8's GC profiler (each collection's
// heap before and after, so the bytes allocated are exact: what the heap grew by plus what every
// collection freed) and V8's sampling heap profiler keeping the samples of collected objects (where
// the bytes were allocated, by stack). Allocation does not slow down when the machine is loaded, so
// two runs compare where their CPU times cannot. `npx tsx bench/alloc-summary.ts <dir> [<dir>]`.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload runs in every worker thread too (an --import does not, on Node 20) */
const { BroadcastChannel, isMainThread, threadId, workerData } = require("node:worker_threads");
const { Session } = require("node:inspector");
const v8 = require("node:v8");
const fs = require("node:fs");
const path = require("node:path");

const CHANNEL = "hookline-alloc-probe";
const interval = Number(process.env.ALLOC_PROBE_INTERVAL || 4096);

function threadName() {
  if (isMainThread) return "engine";
  const data = workerData && typeof workerData === "object" ? workerData : {};
  if ("rateBook" in data) return "sender";
  if ("answer" in data) return "receiver";
  return `thread(${Object.keys(data).join("+") || "no data"})`;
}

const channel = new BroadcastChannel(CHANNEL);
channel.unref();
let session = null;
let gc = null;
let usedAtStart = 0;
let startedAt = 0;

function post(method, params) {
  return new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
}

channel.onmessage = async ({ data }) => {
  try {
    if (data.op === "start" && !session) {
      session = new Session();
      session.connect();
      await post("HeapProfiler.enable");
      await post("HeapProfiler.startSampling", { samplingInterval: interval, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      gc = new v8.GCProfiler();
      gc.start();
      usedAtStart = v8.getHeapStatistics().used_heap_size;
      startedAt = Date.now();
      channel.postMessage({ op: "started", thread: threadName() });
    } else if (data.op === "stop" && session) {
      const usedAtStop = v8.getHeapStatistics().used_heap_size;
      const gcs = gc.stop();
      const { profile } = await post("HeapProfiler.stopSampling");
      session.disconnect();
      session = null;
      let freed = 0;
      // per kind of collection: how many, their pause on this thread (µs), and for scavenges what they
      // promoted (the old generation's growth: what survives a young collection makes the major ones)
      const byType = {};
      const oldSpaces = (stats) => stats.heapSpaceStatistics.filter((x) => /old|lo_space|code/.test(x.spaceName)).reduce((n, x) => n + x.spaceUsedSize, 0);
      for (const s of gcs.statistics) {
        freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
        const t = (byType[s.gcType.replace("kGCType", "")] ??= { count: 0, costUs: 0, promoted: 0 });
        t.count++;
        t.costUs += s.cost;
        if (s.gcType === "Scavenge") t.promoted += oldSpaces(s.afterGC) - oldSpaces(s.beforeGC);
      }
      const name = threadName();
      const out = { thread: name, threadId, deliveries: data.deliveries, interval, ms: Date.now() - startedAt, allocatedBytes: usedAtStop - usedAtStart + freed, gcs: byType, profile };
      fs.mkdirSync(data.dir, { recursive: true });
      fs.writeFileSync(path.join(data.dir, `${name}-${threadId}.json`), JSON.stringify(out));
      channel.postMessage({ op: "written", thread: name });
    }
  } catch (err) {
    channel.postMessage({ op: "failed", thread: threadName(), error: String(err && err.stack || err) });
  }
};
