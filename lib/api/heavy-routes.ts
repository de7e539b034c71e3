// The heavy routes' places (whole-table reads: an audience count, an export, the charts, the results
// table): two run at once per caller and eight wait, whichever door they come in by. withInternal
// keys them by the member, withApi by the API key (a viewer key ran 200 results at once before).
import { MemberQueues } from "./member-queue";

// two heavy requests of a caller run at once and eight wait (the editor's count as you type overlaps a few)
const HEAVY_RUNNING = 2;
const HEAVY_WAITING = 8;
const holder = globalThis as unknown as { __hooklineHeavyQueues?: MemberQueues };
/** The heavy routes' queues of this process (exported for tests). */
export const heavyQueues = () => (holder.__hooklineHeavyQueues ??= new MemberQueues(HEAVY_RUNNING, HEAVY_WAITING));

/** The queue key of an API key: apart from members' (both are ids of their own tables). */
export const apiKeyCaller = (keyId: string) => `apiKey:${keyId}`;

/**
 * A heavy handler in one of its caller's places (MemberQueueFullError when they are all taken). An
 * answer that streams (the export reads a page of deliveries each time the client pulls) keeps the
 * place until its body is read to the end, fails or is cancelled: given back when the handler
 * returned, it bounded nothing.
 */
export async function runHeavy(caller: string, work: () => Promise<Response | unknown>): Promise<Response | unknown> {
  const release = await heavyQueues().acquire(caller);
  let result: Response | unknown;
  try {
    result = await work();
  } catch (err) {
    release();
    throw err;
  }
  if (!(result instanceof Response) || !result.body) {
    release();
    return result;
  }
  return releasedWhenRead(result, release);
}

function releasedWhenRead(response: Response, release: () => void): Response {
  const reader = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        release();
        controller.error(err);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
