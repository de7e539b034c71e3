// What every delivery engine does once a second besides sending, written once: fan out recurring
// occurrences that came due, and finish campaigns with nothing left to send. The embedded engine
// runs it in its loop; scale-out workers get it as a BullMQ Job Scheduler's job, one worker per
// second (bullmq/engine.ts), since each step is guarded in SQL and doing it N times over is waste.
import type { Db } from "../../db";
import { finishCampaigns } from "../store/finish";
import { runDueOccurrences } from "../store/recurring";

export const TICK_MS = 1000;

/** `dueTimes`: when the deliveries of occurrences fanned out come due (ms, each distinct time once) */
export type TickResult = { dueTimes: Set<number>; finished: string[] };

/** An engine's tick; a scale-out worker may skip one that another worker ran (null). */
export type EngineTick = (now: Date) => Promise<TickResult | null>;

export async function engineTick(prisma: Db, now: Date): Promise<TickResult> {
  const dueTimes = await runDueOccurrences(prisma, now);
  const finished = await finishCampaigns(prisma, now);
  return { dueTimes, finished };
}
