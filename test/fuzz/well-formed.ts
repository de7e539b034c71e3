// What every fuzzed answer must be: a success, or a 4xx with the one envelope; never a 5xx, never a stack.
import { expect } from "vitest";

export type Answer = { status: number; text: string; label: string };

export async function answerOf(res: Response, label: string): Promise<Answer> {
  return { status: res.status, text: await res.text(), label };
}

export function expectWellFormed(r: Answer) {
  expect(r.status, `${r.label} -> ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status < 400) return;
  const parsed = JSON.parse(r.text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  expect(parsed.error, r.text).toBeDefined();
  expect(typeof parsed.error!.code).toBe("string");
  expect(typeof parsed.error!.message).toBe("string");
  expect((parsed.error!.message as string).length).toBeGreaterThan(0);
  expect(parsed.error).toHaveProperty("details");
  expect(r.text).not.toMatch(/\n\s+at /);
}
