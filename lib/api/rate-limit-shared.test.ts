// The rate limits across processes, against a real Redis (127.0.0.1:6379, a key prefix of each test's
// own): two limiters that share Redis, as two web processes behind a balancer do, hold a key to one
// burst between them; without Redis in use the process counts alone; a Redis that is down or goes
// away is no error: each process counts in memory, the log says so once, and Redis is used again
// once it is back.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import net from "node:net";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createSystemApiKey } from "../auth/api-keys";
import { authRateLimitStorage, resetAuthRateLimits } from "../auth/auth-rate-limit";
import { auth } from "../auth/better-auth";
import { env, resetEnv } from "../env";
import { redisUrlInUse } from "../delivery/engine/engine-choice";
import { RateLimiter, sharedBuckets } from "./rate-limit";
import { RedisBuckets } from "./redis-buckets";
import { resetRateLimits, withApi } from "./with-api";

const REDIS_URL = "redis://127.0.0.1:6379";
const opened: RedisBuckets[] = [];
afterEach(() => {
  for (const b of opened.splice(0)) b.close();
});

/** A process's Redis buckets: its own connection, the prefix every process of the install shares. */
function bucketsOf(url: string, prefix: string, options?: { breakerMs?: number }) {
  const buckets = new RedisBuckets(url, prefix, options);
  opened.push(buckets);
  return buckets;
}
const uniquePrefix = () => `hookline-test-rate-${randomBytes(4).toString("hex")}:`;

/** What the app writes to stderr while `fn` runs. */
async function capturingLog<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { result: await fn(), lines };
  } finally {
    process.stderr.write = write;
  }
}

describe("rate limits shared through Redis", () => {
  it("two processes' limiters together allow one key its burst, not one burst each, also at once", async () => {
    const prefix = uniquePrefix();
    const rule = { perSecond: 0.001, burst: 5 };
    const web1 = new RateLimiter("api", rule, bucketsOf(REDIS_URL, prefix));
    const web2 = new RateLimiter("api", rule, bucketsOf(REDIS_URL, prefix));
    const allowed: boolean[] = [];
    for (let i = 0; i < 12; i++) allowed.push((await (i % 2 ? web2 : web1).take("key-1")).ok);
    expect(allowed.filter(Boolean)).toHaveLength(5);
    expect(await web2.take("key-1")).toEqual({ ok: false, retryAfterSeconds: 1000 });
    // another key has its own bucket
    expect((await web2.take("key-2")).ok).toBe(true);
    // requests arriving together at both: the script spends atomically, still exactly the burst
    const together = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? web2 : web1).take("key-3")));
    expect(together.filter((d) => d.ok)).toHaveLength(5);
  });

  it("refills at the rate, on Redis's clock, for every process alike", async () => {
    const prefix = uniquePrefix();
    const rule = { perSecond: 10, burst: 2 };
    const web1 = new RateLimiter("preview", rule, bucketsOf(REDIS_URL, prefix));
    const web2 = new RateLimiter("preview", rule, bucketsOf(REDIS_URL, prefix));
    expect((await web1.take("m")).ok).toBe(true);
    expect((await web2.take("m")).ok).toBe(true);
    expect((await web1.take("m")).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 250));
    expect((await web2.take("m")).ok).toBe(true);
    expect((await web1.take("m")).ok).toBe(true);
    expect((await web2.take("m")).ok).toBe(false);
  });

  it("a bucket expires from Redis once it would be full again (nothing is kept for idle keys)", async () => {
    const prefix = uniquePrefix();
    const buckets = bucketsOf(REDIS_URL, prefix);
    await new RateLimiter("api", { perSecond: 1000, burst: 2 }, buckets).take("k");
    const client = new Redis(REDIS_URL);
    try {
      expect(await client.keys(`${prefix}*`)).toEqual([`${prefix}api:k`]);
      // one token short of full at 1000 a second: expires after a ms and the second of slack
      await new Promise((r) => setTimeout(r, 1200));
      expect(await client.keys(`${prefix}*`)).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it("books a webhook's send times for every worker alike, an interval apart on Redis's clock, none beyond the horizon, and forgets them a second after the last", async () => {
    const prefix = uniquePrefix();
    const worker1 = bucketsOf(REDIS_URL, prefix);
    const worker2 = bucketsOf(REDIS_URL, prefix);
    // both connected first, so that the bookings below reach Redis together
    await Promise.all([worker1.book("send:warm", 1000, 1, 1000), worker2.book("send:warm", 1000, 1, 1000)]);
    // 10 a second: booked together by two workers, the waits are 0, 100, 200 ... ms, less the time each
    // booking reached Redis after the first (a few ms; more on a loaded machine)
    const bookedAt = Date.now();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? worker2 : worker1).book("send:action-1", 10, 1, 1000)));
    // how long the six took to reach Redis: the later ones' waits are less by up to that (a loaded machine)
    const spread = Date.now() - bookedAt;
    expect(answers.map((a) => a?.count)).toEqual([1, 1, 1, 1, 1, 1]);
    const sorted = answers.map((a) => a!.firstWaitMs).sort((a, b) => a - b);
    sorted.forEach((wait, i) => {
      expect(wait, `waits ${sorted.join(", ")} ms`).toBeLessThanOrEqual(100 * i);
      expect(wait, `waits ${sorted.join(", ")} ms`).toBeGreaterThan(100 * i - Math.max(50, spread + 10));
    });
    // several at once: those within the horizon (the next free time is ~600 ms ahead: 700, 800 ... 1000 ms
    // were free, less the time since), then none until the horizon reaches the next free time
    const manyAt = Date.now();
    const many = (await worker1.book("send:action-1", 10, 50, 1000))!;
    // the time since the six were booked moves the horizon on by as much (a slow Redis round trip)
    const since = Date.now() - bookedAt;
    expect(many.count).toBeGreaterThanOrEqual(4);
    expect(many.count).toBeLessThanOrEqual(5 + Math.ceil(since / 100));
    expect(many.firstWaitMs).toBeGreaterThan(500 - since);
    expect(many.firstWaitMs).toBeLessThanOrEqual(600);
    const none = (await worker2.book("send:action-1", 10, 5, 1000))!;
    expect(none.count).toBe(0);
    expect(none.retryInMs).toBeGreaterThan(0);
    expect(none.retryInMs).toBeLessThanOrEqual(100 + (Date.now() - manyAt));
    // another action books its own times
    expect(await worker2.book("send:action-2", 10, 1, 1000)).toEqual({ count: 1, firstWaitMs: 0, retryInMs: 0 });
    const client = new Redis(REDIS_URL);
    try {
      expect((await client.keys(`${prefix}send:action-*`)).sort()).toEqual([`${prefix}send:action-1`, `${prefix}send:action-2`]);
      const ttl = await client.pttl(`${prefix}send:action-2`);
      expect(ttl).toBeGreaterThan(1000);
      expect(ttl).toBeLessThanOrEqual(1100);
    } finally {
      client.disconnect();
    }
    // a Redis that cannot be reached answers nothing: the worker counts in its own memory
    const away = bucketsOf(`redis://127.0.0.1:${await freePort()}`, prefix);
    expect(await away.book("send:action-1", 10, 1, 1000)).toBeNull();
  });

  it("without Redis in use (no REDIS_URL, or SQLite) each process counts in its memory, as before", async () => {
    const saved = { REDIS_URL: process.env.REDIS_URL, DATABASE_URL: process.env.DATABASE_URL };
    try {
      delete process.env.REDIS_URL;
      resetEnv();
      expect(sharedBuckets()).toBeNull();
      const limiter = new RateLimiter("api", { perSecond: 0.001, burst: 3 });
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await limiter.take("k"));
      expect(decisions.map((d) => d.ok)).toEqual([true, true, true, false, false]);
      expect(decisions[3]).toEqual({ ok: false, retryAfterSeconds: 1000 });
      // REDIS_URL on SQLite is not used (deliveries neither): still this process's count
      process.env.REDIS_URL = REDIS_URL;
      process.env.DATABASE_URL = "file:/tmp/not-opened.db";
      resetEnv();
      expect(redisUrlInUse()).toBeNull();
      expect(sharedBuckets()).toBeNull();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetEnv();
    }
  });

  it("a Redis that cannot be reached: the process counts alone, no error, one log line without the password", async () => {
    const port = await freePort();
    const limiter = new RateLimiter("api", { perSecond: 0.001, burst: 3 }, bucketsOf(`redis://:s3cret-pw@127.0.0.1:${port}`, uniquePrefix()));
    const { result, lines } = await capturingLog(async () => {
      const started = Date.now();
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await limiter.take("k"));
      return { decisions, ms: Date.now() - started };
    });
    expect(result.decisions.map((d) => d.ok)).toEqual([true, true, true, false, false, false]);
    // only the first waits for the first connection (1 s at most); the rest answer at once
    expect(result.ms).toBeLessThan(2000);
    const warned = lines.filter((l) => l.includes("Redis unreachable (rate limits)"));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(`127.0.0.1:${port}`);
    expect(lines.join("")).not.toContain("s3cret-pw");
  });

  it("Redis stopped and started again: counts in memory meanwhile, then in Redis again", async () => {
    const port = await freePort();
    let server = await startRedis(port);
    try {
      const prefix = uniquePrefix();
      const rule = { perSecond: 0.001, burst: 2 };
      // a short breaker: after a failure a process asks Redis again 1 s later (5 s in the app)
      const web1 = new RateLimiter("api", rule, bucketsOf(`redis://127.0.0.1:${port}`, prefix, { breakerMs: 1000 }));
      const web2 = new RateLimiter("api", rule, bucketsOf(`redis://127.0.0.1:${port}`, prefix, { breakerMs: 1000 }));
      expect((await web1.take("k")).ok).toBe(true);
      expect((await web2.take("k")).ok).toBe(true);
      expect((await web1.take("k")).ok).toBe(false);

      await stopRedis(server);
      const away = await capturingLog(async () => {
        const decisions = [];
        for (let i = 0; i < 4; i++) decisions.push(await web1.take("k"));
        return decisions;
      });
      // web1's own bucket, untouched so far: its burst, then refused (fail open to the local limit)
      expect(away.result.map((d) => d.ok)).toEqual([true, true, false, false]);
      expect(away.lines.filter((l) => l.includes("Redis unreachable (rate limits)"))).toHaveLength(1);

      server = await startRedis(port);
      const back = await capturingLog(async () => {
        // the connection comes back by itself (a retry every 2 s at most): shared again once a key's
        // two requests at web1 leave none for web2
        const deadline = Date.now() + 8000;
        for (let i = 0; Date.now() < deadline; i++) {
          await new Promise((r) => setTimeout(r, 100));
          await web1.take(`probe-${i}`);
          await web1.take(`probe-${i}`);
          if (!(await web2.take(`probe-${i}`)).ok) break;
        }
        // the new server holds no bucket: "fresh" gets its burst once between both processes
        return [await web1.take("fresh"), await web2.take("fresh"), await web1.take("fresh")];
      });
      expect(back.result.map((d) => d.ok)).toEqual([true, true, false]);
      expect(back.lines.filter((l) => l.includes("Redis reachable again (rate limits)")).length).toBeGreaterThanOrEqual(1);
    } finally {
      await stopRedis(server);
    }
  }, 20_000);
});

// A Redis that hangs (a connection that stays open while nothing answers: a stalled server, a network
// that drops packets) cost every limited request the command timeout (0.5 s). After one timeout the
// process counts in memory without asking Redis for a while (the breaker), then tries it again.
describe("a Redis that hangs", () => {
  it("a server that accepts and never answers: only the first request waits, the next ones answer at once", async () => {
    const silent = await silentServer();
    try {
      const limiter = new RateLimiter("api", { perSecond: 0.001, burst: 3 }, bucketsOf(`redis://127.0.0.1:${silent.port}`, uniquePrefix()));
      const { result, lines } = await capturingLog(async () => {
        const timed = [];
        for (let i = 0; i < 6; i++) timed.push(await timedTake(limiter, "k"));
        return timed;
      });
      expect(result.map((t) => t.decision.ok)).toEqual([true, true, true, false, false, false]);
      // the first waits for the first connection (1 s at most), the rest a few ms
      expect(result[0]!.ms).toBeLessThan(1300);
      for (const t of result.slice(1)) expect(t.ms).toBeLessThan(50);
      expect(lines.filter((l) => l.includes("Redis unreachable (rate limits)"))).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it("Redis stops answering once connected: one request waits the timeout, the next ones skip Redis until the window ends, then it is tried again", async () => {
    const proxy = await stallingProxy(6379);
    try {
      const prefix = uniquePrefix();
      const rule = { perSecond: 0.001, burst: 3 };
      const limiter = new RateLimiter("api", rule, bucketsOf(`redis://127.0.0.1:${proxy.port}`, prefix, { breakerMs: 1000 }));
      expect((await limiter.take("before")).ok).toBe(true);
      proxy.stall();
      const sent = proxy.commandsFor(prefix);
      const away = await capturingLog(async () => {
        const timed = [];
        for (let i = 0; i < 5; i++) timed.push(await timedTake(limiter, "k"));
        return { timed, asked: proxy.commandsFor(prefix) };
      });
      const [first, ...rest] = away.result.timed;
      // the first waits for the command timeout (0.5 s) and counts in memory
      expect(first!.ms).toBeGreaterThanOrEqual(450);
      expect(first!.ms).toBeLessThan(900);
      // the next ones, within the window, never ask Redis: a few ms each, on this process's buckets
      for (const t of rest) expect(t.ms).toBeLessThan(50);
      expect(away.result.timed.map((t) => t.decision.ok)).toEqual([true, true, true, false, false]);
      expect(away.result.asked).toBe(sent + 1);
      expect(away.lines.filter((l) => l.includes("Redis unreachable (rate limits)"))).toHaveLength(1);

      // after the window Redis is asked again (and, still stalled, costs that one request the timeout)
      await new Promise((r) => setTimeout(r, 1100));
      const retried = await capturingLog(() => timedTake(limiter, "k"));
      expect(proxy.commandsFor(prefix)).toBe(sent + 2);
      expect(retried.result.ms).toBeGreaterThanOrEqual(450);
      expect(retried.lines.filter((l) => l.includes("Redis unreachable"))).toHaveLength(0);

      // Redis answers again (the stalled commands too, late): after the next window, counted in Redis
      proxy.release();
      await new Promise((r) => setTimeout(r, 1100));
      const back = await capturingLog(() => timedTake(limiter, "after"));
      expect(back.result.decision.ok).toBe(true);
      expect(back.result.ms).toBeLessThan(200);
      expect(back.lines.filter((l) => l.includes("Redis reachable again (rate limits)"))).toHaveLength(1);
      const client = new Redis(REDIS_URL);
      try {
        expect(await client.exists(`${prefix}api:after`)).toBe(1);
      } finally {
        client.disconnect();
      }
    } finally {
      await proxy.close();
    }
  }, 15_000);
});

// The app's own limits go through the shared store when the install uses Redis (the PostgreSQL run
// with REDIS_URL): another process spending a key's requests leaves this one only the rest.
describe.runIf(redisUrlInUse())("the app's limits with Redis in use", () => {
  it("withApi: another web process's requests count against the same key", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { HOOKLINE_API_RATE_LIMIT: "0.001", HOOKLINE_API_RATE_BURST: "3", HOOKLINE_QUEUE_PREFIX: uniquePrefix().slice(0, -1) });
    resetEnv();
    await resetRateLimits();
    try {
      const { key, apiKey } = await createSystemApiKey({ name: "rate", role: "viewer" });
      const otherProcess = new RateLimiter("api", { perSecond: 0.001, burst: 3 }, bucketsOf(redisUrlInUse()!, `${env().HOOKLINE_QUEUE_PREFIX}:rate:`));
      expect((await otherProcess.take(apiKey.id)).ok).toBe(true);
      expect((await otherProcess.take(apiKey.id)).ok).toBe(true);
      const route = withApi({ role: "viewer" }, async () => ({ ok: true }));
      const call = () => route(new Request("http://127.0.0.1/api/v1/x", { headers: { authorization: `Bearer ${key}` } }));
      expect((await call()).status).toBe(200);
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("1000");
    } finally {
      process.env = saved;
      resetEnv();
      await resetRateLimits();
    }
  });

  it("better-auth's per-address limit: one count for every process", async () => {
    await resetAuthRateLimits();
    const rule = { window: 10, max: 3 };
    const key = `203.0.113.${Math.floor(Math.random() * 250)}|/sign-in/email|${randomBytes(4).toString("hex")}`;
    const otherProcess = new RateLimiter("auth:3/10s", { perSecond: 0.3, burst: 3 }, bucketsOf(redisUrlInUse()!, `${env().HOOKLINE_QUEUE_PREFIX}:rate:`));
    expect((await otherProcess.take(key)).ok).toBe(true);
    expect((await otherProcess.take(key)).ok).toBe(true);
    expect(await authRateLimitStorage.consume(key, rule)).toEqual({ allowed: true, retryAfter: null });
    expect(await authRateLimitStorage.consume(key, rule)).toEqual({ allowed: false, retryAfter: 4 });
  });
});

describe("better-auth's limiter", () => {
  it("counts in the store every limit goes through: max per window, then refused with the wait", async () => {
    expect(auth().options.rateLimit?.customStorage).toBe(authRateLimitStorage);
    await resetAuthRateLimits();
    const key = `198.51.100.7|/sign-in/email|${randomBytes(4).toString("hex")}`;
    const rule = { window: 10, max: 3 };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await authRateLimitStorage.consume(key, rule));
    expect(answers.map((a) => a.allowed)).toEqual([true, true, true, false]);
    // 3 per 10 s: one more in 10/3 s
    expect(answers[3]).toEqual({ allowed: false, retryAfter: 4 });
    expect((await authRateLimitStorage.consume(`${key}-other`, rule)).allowed).toBe(true);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, "close");
  return port;
}

/** A Redis of the test's own on `port` (no persistence), ready when it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const deadline = Date.now() + 5000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    if (up) return child;
    if (Date.now() > deadline) throw new Error("redis-server did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopRedis(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGKILL");
  await once(child, "exit");
}

async function timedTake(limiter: RateLimiter, key: string) {
  const started = performance.now();
  const decision = await limiter.take(key);
  return { decision, ms: performance.now() - started };
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers. */
async function silentServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

/**
 * A TCP proxy on 127.0.0.1 to the Redis on `targetPort`. stall() holds what clients send from then on
 * (the connection stays open, nothing is answered: a Redis that hangs); release() passes it on, so
 * Redis answers the held commands late and in order, as a Redis that was only slow would.
 */
async function stallingProxy(targetPort: number) {
  let stalled = false;
  let received = "";
  const held: { upstream: net.Socket; chunk: Buffer }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => (sockets.delete(s), client.destroy(), upstream.destroy()));
    }
    upstream.pipe(client);
    client.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (stalled) held.push({ upstream, chunk });
      else upstream.write(chunk);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as net.AddressInfo).port,
    stall: () => void (stalled = true),
    release() {
      stalled = false;
      for (const { upstream, chunk } of held.splice(0)) upstream.write(chunk);
    },
    /** How many commands clients sent naming a key under `prefix` (each take names its bucket once). */
    commandsFor: (prefix: string) => received.split(prefix).length - 1,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, "close");
    },
  };
}
