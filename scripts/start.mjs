// npm start: prepare the database, build the app if its sources changed, then serve it on PORT.
// npm run dev: the same with `next dev`.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { buildIsCurrent, root, sourceDigest, stampBuild } from "./build-stamp.mjs";
import { serverEnv, serverNodeFlags } from "./server-flags.mjs";

const dev = process.argv.includes("--dev");
const port = process.env.PORT || "3000";
process.env.NEXT_TELEMETRY_DISABLED = "1";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(process.execPath, ["--import", "tsx", "scripts/prepare.ts"]);
// the sender thread's bundle, when its sources changed (lib/delivery/engine/sender-thread-bundle.ts);
// without it the thread compiles its sources through tsx
spawnSync(process.execPath, ["--import", "tsx", "scripts/build-sender-thread.ts", "--if-stale"], { cwd: root, stdio: "inherit", env: process.env });

const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
if (!dev) {
  if (!buildIsCurrent()) {
    console.log("Building Hookline (first start or changed sources)...");
    const digest = sourceDigest();
    run(process.execPath, [nextBin, "build"]);
    stampBuild(digest);
  }
}

const child = spawn(process.execPath, [...serverNodeFlags(), nextBin, dev ? "dev" : "start", "-p", port], {
  cwd: root,
  stdio: "inherit",
  env: serverEnv(),
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
