// Helpers for the storage drills: read-only and full file systems made for real (a read-only bind
// mount, a tiny tmpfs) when the test may mount, or by permissions when it does not run as root.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];

function sh(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { encoding: "utf8", timeout: 10_000 }).status === 0;
}

export function tempDir(label: string) {
  return mkdtempSync(path.join(os.tmpdir(), `hookline-drill-${label}-`));
}

/** makes dir read-only for this process; returns a reason when it cannot */
export function makeReadOnly(dir: string): string | null {
  if (isRoot) {
    if (sh("mount", ["--bind", dir, dir]) && sh("mount", ["-o", "remount,bind,ro", dir])) {
      mounts.push(dir);
      return null;
    }
    return "running as root without permission to mount: chmod does not stop root from writing";
  }
  chmodSync(dir, 0o555);
  for (const f of ["hookline.db", "secret.key"]) {
    try {
      chmodSync(path.join(dir, f), 0o444);
    } catch {
      // not there
    }
  }
  return null;
}

/** a file system of `kb` kilobytes mounted on a new directory, or a reason why not */
export function tinyFileSystem(kb: number): { dir: string } | { skip: string } {
  const dir = tempDir("full");
  if (!isRoot) return { skip: "mounting a small tmpfs needs root" };
  if (!sh("mount", ["-t", "tmpfs", "-o", `size=${kb}k`, "tmpfs", dir])) return { skip: "this machine does not allow mounting a tmpfs" };
  mounts.push(dir);
  return { dir };
}

/** a path whose parent is a regular file: no user, root included, can create it */
export function impossibleDir() {
  const file = path.join(tempDir("file"), "not-a-directory");
  writeFileSync(file, "");
  return path.join(file, "data");
}

export function unmountAll() {
  for (const dir of mounts.splice(0).reverse()) sh("umount", ["-l", dir]);
}
