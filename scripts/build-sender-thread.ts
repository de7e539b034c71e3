// Writes the sender thread's bundle (lib/delivery/engine/sender-thread-bundle.ts says why): ES modules
// with the npm packages left as imports, and the digests of the sources they were made from. Run by
// scripts/build.mjs and scripts/start.mjs (`node --import tsx scripts/build-sender-thread.ts`);
// `--if-stale` keeps a bundle that matches the sources.
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { currentSenderThreadBundle, digestInputs, SENDER_THREAD_SOURCE, senderThreadBundlePaths, type SenderThreadBundleManifest } from "../lib/delivery/engine/sender-thread-bundle";

const root = path.resolve(import.meta.dirname, "..");
if (process.argv.includes("--if-stale") && currentSenderThreadBundle(root)) process.exit(0);
const { dir, file, manifest } = senderThreadBundlePaths(root);
const next = `${dir}.${process.pid}`;
const result = await build({
  absWorkingDir: root,
  entryPoints: [{ in: SENDER_THREAD_SOURCE, out: path.basename(file, ".mjs") }],
  outdir: next,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // what the thread imports only when called (the database client, behind allowed-destinations'
  // dynamic imports) stays in chunks of its own, not loaded by a thread that never opens the database
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  metafile: true,
  logLevel: "warning",
});
const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith("node_modules/"));
writeFileSync(path.join(next, path.basename(manifest)), JSON.stringify({ inputs: digestInputs(root, inputs) } satisfies SenderThreadBundleManifest, null, 1));
if (existsSync(dir)) rmSync(dir, { recursive: true });
renameSync(next, dir);
