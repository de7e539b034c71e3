// A removed allowed destination is not reachable down a kept-alive connection: each send is vetted
// against the host's current DNS answer, but undici's pool is per origin, so a connection opened to an
// address allowed then would carry a later send whose host now answers a public address (a rebinding
// editor's domain). A narrowed list closes the pools. DNS is faked for one name; the receiver is real.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

let answer = "127.0.0.1";
vi.mock("node:dns/promises", async (original) => {
  const real = (await original()) as typeof import("node:dns/promises");
  const lookup = async (host: string, options: unknown) => (host === "rebind.hookline.test" ? [{ address: answer, family: 4 }] : real.lookup(host, options as never));
  return { ...real, lookup, default: { ...real, lookup } };
});

import { resetEnv } from "../env";
import { addAllowedDestination, removeAllowedDestination } from "./allowed-destinations";
import { sendWebhook } from "./send";

const admin = { role: "admin" as const, email: "admin@example.com" };
const received: string[] = [];
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received.push(req.url ?? "");
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("a removed allowed destination and the keep-alive pool", () => {
  it("a send after the removal never goes down a connection opened while the address was allowed, whatever the host answers now", async () => {
    const send = (path: string) =>
      sendWebhook({ method: "POST", url: `http://rebind.hookline.test:${port}${path}`, headers: [["content-type", "application/json"]], body: "{}" }, { connectTimeoutMs: 300, timeoutMs: 2000 });
    const before = process.env.HOOKLINE_ALLOWED_HOSTS;
    process.env.HOOKLINE_ALLOWED_HOSTS = "";
    resetEnv();
    try {
      const row = await addAllowedDestination({ entry: "127.0.0.1" }, admin);
      expect(await send("/allowed")).toMatchObject({ outcome: "delivered" });
      // the host answers a public address while 127.0.0.1 is still allowed: a connection to it is open
      answer = "93.184.216.34";
      await send("/while-allowed");
      answer = "127.0.0.1";
      await removeAllowedDestination(row.id, admin);
      expect(await send("/removed")).toMatchObject({ outcome: "failed" });
      // the attacker's DNS answers a public address again: the vet passes, the connection must be new
      answer = "93.184.216.34";
      const flipped = await send("/removed-then-public");
      expect(received).not.toContain("/removed-then-public");
      expect(flipped.outcome).not.toBe("delivered");
    } finally {
      answer = "127.0.0.1";
      process.env.HOOKLINE_ALLOWED_HOSTS = before;
      resetEnv();
    }
  }, 30_000);
});
