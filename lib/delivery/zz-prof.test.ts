import { it } from "vitest";
import { db } from "@/lib/db";
import { activateCampaign } from "@/lib/delivery/lifecycle";
import { EmbeddedEngine } from "@/lib/delivery/embedded-engine";
import { startReceiver, waitFor } from "@/lib/delivery/testing/receiver";
import { createCampaign, createUsers } from "@/lib/delivery/testing/fixtures";
import { standinDeps } from "@/lib/delivery/testing/standin-deps";

it("profiles", async () => {
  const receiver = await startReceiver();
  await createUsers(5000, "p");
  const c = await createCampaign({ url: `${receiver.url}/p/{{user.id}}` });
  let t = Date.now();
  await activateCampaign(c.id);
  console.log("fanout ms", Date.now() - t);
  const deps = standinDeps();
  let sendMs = 0, sends = 0;
  const send = deps.send;
  deps.send = async (r, o) => { const s = Date.now(); const x = await send(r, o); sendMs += Date.now() - s; sends++; return x; };
  const e = new EmbeddedEngine(db(), deps, { concurrency: 50, hostConcurrency: 10, idlePollMs: 100 });
  t = Date.now();
  await e.start();
  await waitFor(async () => (await db().delivery.count({ where: { state: "delivered" } })) === 5000, 120000, 200);
  const el = Date.now() - t;
  console.log("deliver ms", el, "per sec", 5000 / el * 1000, "avg send ms", sendMs / sends);
  await e.stop();
  await receiver.close();
}, 200000);
