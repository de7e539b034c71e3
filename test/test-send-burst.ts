// One web process's share of a burst of test sends, for lib/campaigns/test-send-limits.test.ts: on the
// test file's database (its settings come in the environment), it says "ready" once connected, waits for
// "go" on stdin (so every process starts together), makes its reservations at once, and prints what
// each got: "ok" or the Retry-After it was refused with.
// Usage: tsx test/test-send-burst.ts '<JSON: { at: ISO time, sends: [{ actionId, campaignId, memberId }] }>'
import { once } from "node:events";
import { db, disconnectDb } from "@/lib/db";
import { rawDb } from "@/lib/db/raw";
import { reserveTestSend, TestSendRateLimitedError } from "@/lib/campaigns/test-send-limits";

type Send = { actionId: string | null; campaignId: string | null; memberId: string | null };

async function main() {
  const { at, sends } = JSON.parse(process.argv[2] ?? "{}") as { at: string; sends: Send[] };
  // both connections open before the start, so no process is late by its connecting
  await db().testSend.count();
  await rawDb(db()).query("SELECT 1", []);
  process.stdout.write("ready\n");
  process.stdin.setEncoding("utf8");
  let input = "";
  while (!input.includes("go")) input += (await once(process.stdin, "data"))[0];
  const results = await Promise.all(
    sends.map((s) =>
      reserveTestSend(s.actionId, s.campaignId, s.memberId, null, new Date(at)).then(
        () => "ok",
        (err) => {
          if (err instanceof TestSendRateLimitedError) return err.retryAfterSeconds;
          throw err;
        },
      ),
    ),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
  await disconnectDb();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(String(err?.stack ?? err));
    process.exit(1);
  },
);
