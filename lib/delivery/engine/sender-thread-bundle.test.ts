import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { currentSenderThreadBundle, digestInputs, senderThreadBundlePaths } from "./sender-thread-bundle";

describe("the sender thread's bundle", () => {
  it("is used only while its sources are the ones it was built from", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "hookline-bundle-"));
    const { dir, file, manifest } = senderThreadBundlePaths(root);
    expect(currentSenderThreadBundle(root)).toBeNull();
    mkdirSync(path.join(root, "lib"));
    writeFileSync(path.join(root, "lib/send.ts"), "export const a = 1;");
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, "export {};");
    writeFileSync(manifest, JSON.stringify({ inputs: digestInputs(root, ["lib/send.ts"]) }));
    expect(currentSenderThreadBundle(root)).toBe(file);
    writeFileSync(path.join(root, "lib/send.ts"), "export const a = 2;");
    expect(currentSenderThreadBundle(root)).toBeNull();
  });
});
