// GET /api/deliveries/export: the log's filter as CSV, escaped, streamed a page of 1,000 at a time.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { deliveryCsvChunks } from "@/lib/delivery/store/log-export";
import { createCampaign } from "@/lib/delivery/testing/fixtures";
import { memberCookies } from "@/test/sessions";
import { GET } from "./route";

let viewer = "";
let campaignId = "";
const ROWS = 1201;
const TRICKY = ["plain", "has,comma", 'says "hi"', "two\nlines", "=HYPERLINK(1)"];

beforeAll(async () => {
  viewer = (await memberCookies()).viewer;
  await db().user.createMany({ data: TRICKY.map((id) => ({ id, attributes: {} })) });
  const campaign = await createCampaign({ url: "http://127.0.0.1:9/x", name: "Export, \"quoted\"" });
  campaignId = campaign.id;
  const other = await createCampaign({ url: "http://127.0.0.1:9/y", name: "Other" });
  const now = new Date("2026-02-01T12:00:00.000Z");
  const row = (c: typeof campaign, i: number, state: string) => ({
    webhookId: `msg_exp_${c.id}_${i}`, campaignId: c.id, actionId: c.actions[0].id, userId: TRICKY[i % TRICKY.length], triggerKey: `t:${i}`,
    plannedAt: now, dueAt: now, state, reason: state === "failed" ? "HTTP 500, twice\nthen gave up" : null, attempts: 1,
  });
  await db().delivery.createMany({ data: Array.from({ length: ROWS }, (_, i) => row(campaign, i, i < 7 ? "failed" : "delivered")) });
  await db().delivery.createMany({ data: Array.from({ length: 3 }, (_, i) => row(other, i, "failed")) });
});

const get = (query: string, cookie = viewer) => GET(new Request(`http://127.0.0.1/api/deliveries/export?${query}`, { headers: { cookie } }));

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += ch;
  }
  return records;
}

describe("GET /api/deliveries/export", () => {
  it("refuses a visitor without a session", async () => {
    expect((await get(`campaignId=${campaignId}`, "")).status).toBe(401);
  });

  it("answers 404 with a message, and no file, for a campaign id that names no campaign (it used to download an empty file)", async () => {
    const res = await get("campaignId=nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-disposition")).toBeNull();
    expect(await res.json()).toEqual({ error: { code: "not_found", message: 'No campaign with id "nope"; it may have been deleted.', details: null } });
  });

  it("streams every delivery of the filter in pages of 1,000, fields escaped", async () => {
    const res = await get(`campaignId=${campaignId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    // named for the campaign (`Export, "quoted"`), so a folder of exports says whose each is
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="deliveries-export-quoted-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.csv"$/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(decoder.decode(r.value));
    // the header, then one chunk per page: 1,000 + 201
    expect(chunks).toHaveLength(3);
    const records = parseCsv(chunks.join(""));
    expect(records[0]).toEqual(["id", "webhookId", "campaign", "action", "userId", "state", "reason", "attempts", "lastStatus", "lastDurationMs", "host", "plannedAt", "sentAt", "updatedAt", "variant"]);
    const rows = records.slice(1);
    expect(rows).toHaveLength(ROWS);
    expect(new Set(rows.map((r) => r[0])).size).toBe(ROWS);
    expect(rows.every((r) => r.length === 15 && r[2] === 'Export, "quoted"')).toBe(true);
    expect(new Set(rows.map((r) => r[4]))).toEqual(new Set(["plain", "has,comma", 'says "hi"', "two\nlines", "'=HYPERLINK(1)"]));
    expect(rows.find((r) => r[5] === "failed")?.[6]).toBe("HTTP 500, twice\nthen gave up");
    expect(rows[0][11]).toBe("2026-02-01T12:00:00.000Z");
  });

  it("applies the log's filter: state, user, every campaign", async () => {
    const failed = parseCsv(await (await get(`campaignId=${campaignId}&state=failed`)).text()).slice(1);
    expect(failed).toHaveLength(7);
    expect(failed.every((r) => r[5] === "failed")).toBe(true);
    const comma = parseCsv(await (await get(`campaignId=${campaignId}&user=${encodeURIComponent("has,comma")}`)).text()).slice(1);
    expect(comma.length).toBe(Math.ceil((ROWS - 1) / TRICKY.length));
    const everyCampaign = parseCsv(await (await get("state=failed")).text()).slice(1);
    expect(everyCampaign).toHaveLength(10);
    // every campaign's export names none (a made-up campaign id is a 404, below)
    const res = await get("state=failed");
    await res.body?.cancel();
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="deliveries-\d{4}-[\d-]+\.csv"$/);
  });

  it("pages with a cursor: small pages give the same rows as one large page", async () => {
    const small: string[] = [];
    for await (const chunk of deliveryCsvChunks({ campaignId, state: "failed" }, 2)) small.push(chunk);
    expect(small).toHaveLength(1 + 4);
    const large: string[] = [];
    for await (const chunk of deliveryCsvChunks({ campaignId, state: "failed" })) large.push(chunk);
    expect(small.join("")).toBe(large.join(""));
  });
});
