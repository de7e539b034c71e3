import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnv } from "../../env";
import { addAllowedDestination, listAllowedDestinations, removeAllowedDestination } from "../../webhooks/allowed-destinations";
import { currentSenderThreadBundle, SENDER_THREAD_SOURCE } from "./sender-thread-bundle";
import { SenderThreads } from "./sender-threads";
import { startReceiver } from "../testing/receiver";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let hang: (() => void)[] = [];
let threads: SenderThreads;

beforeAll(async () => {
  // the threads load the bundle as npm start does (npm run build writes it; here it is written when stale)
  const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-sender-thread.ts", "--if-stale"], { cwd: process.cwd(), encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  expect(currentSenderThreadBundle(process.cwd())).toMatch(/sender-thread\.mjs$/);
  threads = new SenderThreads(1);
  receiver = await startReceiver(async (req) => {
    if (req.path.startsWith("/hang")) await new Promise<void>((r) => hang.push(r));
    if (req.path.startsWith("/echo")) return { status: 200, body: JSON.stringify({ ...req.headers, path: req.path }) };
    return { status: req.path.startsWith("/busy") ? 503 : 200, body: `got ${req.body}` };
  });
});
afterAll(async () => {
  await threads.close();
  hang.forEach((r) => r());
  hang = [];
  await receiver.close();
});

const post = (path: string, body = "{}") => ({ method: "POST" as const, url: `${receiver.url}${path}`, headers: [["content-type", "application/json"]] as [string, string][], body });

describe("sender threads", () => {
  it("send from another thread and classify the answers as the sender does", async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => threads.send(post(i % 2 ? "/busy" : "/ok", `{"n":${i}}`))));
    expect(results.filter((r) => r.outcome === "delivered")).toHaveLength(100);
    expect(results.filter((r) => r.outcome === "retryable").every((r) => r.status === 503)).toBe(true);
    expect(results[0]).toMatchObject({ status: 200, body: `got {"n":0}` });
    expect(receiver.received.filter((r) => r.path === "/ok")).toHaveLength(100);
  });

  it("mask what a response echoes of the request's secrets as the sender does (echoed-secrets.ts), the ticked-secret header names carried across to the thread", async () => {
    const headers: [string, string][] = [["X-Customer", "cust-token-42"], ["Authorization", "Bearer tok-9876"], ["Cookie", "sid=COOKIESESSION99; lang=en"], ["X-Api-Key", "PRIMARYKEY777 backup"]];
    const request = { ...post("/echo?api_key=ECHOQUERYSECRET&city=Paris"), headers, secretHeaders: ["X-Customer"] };
    const result = await threads.send(request);
    expect(result.outcome).toBe("delivered");
    expect(JSON.parse(result.body!)).toMatchObject({ "x-customer": "••••", authorization: "••••", cookie: "••••", "x-api-key": "••••", path: "/echo?api_key=••••&city=Paris" });
  });

  it("use the same SSRF guard, with the allowed destinations of the engine's process (an entry added or removed holds at the next send)", async () => {
    const refused = await threads.send({ ...post("/x"), url: "http://10.1.2.3:8080/x" });
    expect(refused).toMatchObject({ outcome: "failed", errorKind: "refused" });
    expect(refused.error).toMatch(/private network/);

    // loopback is allowed by HOOKLINE_ALLOWED_HOSTS in tests: take that away, as an operator would
    const before = process.env.HOOKLINE_ALLOWED_HOSTS;
    process.env.HOOKLINE_ALLOWED_HOSTS = "";
    resetEnv();
    try {
      const loopback = await threads.send(post("/guarded"));
      expect(loopback).toMatchObject({ outcome: "failed", errorKind: "refused" });
      expect(receiver.received.some((r) => r.path === "/guarded")).toBe(false);
      // Settings › Allowed destinations in this process holds in the thread at once
      const row = await addAllowedDestination({ entry: "127.0.0.1" }, { role: "admin", email: "test" });
      expect(await threads.send(post("/allowed"))).toMatchObject({ outcome: "delivered" });
      // and its removal too: the thread's keep-alive connection to the receiver and the address it
      // vetted (kept 30 s for new connections) do not let the next send through
      await removeAllowedDestination(row.id, { role: "admin", email: "test" });
      expect(await threads.send(post("/removed"))).toMatchObject({ outcome: "failed", errorKind: "refused" });
      expect(receiver.received.some((r) => r.path === "/removed")).toBe(false);
    } finally {
      process.env.HOOKLINE_ALLOWED_HOSTS = before;
      resetEnv();
      for (const d of await listAllowedDestinations()) await removeAllowedDestination(d.id, { role: "admin", email: "test" });
    }
  });

  it("answer a send whose thread went away as retryable (sent again later with the same webhook-id)", async () => {
    const own = new SenderThreads(1);
    const pending = own.send(post("/hang"));
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 20_000;
      const check = () => (receiver.received.some((r) => r.path === "/hang") ? resolve() : Date.now() > deadline ? reject(new Error("never arrived")) : setTimeout(check, 20));
      check();
    });
    await own.close();
    expect(await pending).toMatchObject({ outcome: "retryable", error: expect.stringMatching(/sender thread stopped/) });
  });

  it("load the TypeScript sources through tsx when there is no current bundle", async () => {
    const fromSources = new SenderThreads(1, path.join(process.cwd(), SENDER_THREAD_SOURCE));
    try {
      expect(await fromSources.send(post("/tsx"))).toMatchObject({ outcome: "delivered", status: 200 });
      expect(await fromSources.send({ ...post("/x"), url: "http://10.1.2.3:8080/x" })).toMatchObject({ outcome: "failed", errorKind: "refused" });
    } finally {
      await fromSources.close();
    }
  });

  it("send on this thread when no sender thread can start (rather than start one per send)", async () => {
    const broken = new SenderThreads(1, "/nonexistent/sender-thread.ts");
    await broken.ready();
    const results = await Promise.all([broken.send(post("/fallback")), broken.send(post("/fallback"))]);
    expect(results.map((r) => r.outcome)).toEqual(["delivered", "delivered"]);
    await broken.close();
  });
});
