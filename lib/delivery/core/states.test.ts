import { describe, expect, it } from "vitest";
import { DELIVERY_STATES, deliveryStateLabel, deliveryStateText, HOLD_LABELS, FINAL_STATES, isWaiting, REASON_STATES, RETRYABLE_STATES, WAITING } from "./states";

describe("the delivery state lists", () => {
  it("waiting: scheduled and retrying, the states a claim takes and a delivery's next attempt is shown for", () => {
    expect(DELIVERY_STATES.filter(isWaiting)).toEqual(["scheduled", "retrying"]);
    expect([...WAITING].sort()).toEqual(["retrying", "scheduled"]);
    expect(isWaiting("unknown")).toBe(false);
  });

  it("every list names known states; a final state never waits", () => {
    for (const list of [WAITING, FINAL_STATES, RETRYABLE_STATES, REASON_STATES]) for (const s of list) expect(DELIVERY_STATES).toContain(s);
    expect(FINAL_STATES.filter(isWaiting)).toEqual([]);
    expect(REASON_STATES).toEqual(["failed", "retrying", "suppressed"]);
  });
});

describe("the words a person reads for a state (the log's filter, its counts, its rows, a delivery's detail)", () => {
  it("names every state with a capital, as the counts have always read", () => {
    expect(DELIVERY_STATES.map(deliveryStateLabel)).toEqual(["Scheduled", "Sending", "Delivered", "Retrying", "Failed", "Suppressed", "Cancelled"]);
  });

  it("shows a state it does not know as it is, never blank", () => {
    expect(deliveryStateLabel("mystery")).toBe("mystery");
  });
});

describe("the words of a held delivery (the log's rows and a delivery's detail read the same)", () => {
  it("a held row reads its hold, in sentence case like the state labels; otherwise its state", () => {
    expect(HOLD_LABELS).toEqual({ campaign_paused: "Held: campaign paused", quiet_hours: "Held: quiet hours", before_start: "Held: before start date", earlier_step: "Held: earlier step" });
    expect(deliveryStateText("retrying", "campaign_paused")).toBe("Held: campaign paused");
    expect(deliveryStateText("scheduled", "quiet_hours")).toBe("Held: quiet hours");
    expect(deliveryStateText("failed", null)).toBe("Failed");
    expect(deliveryStateText("mystery", null)).toBe("mystery");
  });
});
