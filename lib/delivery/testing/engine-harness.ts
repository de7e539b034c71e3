// The set-up an engine test file shares: a receiver on 127.0.0.1 for the whole file, and the embedded
// engine a test starts (the app's delivery queue while it runs), stopped after each test.
import { afterAll, afterEach, beforeAll } from "vitest";
import { db } from "../../db";
import type { DeliveryDeps } from "../engine/deps";
import { EmbeddedEngine, type EmbeddedEngineOptions } from "../engine/embedded-engine";
import { setDeliveryQueue } from "../engine/queue";
import { testDeliveryDeps } from "./deps";
import { startReceiver } from "./receiver";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A small engine that looks for due rows often: what most engine tests want. */
const SMALL_ENGINE: EmbeddedEngineOptions = { concurrency: 2, hostConcurrency: 2, leaseMs: 30_000, idlePollMs: 50 };

/** Registers the file's hooks (call it at the top level of a test file); read `receiver` inside tests. */
export function engineHarness(respond?: Parameters<typeof startReceiver>[0]) {
  let receiver: Receiver | null = null;
  let engine: EmbeddedEngine | null = null;
  beforeAll(async () => {
    receiver = await startReceiver(respond);
  });
  afterAll(async () => receiver?.close());
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    setDeliveryQueue(null);
  });
  return {
    get receiver(): Receiver {
      if (!receiver) throw new Error("the receiver starts in beforeAll");
      return receiver;
    },
    /** Starts the test's engine (with test deps and `deps` over them) as the app's delivery queue. */
    async startEngine(deps: Partial<DeliveryDeps> = {}, options: Partial<EmbeddedEngineOptions> = {}): Promise<EmbeddedEngine> {
      engine = new EmbeddedEngine(db(), await testDeliveryDeps(deps), { ...SMALL_ENGINE, ...options });
      setDeliveryQueue(engine);
      await engine.start();
      return engine;
    },
  };
}
