import { describe, expect, it } from "vitest";
import { MemberQueueFullError, MemberQueues } from "./member-queue";

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
};

describe("MemberQueues", () => {
  it("runs two of a member's requests at once, queues the next ones in order, refuses beyond the queue; other members are not held", async () => {
    const queues = new MemberQueues(2, 2);
    const started: number[] = [];
    const gates = [gate(), gate(), gate(), gate()];
    const runs = gates.map((g, i) => queues.run("ann", async () => (started.push(i), await g.opened, i)));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    await expect(queues.run("ann", async () => 9)).rejects.toBeInstanceOf(MemberQueueFullError);
    expect(await queues.run("bob", async () => "bob's")).toBe("bob's");

    gates[1]!.open();
    expect(await runs[1]).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    // all places given back: a new burst runs at once
    expect(await queues.run("ann", async () => "again")).toBe("again");
  });

  it("gives the place back when the work throws", async () => {
    const queues = new MemberQueues(1, 0);
    await expect(queues.run("ann", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await queues.run("ann", async () => "ok")).toBe("ok");
  });
});
