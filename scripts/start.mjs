// npm start: prepare the database, build the app if its sources changed, then serve it on PORT.
// npm run dev: the same with `next dev`.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dev = process.argv.includes("--dev");
const port = process.env.PORT || "3000";
const distDir = process.env.HOOKLINE_DIST_DIR || ".next";
process.env.NEXT_TELEMETRY_DISABLED = "1";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// A digest of everything that goes into the build, so a stale build is rebuilt and a fresh one kept.
function sourceDigest() {
  const hash = createHash("sha256");
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (["node_modules", ".next", "generated"].includes(entry.name) || entry.name.startsWith(".next")) continue;
        walk(p);
      } else if (/\.(tsx?|css|mjs|json)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
        hash.update(p).update(String(statSync(p).size)).update(readFileSync(p));
      }
    }
  };
  for (const d of ["app", "components", "lib", "prisma"]) walk(path.join(root, d));
  for (const f of ["next.config.ts", "package.json", "package-lock.json", "postcss.config.mjs", "instrumentation.ts"]) {
    const p = path.join(root, f);
    if (existsSync(p)) hash.update(f).update(readFileSync(p));
  }
  return hash.digest("hex");
}

run(process.execPath, ["--import", "tsx", "scripts/prepare.ts"]);

const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
if (!dev) {
  const stamp = path.join(root, distDir, "hookline-source-digest");
  const digest = sourceDigest();
  const built = existsSync(path.join(root, distDir, "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === digest;
  if (!built) {
    console.log("Building Hookline (first start or changed sources)...");
    run(process.execPath, [nextBin, "build"]);
    writeFileSync(stamp, digest);
  }
}

const child = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", port], {
  cwd: root,
  stdio: "inherit",
  env: process.env,
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
