// A campaign whose Activate renders a lot (the bench of the sample renders, and the test of the event
// loop's delay during one): 5 webhooks x 3 variants of slow templates (each field loops over the user's
// 200 items and writes them as JSON), for a segment of `users` users among `others` who are not in it.
import { db } from "../../db";
import type { Prisma } from "../../db";

const ITEMS = 200;
const heavyField = (i: number) => ({ key: `items${i}`, value: `[{{#each user.items}}{{#if @index}},{{/if}}{{json this}}{{/each}}]`, type: "json" as const });
const heavyFields = Array.from({ length: 4 }, (_, i) => heavyField(i));

/** The users (`group` in their attributes, each with ITEMS items) and `others` users before them by id who are not in the segment. */
export async function createHeavyAudience(group: string, users: number, others = 0) {
  const item = (n: number) => ({ sku: `SKU-${n}`, title: `Product ${n} with an ordinary name`, qty: (n % 3) + 1, price: 19.99 + n });
  const rows = [
    ...Array.from({ length: others }, (_, i) => ({ id: `${group}-a-${String(i).padStart(6, "0")}`, attributes: { group: "other", n: i } })),
    ...Array.from({ length: users }, (_, i) => ({ id: `${group}-z-${String(i).padStart(6, "0")}`, attributes: { group, items: Array.from({ length: ITEMS }, (_, n) => item(n)) } })),
  ];
  for (let i = 0; i < rows.length; i += 1000) await db().user.createMany({ data: rows.slice(i, i + 1000) as Prisma.UserCreateManyInput[] });
}

/** A draft campaign of 5 webhooks x 3 variants of heavy fields, sending to the users of `group`. */
export async function createHeavyCampaign(group: string, url: string) {
  const campaign = await db().campaign.create({
    data: { name: `Heavy ${group}`, deliveryRule: { when: "immediate" }, audience: { match: "all", conditions: [{ key: "group", operator: "equals", value: group }] } },
  });
  const action = (position: number, extra: object) => ({ campaignId: campaign.id, position, name: `Hook ${position + 1}`, urlTemplate: url, fields: heavyFields, headers: [], retryPolicy: "default", timeoutMs: 5000, ...extra });
  for (let position = 0; position < 5; position++) {
    const step = await db().action.create({ data: action(position, { splitPercent: 34 }) });
    for (const share of [33, 33]) await db().action.create({ data: action(position, { variantOfId: step.id, splitPercent: share }) });
  }
  return campaign;
}
