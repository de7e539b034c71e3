// Turning due deliveries into BullMQ jobs: sorted by due time, up to 100 per job, each job
// delayed until its latest delivery is due (jobs never span more than a second).
import type { Queue } from "bullmq";
import type { DeliveryJob } from "./connection";

export type JobRef = { id?: string; webhookId?: string; dueAt: Date };

const PER_JOB = 100;
const SPAN_MS = 1000;

export function jobsFor(refs: JobRef[], now: Date): { data: DeliveryJob; delay: number }[] {
  const sorted = [...refs].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  const jobs: { data: DeliveryJob; delay: number }[] = [];
  let chunk: JobRef[] = [];
  const flush = () => {
    if (!chunk.length) return;
    const last = chunk[chunk.length - 1].dueAt.getTime();
    const ids = chunk.flatMap((r) => (r.id ? [r.id] : []));
    const webhookIds = chunk.flatMap((r) => (!r.id && r.webhookId ? [r.webhookId] : []));
    jobs.push({ data: { ...(ids.length ? { ids } : {}), ...(webhookIds.length ? { webhookIds } : {}) }, delay: Math.max(0, last - now.getTime()) });
    chunk = [];
  };
  for (const ref of sorted) {
    if (chunk.length >= PER_JOB || (chunk.length && ref.dueAt.getTime() - chunk[0].dueAt.getTime() > SPAN_MS)) flush();
    chunk.push(ref);
  }
  flush();
  return jobs;
}

export async function enqueue(queue: Queue, refs: JobRef[], now: Date) {
  const jobs = jobsFor(refs, now);
  for (let i = 0; i < jobs.length; i += 500) {
    await queue.addBulk(
      jobs.slice(i, i + 500).map((j) => ({ name: "deliver", data: j.data, opts: { delay: j.delay, removeOnComplete: true, removeOnFail: 1000, attempts: 3, backoff: { type: "fixed", delay: 1000 } } })),
    );
  }
  return jobs.length;
}
