// Figure 1: the raw HTTP limit. A tuned undici client POSTs the typical action's bodies to the
// receiver process as fast as it can; the best of a few pool shapes is the limit every delivery
// figure is divided by.
import { Pool } from "undici";
import { cpuMs } from "../process-stats";
import type { Receiver } from "../receiver/control";
import { sampleRequests } from "../requests";
import { round } from "../stats";

export type RawShape = { connections: number; pipelining: number };
export type RawResult = {
  postsPerSecond: number;
  best: RawShape;
  tried: (RawShape & { postsPerSecond: number })[];
  bodyBytes: number;
  bodies: string;
  receiverCpuPct: number;
  clientCpuPct: number;
};

async function blast(receiver: Receiver, shape: RawShape, seconds: number, requests: { path: string; headers: string[]; body: string }[]) {
  const pool = new Pool(`http://127.0.0.1:${receiver.port}`, {
    connections: shape.connections,
    pipelining: shape.pipelining,
    keepAliveTimeout: 30_000,
  });
  const inFlight = shape.connections * shape.pipelining;
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let stop = false;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const rcpu0 = cpuMs(receiver.pid) ?? 0;
  const lane = async () => {
    while (!stop) {
      const r = requests[sent++ % requests.length];
      try {
        const res = await pool.request({ path: r.path, method: "POST", headers: r.headers, body: r.body });
        await res.body.dump();
        if (res.statusCode === 200) ok++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  const timer = setTimeout(() => (stop = true), seconds * 1000);
  await Promise.all(Array.from({ length: inFlight }, lane));
  clearTimeout(timer);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rcpu = (cpuMs(receiver.pid) ?? 0) - rcpu0;
  await pool.close();
  if (errors > ok / 100) throw new Error(`raw HTTP run had ${errors} errors for ${ok} successes`);
  return {
    postsPerSecond: ok / elapsed,
    clientCpuPct: ((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100,
    receiverCpuPct: (rcpu / (elapsed * 1000)) * 100,
  };
}

export async function measureRawLimit(receiver: Receiver, options: { quick: boolean }): Promise<RawResult> {
  const { requests: built, source } = await sampleRequests(receiver.port, 1000);
  const requests = built.map((r) => {
    const u = new URL(r.url);
    return { path: u.pathname + u.search, headers: r.headers.flat(), body: r.body ?? "" };
  });
  const shapes: RawShape[] = options.quick
    ? [
        { connections: 8, pipelining: 1 },
        { connections: 32, pipelining: 10 },
      ]
    : [
        { connections: 4, pipelining: 1 },
        { connections: 16, pipelining: 1 },
        { connections: 50, pipelining: 1 },
        { connections: 8, pipelining: 10 },
        { connections: 16, pipelining: 4 },
        { connections: 32, pipelining: 10 },
      ];
  const seconds = options.quick ? 1.5 : 5;
  // warm both sides (JIT, sockets) before measuring
  await blast(receiver, { connections: 8, pipelining: 1 }, 1, requests);
  const tried: RawResult["tried"] = [];
  let bestRun: Awaited<ReturnType<typeof blast>> | null = null;
  let best = shapes[0];
  for (const shape of shapes) {
    const run = await blast(receiver, shape, seconds, requests);
    tried.push({ ...shape, postsPerSecond: round(run.postsPerSecond) });
    if (!bestRun || run.postsPerSecond > bestRun.postsPerSecond) {
      bestRun = run;
      best = shape;
    }
  }
  return {
    postsPerSecond: round(bestRun!.postsPerSecond),
    best,
    tried,
    bodyBytes: Math.round(requests.reduce((s, r) => s + Buffer.byteLength(r.body), 0) / requests.length),
    bodies: source,
    receiverCpuPct: round(bestRun!.receiverCpuPct),
    clientCpuPct: round(bestRun!.clientCpuPct),
  };
}
