// An audience or trigger condition is compared against every user or event each count, fan-out and
// tracked-event batch: its size is bounded at every door. The API's 5 MB body could otherwise store a
// list of millions of values that each page load and event batch then parses again.
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyHeaders, apiRequest, routeParams } from "@/lib/api/testing";
import { MAX_CONDITION_LIST } from "@/lib/audience/conditions";
import { POST as create } from "./route";
import { PUT as putDelivery } from "./[id]/delivery/route";

let editor: Record<string, string>;
beforeAll(async () => {
  editor = await apiKeyHeaders("editor");
});

const action = { name: "CRM", url: "https://crm.example.com/contacts", fields: [{ key: "id", value: "{{user.id}}" }] };
const newCampaign = (delivery: object) => create(apiRequest("POST", "/campaigns", editor, { name: "Bounds", actions: [action], delivery: { rule: { when: "immediate" }, ...delivery } }));

describe("condition bounds through the API", () => {
  it("refuses an audience list longer than the bound with a 400 naming it, and takes one at the bound", async () => {
    const tooLong = await newCampaign({ audience: { conditions: [{ key: "id", operator: "inList", value: Array.from({ length: MAX_CONDITION_LIST + 1 }, (_, i) => i) }] } });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(await tooLong.json())).toContain("at most 10,000 values");

    const atBound = await newCampaign({ audience: { conditions: [{ key: "id", operator: "inList", value: Array.from({ length: MAX_CONDITION_LIST }, (_, i) => `u${i}`) }] } });
    expect(atBound.status).toBe(201);
    const { id } = (await atBound.json()) as { id: string };
    // the same bound on the delivery settings' own door, for a trigger's conditions and a key
    const trigger = await putDelivery(
      apiRequest("PUT", `/campaigns/${id}/delivery`, editor, { rule: { when: "triggered", event: "buy", conditions: [{ key: "sku", operator: "equals", value: "x".repeat(100_001) }] } }),
      routeParams(id),
    );
    expect(trigger.status).toBe(400);
    const key = await putDelivery(
      apiRequest("PUT", `/campaigns/${id}/delivery`, editor, { rule: { when: "immediate" }, audience: { conditions: [{ key: "k".repeat(257), operator: "exists" }] } }),
      routeParams(id),
    );
    expect(key.status).toBe(400);
    const week = await putDelivery(
      apiRequest("PUT", `/campaigns/${id}/delivery`, editor, { rule: { when: "recurring", frequency: "weekly", weekdays: Array(8).fill(1), timeZone: "UTC" } }),
      routeParams(id),
    );
    expect(week.status).toBe(400);
  });
});
