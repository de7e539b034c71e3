// What the stand-alone profiling scripts (embedded-engine-profile.ts, fan-out-profile.ts) share: an
// install of their own (set before any module of lib/ reads the environment, so import this first and
// lib/ afterwards, dynamically) and a CPU profile of the phase they measure, for
// `npx tsx bench/profile-summary.ts file 30`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";

/** A fresh data directory and secret key, loopback receivers allowed, no demo data, no engine of the app's own. */
export function isolateBenchEnv(name: string) {
  Object.assign(process.env, {
    HOOKLINE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), `hookline-${name}-`)),
    HOOKLINE_ALLOWED_HOSTS: "127.0.0.1",
    HOOKLINE_SECRET_KEY: randomBytes(32).toString("base64"),
    HOOKLINE_LOG_LEVEL: "warn",
    HOOKLINE_DEMO_SEED: "0",
    HOOKLINE_EMBEDDED_WORKER: "0",
  });
}

/** `--profile <file>` of the command line: start() and stop() bracket the phase profiled; without it both do nothing. */
export function phaseProfiler(argv: string[] = process.argv) {
  const at = argv.indexOf("--profile");
  const file = at >= 0 ? argv[at + 1] : undefined;
  const session = new Session();
  return {
    async start() {
      if (!file) return;
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 200 });
      await session.post("Profiler.start");
    },
    async stop() {
      if (!file) return;
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}
