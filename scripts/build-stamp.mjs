// Whether the Next.js build in HOOKLINE_DIST_DIR (default .next) matches the sources: a digest of
// everything that goes into the build, stamped beside it, so a stale build is rebuilt and a fresh one kept.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const distDir = () => process.env.HOOKLINE_DIST_DIR || ".next";
const stampFile = () => path.join(root, distDir(), "hookline-source-digest");

export function sourceDigest() {
  const hash = createHash("sha256");
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (["node_modules", "generated"].includes(entry.name) || entry.name.startsWith(".next")) continue;
        walk(p);
      } else if (/\.(tsx?|css|mjs|json)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
        hash.update(path.relative(root, p)).update(String(statSync(p).size)).update(readFileSync(p));
      }
    }
  };
  for (const d of ["app", "components", "lib", "prisma", "public"]) walk(path.join(root, d));
  for (const f of ["next.config.ts", "proxy.ts", "instrumentation.ts", "package.json", "package-lock.json", "postcss.config.mjs"]) {
    const p = path.join(root, f);
    if (existsSync(p)) hash.update(f).update(readFileSync(p));
  }
  return hash.digest("hex");
}

export function buildIsCurrent() {
  return existsSync(path.join(root, distDir(), "BUILD_ID")) && existsSync(stampFile()) && readFileSync(stampFile(), "utf8") === sourceDigest();
}

/** After a successful `next build`, with the digest taken before it started. */
export function stampBuild(digest) {
  writeFileSync(stampFile(), digest);
}
