// The pure core of the retry refusal (earlierStepRefusal) for a step TIMED from what an earlier step saves:
// a review found Retry of a reminder suppressed for lacking a time answering "Retrying now." and the engine
// suppressing it again (its time comes only from the earlier step's answer for the same run or event).
import { describe, expect, it } from "vitest";
import { awaitedSteps } from "../../campaigns/awaited-steps";
import { storedAttributeTemplate } from "../../campaigns/unknown-attributes";
import { earlierStepRefusal } from "./retry-refusal";
import type { UserForPlanning } from "../../audience/users";

const userWith = (attributes: Record<string, unknown>): UserForPlanning => ({ id: "u", email: null, timezone: null, attributes }) as unknown as UserForPlanning;

const action = (over: { id: string; position: number } & Record<string, unknown>) => ({ name: "Step", variantOfId: null, urlTemplate: "https://x.example.com/", method: "POST", fields: [], headers: [], responseMapping: null, subDelivery: null, ...over });
const actions = [
  action({ id: "s1", position: 0, name: "Due lookup", responseMapping: [{ path: "$.due", attribute: "dueAt" }] }),
  action({ id: "s2", position: 1, name: "Due reminder", subDelivery: { kind: "relative", source: "user", key: "dueAt", offsetSeconds: -36000 } }),
];
const awaited = awaitedSteps(actions.map((a) => ({ ...a, template: storedAttributeTemplate(a as never) }))).get("s2")!;
const names = new Set<string>();

describe("Retry of a step timed from what an earlier step saves", () => {
  it("is refused while that step's row did not deliver, naming it, even for a user holding a value from before", () => {
    expect(awaited).toEqual([expect.objectContaining({ actionId: "s1", timing: "dueAt", timingOnly: true })]);
    const old = userWith({ dueAt: "2026-12-20T10:00:00Z" });
    expect(earlierStepRefusal(awaited, names, [{ actionId: "s1", state: "failed" }], old)).toBe(
      "Waits for Webhook 1 (Due lookup), which did not deliver to this user (failed), so dueAt was never saved: retry that one first.",
    );
    expect(earlierStepRefusal(awaited, names, [{ actionId: "s1", state: "suppressed", reason: null }], userWith({}))).toContain("Waits for Webhook 1 (Due lookup), which did not deliver to this user (suppressed)");
  });

  it("is not refused once that step is retried (its row under way) or delivered", () => {
    expect(earlierStepRefusal(awaited, names, [{ actionId: "s1", state: "retrying" }], userWith({}))).toBeNull();
    expect(earlierStepRefusal(awaited, names, [], userWith({}))).toBeNull();
  });
});
