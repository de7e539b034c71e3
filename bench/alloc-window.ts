// `--alloc <dir>` of figure 7: start() and stop() bracket the counted runs for bench/alloc-probe.cjs,
// which must be loaded into every thread (NODE_OPTIONS="--require ./bench/alloc-probe.cjs"); each
// thread writes <dir>/<case>/<thread>-<id>.json. Without --alloc both do nothing.
import { BroadcastChannel } from "node:worker_threads";
import path from "node:path";

const CHANNEL = "hookline-alloc-probe";

export function allocWindow(argv: string[] = process.argv) {
  const at = argv.indexOf("--alloc");
  const dir = at >= 0 ? path.resolve(argv[at + 1]!) : undefined;
  // the threads whose probe started: stop() waits for each of them to write
  let started = 0;
  let listening: BroadcastChannel | null = null;
  return {
    async start() {
      if (!dir) return;
      started = 0;
      listening = new BroadcastChannel(CHANNEL);
      listening.onmessage = (event) => {
        if (((event as { data: unknown }).data as { op: string }).op === "started") started++;
      };
      const channel = new BroadcastChannel(CHANNEL);
      channel.postMessage({ op: "start" });
      channel.close();
      // every thread's probe answers within a turn or two of its event loop
      await new Promise((resolve) => setTimeout(resolve, 500));
    },
    /**
     * Each thread writes <dir>/<sub>/<thread>-<id>.json, with `deliveries` (the counted runs'); resolves once
     * every thread has (or after 30 s).
     */
    async stop(sub: string, deliveries: number) {
      if (!dir) return;
      listening?.close();
      const threads = started;
      const channel = new BroadcastChannel(CHANNEL);
      const written = new Promise<void>((resolve) => {
        let n = 0;
        const timer = setTimeout(resolve, 30_000);
        channel.onmessage = (event) => {
          const data = (event as { data: unknown }).data as { op: string; thread: string; error?: string };
          if (data.op === "failed") process.stderr.write(`alloc probe failed in ${data.thread}: ${data.error}\n`);
          if (++n === threads) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      channel.postMessage({ op: "stop", dir: path.join(dir, sub), deliveries });
      await written;
      channel.close();
    },
  };
}
