// npm run build: prepare the Prisma clients and the sender thread's bundle, and build the Next.js app
// into HOOKLINE_DIST_DIR (default .next), stamped with the sources' digest so that `npm start` serves it without building again.
// `--if-stale` skips the build when the stamp matches; `--postinstall` (npm install runs it) does not
// fail the install when the build fails: `npm start` builds again and shows the error.
import { spawnSync } from "node:child_process";
import { buildIsCurrent, root, sourceDigest, stampBuild } from "./build-stamp.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const postinstall = process.argv.includes("--postinstall");
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: process.env }).status === 0;

if (!run(["scripts/prisma.mjs", "generate"])) process.exit(1);
// without it the sender thread still works, compiling its sources through tsx (and using more memory)
if (!run(["--import", "tsx", "scripts/build-sender-thread.ts"])) console.warn("The sender thread's bundle could not be built; the thread will load its sources through tsx.");
if ((postinstall || process.argv.includes("--if-stale")) && buildIsCurrent()) process.exit(0);
if (postinstall) console.log("Building Hookline once, so that `npm start` and `npm run bench` start at once...");
const digest = sourceDigest();
if (run(["node_modules/next/dist/bin/next", "build"])) {
  stampBuild(digest);
} else if (postinstall) {
  console.warn("The build failed; `npm start` will build again and show why.");
} else {
  process.exit(1);
}
