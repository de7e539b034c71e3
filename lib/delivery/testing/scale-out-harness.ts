// The set-up a scale-out engine test file shares (PostgreSQL and Redis): a Redis prefix of its own, a
// receiver on 127.0.0.1, the web process's producer as the app's delivery queue, a Redis connection to
// look with, and the worker engines a test starts, stopped after each test. Afterwards nothing of the
// prefix is left in the shared Redis (the tick's scheduler, wake jobs, rate limits' bookings).
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll } from "vitest";
import { db } from "../../db";
import { resetEnv } from "../../env";
import { dueChannel, queuePrefix, SIGNALS_QUEUE } from "../engine/bullmq/connection";
import { BullmqProducer, BullmqWorkerEngine, type BullmqWorkerOptions } from "../engine/bullmq/engine";
import type { DeliveryDeps } from "../engine/deps";
import { setDeliveryQueue } from "../engine/queue";
import { testDeliveryDeps } from "./deps";
import { startReceiver, waitFor } from "./receiver";

export const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? "");
export const TEST_REDIS_URL = process.env.HOOKLINE_TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Registers the hooks (call it inside the file's describe.skipIf(!onPostgres)); read the fields inside tests. */
export function scaleOutHarness() {
  const saved = { REDIS_URL: process.env.REDIS_URL, HOOKLINE_QUEUE_PREFIX: process.env.HOOKLINE_QUEUE_PREFIX };
  let receiver: Receiver | null = null;
  let producer: BullmqProducer | null = null;
  let probe: Redis | null = null;
  const workers: BullmqWorkerEngine[] = [];

  beforeAll(async () => {
    Object.assign(process.env, { REDIS_URL: TEST_REDIS_URL, HOOKLINE_QUEUE_PREFIX: `hookline-test-${randomBytes(4).toString("hex")}` });
    resetEnv();
    receiver = await startReceiver(() => ({ status: 200 }));
    producer = new BullmqProducer();
    await producer.start();
    setDeliveryQueue(producer);
    probe = new Redis(TEST_REDIS_URL);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  afterAll(async () => {
    // the test's prefix is its own: leave no scheduler, job or booking behind in a shared Redis
    const queue = new Queue(SIGNALS_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: queuePrefix() });
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    const keys = (await probe?.keys(`${queuePrefix()}:*`)) ?? [];
    if (keys.length) await probe!.unlink(...keys);
    setDeliveryQueue(null);
    await producer?.stop();
    probe?.disconnect();
    await receiver?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnv();
  });

  const started = <T>(value: T | null, what: string): T => {
    if (!value) throw new Error(`the ${what} starts in beforeAll`);
    return value;
  };

  return {
    get receiver(): Receiver {
      return started(receiver, "receiver");
    },
    /** a Redis connection of the test's own */
    get probe(): Redis {
      return started(probe, "probe");
    },
    /** the workers started and not yet stopped */
    workers,
    /** Starts a worker engine (test deps unless `deps`); stopped after the test unless stopWorker() did first. */
    async startWorker(options: Partial<BullmqWorkerOptions>, deps?: DeliveryDeps): Promise<BullmqWorkerEngine> {
      const worker = new BullmqWorkerEngine(db(), deps ?? (await testDeliveryDeps()), options);
      await worker.start();
      workers.push(worker);
      return worker;
    },
    async stopWorker(worker: BullmqWorkerEngine) {
      workers.splice(workers.indexOf(worker), 1);
      await worker.stop();
    },
    /** Resolves once `n` workers listen for wake-ups. */
    async subscribed(n: number) {
      await waitFor(async () => ((await started(probe, "probe").pubsub("NUMSUB", dueChannel())) as [string, number])[1] >= n, 10_000, 20);
    },
  };
}
