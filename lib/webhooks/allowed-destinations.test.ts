import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { addAllowedDestination, allowedDestinationEntries, AllowedDestinationError, ALLOWED_DESTINATIONS_TTL_MS, listAllowedDestinations, normaliseEntry, removeAllowedDestination } from "./allowed-destinations";
import { sendWebhook } from "./send";
import { DestinationRefused, vetDestination } from "./ssrf";

const loopback = async () => [{ address: "127.0.0.2", family: 4 }];

describe("normaliseEntry", () => {
  it("keeps hosts, IPs and CIDRs in one spelling and refuses the rest", () => {
    expect(normaliseEntry(" LocalHost. ")).toBe("localhost");
    expect(normaliseEntry("[::1]")).toBe("::1");
    expect(normaliseEntry("10.1.0.0/16")).toBe("10.1.0.0/16");
    expect(normaliseEntry("127.0.0.2")).toBe("127.0.0.2");
    expect(() => normaliseEntry("")).toThrow(AllowedDestinationError);
    expect(() => normaliseEntry("http://x/")).toThrow(/not a URL/);
    expect(() => normaliseEntry("a b")).toThrow(/not a host name/);
    expect(() => normaliseEntry("0.0.0.0/0")).toThrow(/too wide/);
  });

  it("a host typed with its port (copied from the webhook's URL) is refused saying to leave the port out", () => {
    expect(() => normaliseEntry("127.0.0.1:4000")).toThrow('Enter the host without its port: 127.0.0.1');
    expect(() => normaliseEntry("LocalHost:3000")).toThrow('Enter the host without its port: localhost');
    expect(() => normaliseEntry("[::1]:8080")).toThrow('Enter the host without its port: ::1');
    // an IPv6 address is no host and port
    expect(normaliseEntry("fd00::1")).toBe("fd00::1");
  });
});

describe("Allowed destinations in the database", () => {
  it("a new entry lets the guard through at once in this process, and within a second in others; removal takes it back", async () => {
    await expect(vetDestination("receiver.internal", 8080, loopback)).rejects.toThrow(
      /127\.0\.0\.2 is a loopback address; an admin can allow it in Settings › Allowed destinations$/,
    );
    const row = await addAllowedDestination({ entry: "127.0.0.2", note: "local receiver" }, { role: "admin", email: "admin@example.com" });
    await expect(vetDestination("receiver.internal", 8080, loopback)).resolves.toEqual({ address: "127.0.0.2", family: 4 });
    expect((await listAllowedDestinations()).map((d) => d.entry)).toEqual(["127.0.0.2"]);
    const audit = await db().auditLog.findMany({ where: { action: { startsWith: "allowed_destination." } } });
    expect(audit).toMatchObject([{ actor: "admin@example.com", action: "allowed_destination.added", target: "127.0.0.2" }]);

    // another process wrote it: this one sees it once its second-long cache runs out
    await db().allowedDestination.create({ data: { entry: "10.9.0.0/16", createdBy: "elsewhere" } });
    const now = Date.now();
    expect(await allowedDestinationEntries(now)).not.toContain("10.9.0.0/16");
    expect(await allowedDestinationEntries(now + ALLOWED_DESTINATIONS_TTL_MS)).toContain("10.9.0.0/16");

    // the sends in flight when the second runs out share one read of the table (each used to read it
    // itself: dozens of queries a second per worker process under load)
    const later = now + 3 * ALLOWED_DESTINATIONS_TTL_MS;
    const answers = await Promise.all(Array.from({ length: 50 }, () => allowedDestinationEntries(later)));
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain("10.9.0.0/16");

    await expect(addAllowedDestination({ entry: "127.0.0.2" }, { role: "admin", email: "admin@example.com" })).rejects.toThrow(/already allowed/);
    expect(await removeAllowedDestination(row.id, { role: "admin", email: "admin@example.com" })).toBe(true);
    await expect(vetDestination("receiver.internal", 8080, loopback)).rejects.toThrow(DestinationRefused);
  });

  describe("a real send to 127.0.0.2", () => {
    let server: ReturnType<typeof createServer>;
    let port = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end("ok"));
      await new Promise<void>((r) => server.listen(0, "127.0.0.2", r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("is refused, then delivered once the address is allowed", async () => {
      const request = { method: "POST" as const, url: `http://127.0.0.2:${port}/hook`, headers: [["content-type", "application/json"]] as [string, string][], body: "{}" };
      const refused = await sendWebhook(request);
      expect(refused).toMatchObject({ outcome: "failed", errorKind: "refused" });
      await addAllowedDestination({ entry: "127.0.0.2" }, { role: "admin", email: "admin@example.com" });
      expect(await sendWebhook(request)).toMatchObject({ outcome: "delivered", status: 200 });
    });

    it("is refused at the next send once the entry is removed, however the address is spelled (its verdict is remembered per allow list)", async () => {
      const spellings = ["127.0.0.2", "0x7f.2", "2130706434", "0177.0.0.2", "127.0.2", "[::ffff:127.0.0.2]"];
      const send = (host: string) => sendWebhook({ method: "POST", url: `http://${host}:${port}/hook`, headers: [], body: "{}" });
      const row = (await listAllowedDestinations()).find((d) => d.entry === "127.0.0.2") ?? (await addAllowedDestination({ entry: "127.0.0.2" }, { role: "admin", email: "admin@example.com" }));
      for (const host of spellings) expect(await send(host), host).toMatchObject({ outcome: "delivered" });
      await removeAllowedDestination(row.id, { role: "admin", email: "admin@example.com" });
      for (let round = 0; round < 2; round++) {
        for (const host of spellings) expect(await send(host), host).toMatchObject({ outcome: "failed", errorKind: "refused", error: expect.stringMatching(/^destination 127\.0\.0\.2 is a loopback address/) });
      }
    });
  });
});
