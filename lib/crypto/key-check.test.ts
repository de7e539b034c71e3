// Scale-out on several machines without HOOKLINE_SECRET_KEY: each process generated its own key
// into its data directory and started, so a worker could open no secret a web process sealed and a web
// process accepted no session another made. A start (npm start, npm run worker: prepareInstall) with
// a key other than the install's now stops with a line saying so; the key rotation moves the install on.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareInstall } from "../bootstrap";
import { db } from "../db";
import { resetEnv } from "../env";
import { KEY_CHECK_SETTING } from "./key-check";
import { rotateSecretKey } from "./rotate-key";
import { encryptSecret, parseKey, resetSecretKey } from "./secret-box";

const original = { key: process.env.HOOKLINE_SECRET_KEY, dataDir: process.env.HOOKLINE_DATA_DIR };

/** this process as another machine would start it: another key, or none (one generated in another data directory) */
function startAs(key: string | null) {
  if (key) process.env.HOOKLINE_SECRET_KEY = key;
  else {
    delete process.env.HOOKLINE_SECRET_KEY;
    process.env.HOOKLINE_DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "hookline-key-"));
  }
  resetEnv();
  resetSecretKey();
}

afterEach(async () => {
  process.env.HOOKLINE_SECRET_KEY = original.key;
  process.env.HOOKLINE_DATA_DIR = original.dataDir;
  resetEnv();
  resetSecretKey();
  await db().setting.deleteMany({ where: { key: KEY_CHECK_SETTING } });
  await db().campaign.deleteMany({});
});

describe("every process of an install holds the same secret key", () => {
  it("a start with another key, or a generated one, stops naming HOOKLINE_SECRET_KEY; the same key starts", async () => {
    await prepareInstall({ seed: false });
    startAs(randomBytes(32).toString("base64"));
    await expect(prepareInstall({ seed: false })).rejects.toThrow(
      /^HOOKLINE_SECRET_KEY is not the key this database's secrets are encrypted with: give every web process and worker the same HOOKLINE_SECRET_KEY/,
    );
    startAs(null);
    await expect(prepareInstall({ seed: false })).rejects.toThrow(/^the key generated in .*secret\.key is not the key this database's secrets are encrypted with/);
    startAs(original.key!);
    await expect(prepareInstall({ seed: false })).resolves.toBeUndefined();
  });

  it("an install from before the check: its stored secrets decide which key may start, and it is recorded", async () => {
    await db().campaign.create({
      data: { name: "c", deliveryRule: { when: "immediate" }, actions: { create: { urlTemplate: "https://x.example/h", signingSecretEnc: encryptSecret("whsec_x", parseKey(original.key!)), fields: [], headers: [] } } },
    });
    startAs(randomBytes(32).toString("hex"));
    await expect(prepareInstall({ seed: false })).rejects.toThrow(/is not the key this database's secrets are encrypted with/);
    expect(await db().setting.findUnique({ where: { key: KEY_CHECK_SETTING } })).toBeNull();
    startAs(original.key!);
    await prepareInstall({ seed: false });
    expect(await db().setting.findUnique({ where: { key: KEY_CHECK_SETTING } })).not.toBeNull();
  });

  it("after npm run rotate-secret-key, the new key starts and the old one does not", async () => {
    await prepareInstall({ seed: false });
    const next = randomBytes(32);
    await rotateSecretKey(parseKey(original.key!), next);
    await expect(prepareInstall({ seed: false })).rejects.toThrow(/is not the key this database's secrets are encrypted with/);
    startAs(next.toString("base64"));
    await expect(prepareInstall({ seed: false })).resolves.toBeUndefined();
  });
});
