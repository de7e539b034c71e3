// The sender thread's prebuilt bundle: `npm run build` (so npm install, and npm start when sources
// changed) writes sender-thread.ts and what it imports as plain ES modules into .hookline/, with the
// digests of its sources. The thread then loads that file instead of compiling TypeScript
// through tsx at run time, which cost a module-loader thread, an esbuild process and the compiler's
// caches (about 60 MiB of RSS). A bundle whose sources changed since is not used: tsx again.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const SENDER_THREAD_SOURCE = "lib/delivery/engine/sender-thread.ts";

export type SenderThreadBundleManifest = { inputs: Record<string, string> };

export function senderThreadBundlePaths(root: string) {
  const dir = path.join(root, ".hookline", "sender-thread");
  return { dir, file: path.join(dir, "sender-thread.mjs"), manifest: path.join(dir, "inputs.json") };
}

/** sha256 of each input (paths relative to root) */
export function digestInputs(root: string, inputs: string[]): Record<string, string> {
  return Object.fromEntries(inputs.map((p) => [p, createHash("sha256").update(readFileSync(path.join(root, p))).digest("hex")]));
}

/** The bundle's path when it was built from the sources as they are now, else null. */
export function currentSenderThreadBundle(root: string): string | null {
  const { file, manifest } = senderThreadBundlePaths(root);
  try {
    const { inputs } = JSON.parse(readFileSync(manifest, "utf8")) as SenderThreadBundleManifest;
    const now = digestInputs(root, Object.keys(inputs));
    return Object.keys(inputs).every((p) => now[p] === inputs[p]) && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}
