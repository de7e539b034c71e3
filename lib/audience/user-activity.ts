// What a user's page shows besides their attributes: recent events and deliveries.
import { db } from "../db";

export async function userActivity(userId: string, take = 20) {
  const [events, deliveries] = await Promise.all([
    db().event.findMany({ where: { userId }, orderBy: { time: "desc" }, take }),
    db().delivery.findMany({ where: { userId }, orderBy: { plannedAt: "desc" }, take, include: { campaign: { select: { name: true } } } }),
  ]);
  return {
    events: events.map((e) => ({ id: e.id, name: e.name, time: e.time.toISOString(), params: e.params })),
    deliveries: deliveries.map((d) => ({ id: d.id, campaignId: d.campaignId, campaign: d.campaign.name, state: d.state, plannedAt: d.plannedAt.toISOString(), lastStatus: d.lastStatus })),
  };
}
export type UserActivity = Awaited<ReturnType<typeof userActivity>>;
