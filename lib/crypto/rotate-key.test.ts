import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { decryptSecret, encryptSecret } from "./secret-box";
import { rotateSecretKey } from "./rotate-key";

describe("rotateSecretKey", () => {
  it("re-encrypts URL passwords, secret headers and signing secrets, and a re-run changes nothing", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const campaign = await db().campaign.create({
      data: {
        name: "c",
        deliveryRule: { when: "immediate" },
        actions: {
          create: {
            urlTemplate: "https://user@x.example/h",
            urlPasswordEnc: encryptSecret("pw", oldKey),
            signingSecretEnc: encryptSecret("whsec_new", oldKey),
            previousSigningSecretEnc: encryptSecret("whsec_old", oldKey),
            fields: [],
            headers: [{ name: "X-Token", value: encryptSecret("tok", oldKey), secret: true }, { name: "X-Plain", value: "p", secret: false }],
          },
        },
      },
      include: { actions: true },
    });
    expect(await rotateSecretKey(oldKey, newKey)).toEqual({ actions: 1, secrets: 4 });
    const a = await db().action.findUniqueOrThrow({ where: { id: campaign.actions[0]!.id } });
    expect(decryptSecret(a.urlPasswordEnc!, newKey)).toBe("pw");
    expect(decryptSecret(a.signingSecretEnc!, newKey)).toBe("whsec_new");
    expect(decryptSecret(a.previousSigningSecretEnc!, newKey)).toBe("whsec_old");
    const headers = a.headers as { name: string; value: string; secret: boolean }[];
    expect(decryptSecret(headers[0]!.value, newKey)).toBe("tok");
    expect(headers[1]).toEqual({ name: "X-Plain", value: "p", secret: false });
    expect(() => decryptSecret(a.urlPasswordEnc!, oldKey)).toThrow();
    await rotateSecretKey(oldKey, newKey);
    expect(decryptSecret((await db().action.findUniqueOrThrow({ where: { id: a.id } })).urlPasswordEnc!, newKey)).toBe("pw");
    // With a wrong old key nothing changes.
    await expect(rotateSecretKey(randomBytes(32), randomBytes(32))).rejects.toThrow(/neither the old nor the new key/);
    expect(decryptSecret((await db().action.findUniqueOrThrow({ where: { id: a.id } })).urlPasswordEnc!, newKey)).toBe("pw");
  });
});
