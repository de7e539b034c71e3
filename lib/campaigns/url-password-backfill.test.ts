import { describe, expect, it } from "vitest";
import { db } from "../db";
import { decryptSecret } from "../crypto/secret-box";
import { loadWebhookTemplate } from "./action-template";
import { backfillUrlPasswords } from "./url-password-backfill";
import { prepareInstall } from "../bootstrap";

describe("backfillUrlPasswords", () => {
  it("moves a templated-scheme password saved in clear into urlPasswordEnc, the template rendered the same; names a stray one; a re-run changes nothing", async () => {
    const urls = {
      templated: "{{campaign.name}}s://bob:s3cret@crm.example.com/x",
      stray: "{{{userAttribute.base}}}bob:s3cret@crm.example.com/x",
      plain: "https://crm.example.com/x",
    };
    const campaign = await db().campaign.create({
      data: { name: "c", deliveryRule: { when: "immediate" }, actions: { create: Object.entries(urls).map(([name, urlTemplate]) => ({ name, urlTemplate, fields: [], headers: [] })) } },
      include: { actions: true },
    });
    const id = (name: string) => campaign.actions.find((a) => a.name === name)!.id;
    const before = campaign.actions.map((a) => [a.id, loadWebhookTemplate(a).url]);

    expect(await backfillUrlPasswords()).toEqual({ moved: [id("templated")], stray: [id("stray")] });
    const after = await db().action.findMany({ where: { campaignId: campaign.id } });
    const templated = after.find((a) => a.name === "templated")!;
    expect(templated.urlTemplate).toBe("{{campaign.name}}s://bob@crm.example.com/x");
    expect(decryptSecret(templated.urlPasswordEnc!)).toBe("s3cret");
    expect(after.map((a) => [a.id, loadWebhookTemplate(a).url])).toEqual(expect.arrayContaining(before));

    expect(await backfillUrlPasswords()).toEqual({ moved: [], stray: [id("stray")] });
  });

  it("runs at every start: npm start's preparation encrypts such a password", async () => {
    const action = await db().action.create({
      data: { name: "boot", urlTemplate: "{{campaign.name}}s://ann:hunter2@crm.example.com/y", fields: [], headers: [], campaign: { create: { name: "c2", deliveryRule: { when: "immediate" } } } },
    });
    await prepareInstall({ seed: false });
    const after = await db().action.findUniqueOrThrow({ where: { id: action.id } });
    expect(after.urlTemplate).toBe("{{campaign.name}}s://ann@crm.example.com/y");
    expect(decryptSecret(after.urlPasswordEnc!)).toBe("hunter2");
  });

  it("moves a password saved with tabs, newlines or spaces around the URL (compared as it is sent); names one it cannot take out exactly", async () => {
    const campaign = await db().campaign.create({
      data: {
        name: "c3", deliveryRule: { when: "immediate" },
        actions: { create: [
          { name: "spaced", urlTemplate: " {{campaign.name}}s://ann:pw1@crm.example.com/z\t\n", fields: [], headers: [] },
          { name: "plain", urlTemplate: "https://crm.example.com/ok", fields: [], headers: [] },
        ] },
      },
      include: { actions: true },
    });
    const spaced = campaign.actions.find((a) => a.name === "spaced")!;
    const result = await backfillUrlPasswords();
    expect(result.moved).toContain(spaced.id);
    const after = await db().action.findUniqueOrThrow({ where: { id: spaced.id } });
    expect(after.urlTemplate).toBe("{{campaign.name}}s://ann@crm.example.com/z");
    expect(decryptSecret(after.urlPasswordEnc!)).toBe("pw1");
  });
});
