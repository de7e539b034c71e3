// Issue 11, holes 2 and 3 at the preview's door: ad-hoc attributes and sample event parameters are
// bounded (a clear field error, not a slow render), and render state stays out of the preview.
import { describe, expect, it } from "vitest";
import { validationError } from "../api/errors";
import { MAX_SAMPLE_BYTES, MAX_SAMPLE_DEPTH, sampleRequestSchema } from "./preview-input";
import { clipOverlongValues } from "./preview-clip";
import { previewAction } from "./preview";
import { sampleContext } from "./sample-context";
import { LOAD } from "@/test/load";

const action = { url: "https://api:hunter2-pw@hooks.example.com/{{user.id}}", fields: [{ key: "city", value: "{{user.city}}", type: "text" as const }] };
const input = (extra: object) => ({ action, campaign: { name: "Limits" }, ...extra });

function deep(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let cur = root;
  for (let i = 0; i < levels; i++) cur = (cur.a = {}) as Record<string, unknown>;
  return root;
}

describe("ad-hoc sample data is bounded", () => {
  it("9 MiB of test attributes is a 400 naming the field, decided without reading it all", () => {
    const t = performance.now();
    const parsed = sampleRequestSchema.safeParse(input({ attributes: { city: "x".repeat(9 * 1024 * 1024) } }));
    expect(performance.now() - t).toBeLessThan(1000 * LOAD); // slack for a busy machine
    expect(parsed.success).toBe(false);
    // the 400 withInternal answers the preview and test-send routes with
    const message = `Test user attributes are over ${MAX_SAMPLE_BYTES / 1024} KiB: keep the values a template needs`;
    const body = validationError(parsed.error!);
    expect(body.message).toBe(`attributes: ${message}`);
    expect(body.details).toEqual([{ path: "attributes", message }]);
  });

  it("sample event parameters 100,000 levels deep are refused, not a stack overflow", () => {
    const parsed = sampleRequestSchema.safeParse(input({ eventParams: deep(100_000) }));
    expect(parsed.success).toBe(false);
    expect(validationError(parsed.error!).details).toEqual([{ path: "eventParams", message: `Sample event parameters nest more than ${MAX_SAMPLE_DEPTH} levels deep` }]);
  });

  it("values under the bounds pass", () => {
    expect(sampleRequestSchema.safeParse(input({ attributes: { city: "x".repeat(60_000) }, eventParams: deep(MAX_SAMPLE_DEPTH - 1) })).success).toBe(true);
  });

  it("sampleContext refuses them too, for any caller that skips the schema; the preview shows it at the user", async () => {
    await expect(sampleContext({ attributes: { v: "x".repeat(MAX_SAMPLE_BYTES + 1) }, campaign: { name: "C" }, reader: "editor" })).rejects.toThrow(/Test user attributes are over 64 KiB/);
    const parsed = sampleRequestSchema.parse(input({ attributes: { city: "Paris" } }));
    const preview = await previewAction({ ...parsed, attributes: { city: "x".repeat(MAX_SAMPLE_BYTES + 1) } });
    expect(preview.request).toBeNull();
    expect(preview.errors).toEqual([{ field: "user", message: expect.stringMatching(/over 64 KiB/) }]);
  });
});

describe("render state in the preview", () => {
  it("{{@__r.outputs.[0]}} in a data field is an error at that field, and the URL password appears nowhere", async () => {
    for (let i = 0; i < 2; i++) {
      const preview = await previewAction(
        sampleRequestSchema.parse(input({ attributes: { city: "Paris" }, action: { ...action, fields: [{ key: "leak", value: "{{@__r.outputs.[0]}}{{@__r.urlValues.[0].text}}", type: "text" }] } })),
      );
      expect(preview.errors).toEqual([expect.objectContaining({ field: "fields[0].value", message: expect.stringMatching(/is not a template variable/) })]);
      expect(JSON.stringify(preview)).not.toContain("hunter2-pw");
    }
  });
});

describe("an over-long value in the preview", () => {
  // 100-300 KB in one data field was a 400 ("The preview could not be rendered"), not the field's own limit
  it("a 200 KB data field or header value is the field's 16 KiB message, not a refused request", async () => {
    const big = "x".repeat(200_000);
    const parsed = sampleRequestSchema.safeParse(
      input({ action: { ...action, fields: [{ key: "blob", value: big, type: "text" }], headers: [{ name: "X-Blob", value: big }] } }),
    );
    expect(parsed.success).toBe(true);
    const preview = await previewAction(parsed.data!);
    expect(preview.problems).toMatchObject({ "fields.0.value": "A value can be at most 16 KiB", "headers.0.value": "A value can be at most 16 KiB" });
  });

  it("clipOverlongValues keeps a value over the limit over it (the editor sends a 2 MB paste under the body bound)", () => {
    const clipped = clipOverlongValues({ url: "", fields: [{ key: "a", value: "x".repeat(2_000_000) }], headers: [{ name: "h", value: "ok" }] });
    expect(clipped.fields[0]!.value.length).toBeGreaterThan(16 * 1024);
    expect(clipped.fields[0]!.value.length).toBeLessThanOrEqual(2 * 16 * 1024 + 1);
    expect(clipped.headers[0]!.value).toBe("ok");
  });
});
