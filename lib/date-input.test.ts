// A date someone gave us names the same instant whatever zone the server runs in: these run with
// the process in New York (UTC-5 in March), where `new Date("2027-03-01T09:00:00")` is 14:00Z.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "./db";
import { dateTimeAttributeText, parseDateInput, parseIsoDateInput } from "./date-input";
import { countMatchingUsers } from "./audience/count";
import { rowToUser } from "./audience/import/mapping";
import { DATE_FORMS } from "./audience/attribute-value";
import { importCsv } from "./audience/import/run";
import { createCampaign } from "./delivery/testing/fixtures";
import { activateCampaign } from "./delivery/store/lifecycle";
import { deliverySettingsSchema } from "./delivery/forms/settings";
import { trackEvents } from "./delivery/triggers";
import { buildTemplateContext, compileTemplate, renderTemplate } from "./templating";
import { getUser } from "./audience/users";
import { renderWebhookRequest } from "./webhooks/render-request";

const zoneBefore = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "America/New_York";
  // Node applies a changed TZ at once: without it these tests would prove nothing
  expect(new Date(2027, 2, 1, 9).toISOString()).toBe("2027-03-01T14:00:00.000Z");
});
afterAll(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

const iso = (value: unknown, options?: { unixSeconds?: boolean }) => parseDateInput(value, options)?.toISOString() ?? null;

describe("parseDateInput: UTC unless the text carries an offset", () => {
  it.each([
    ["2027-03-01T09:00:00", "2027-03-01T09:00:00.000Z"],
    ["2027-03-01T09:00", "2027-03-01T09:00:00.000Z"],
    ["2027-03-01 09:00", "2027-03-01T09:00:00.000Z"],
    ["2027-03-01 9:00", "2027-03-01T09:00:00.000Z"],
    ["2027-03-01", "2027-03-01T00:00:00.000Z"],
    ["2027-03", "2027-03-01T00:00:00.000Z"],
    ["20270301T0900", "2027-03-01T09:00:00.000Z"],
    ["2027-03-01T09:00:00Z", "2027-03-01T09:00:00.000Z"],
    ["2027-03-01T09:00:00+01:00", "2027-03-01T08:00:00.000Z"],
    ["2027-03-01 09:00:00 +01:00", "2027-03-01T08:00:00.000Z"],
    ["2027-03-01 09:00:00.250 UTC", "2027-03-01T09:00:00.250Z"],
    // RFC 2822 and HTTP dates, as before
    ["Mon, 01 Mar 2027 09:00:00 GMT", "2027-03-01T09:00:00.000Z"],
    ["Mon, 01 Mar 2027 09:00:00 +0100", "2027-03-01T08:00:00.000Z"],
    ["Mon Mar  1 09:00:00 2027", "2027-03-01T09:00:00.000Z"],
    // what JavaScript's own parser took, as before, but in UTC when it names no zone
    ["March 1, 2027", "2027-03-01T00:00:00.000Z"],
    ["3/1/2027 9:00", "2027-03-01T09:00:00.000Z"],
    ["3/1/2027 9:00 PM EST", "2027-03-02T02:00:00.000Z"],
    ["Mar 1 2027 9:00 PM -0500", "2027-03-02T02:00:00.000Z"],
    ["Mon Mar 01 2027 09:00:00 GMT+0100 (Central European Standard Time)", "2027-03-01T08:00:00.000Z"],
  ])("%j is %s", (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it.each(["2027-02-30", "2027-03-01T25:00", "09:00", "yesterday", "", "  "])("%j is no date", (text) => {
    expect(parseDateInput(text)).toBeNull();
  });

  it("reads numbers and digits as Unix seconds only when asked", () => {
    expect(iso(1803891600, { unixSeconds: true })).toBe("2027-03-01T09:00:00.000Z");
    expect(iso("1803891600", { unixSeconds: true })).toBe("2027-03-01T09:00:00.000Z");
    expect(iso(1803891600)).toBeNull();
    expect(iso("2027")).toBe("2027-01-01T00:00:00.000Z");
    expect(iso(Number.NaN, { unixSeconds: true })).toBeNull();
  });

  it("reads the everyday ISO shapes as luxon does (its own fast path)", () => {
    let seed = 7;
    const next = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const two = (n: number) => String(n).padStart(2, "0");
    for (let i = 0; i < 5000; i++) {
      let text = `${1900 + next(300)}-${two(next(14))}-${two(next(33))}`;
      if (next(4)) text += `${next(2) ? "T" : " "}${two(next(26))}:${two(next(62))}`;
      if (text.length > 10 && next(2)) text += `:${two(next(62))}${next(2) ? "." + String(next(1_000_000)).padStart(1 + next(6), "0") : ""}`;
      if (text.length > 10 && next(2)) text += ["Z", "z", `+${two(next(25))}:${two(next(61))}`, `-${two(next(15))}${two(next(60))}`, `+${two(next(14))}`][next(5)];
      const luxon = DateTime.fromISO(text.replace(" ", "T"), { zone: "utc", setZone: true });
      expect(parseIsoDateInput(text)?.toISOString() ?? null, text).toBe(luxon.isValid ? luxon.toJSDate().toISOString() : null);
    }
  });

  it("parseIsoDateInput takes ISO-8601 alone (the Delivery section's start and end)", () => {
    expect(parseIsoDateInput("2027-03-01T09:00:00")?.toISOString()).toBe("2027-03-01T09:00:00.000Z");
    expect(parseIsoDateInput("March 1, 2027")).toBeNull();
    expect(parseIsoDateInput("12")).toBeNull();
    const settings = deliverySettingsSchema.parse({ rule: { when: "immediate" }, startAt: "2027-03-01 09:00", endAt: "2027-03-02" });
    expect([settings.startAt?.toISOString(), settings.endAt?.toISOString()]).toEqual(["2027-03-01T09:00:00.000Z", "2027-03-02T00:00:00.000Z"]);
  });
});

describe("every reading of a user's date goes through it", () => {
  it("an audience filter on a date attribute compares instants in UTC", async () => {
    await db().user.createMany({
      data: [
        { id: "tz-early", attributes: { renewsAt: "2027-03-01T08:00:00Z" } },
        { id: "tz-late", attributes: { renewsAt: "2027-03-01T10:00:00.000Z" } },
        { id: "tz-local", attributes: { renewsAt: "2027-03-01T09:30:00" } },
      ],
    });
    const after = await countMatchingUsers({ match: "all", conditions: [{ key: "renewsAt", operator: "greater", value: "2027-03-01T09:00:00" }] }, "admin");
    expect(after.matching).toBe(2);
    const before = await countMatchingUsers({ match: "all", conditions: [{ key: "renewsAt", operator: "less", value: "2027-03-01 09:00" }] }, "admin");
    expect(before.matching).toBe(1);
  });

  it("an event-relative send is planned from the parameter's date in UTC", async () => {
    const campaign = await createCampaign({
      url: "http://127.0.0.1:9999/hook",
      rule: { when: "triggered", event: "booked" },
      subDelivery: { kind: "relative", source: "event", key: "startsAt", offsetSeconds: -3600 },
    });
    expect((await activateCampaign(campaign.id)).ok).toBe(true);
    const now = new Date("2027-02-01T00:00:00Z");
    const result = await trackEvents(
      [
        { userId: "tz-booker", event: "booked", params: { startsAt: "2027-03-01T09:00:00" } },
        { userId: "tz-booker2", event: "booked", params: { startsAt: "2027-03-01" } },
      ],
      now,
    );
    expect(result).toMatchObject({ accepted: 2, scheduled: 2 });
    const deliveries = await db().delivery.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } });
    expect(deliveries.map((d) => [d.userId, d.plannedAt.toISOString()])).toEqual([
      ["tz-booker", "2027-03-01T08:00:00.000Z"],
      ["tz-booker2", "2027-02-28T23:00:00.000Z"],
    ]);
  });

  it("a CSV import stores a date cell as the UTC instant it names", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hookline-dates-"));
    const file = path.join(dir, "users.csv");
    writeFileSync(file, "id,renewsAt\ntz-csv1,2027-03-01 09:00\ntz-csv2,3/1/2027\ntz-csv3,2027-03-01T09:00:00+01:00\ntz-csv4,2027-02-30\n");
    const mapping = [{ target: "userId" }, { target: "attribute", name: "renewsAt", type: "date" }] as const;
    const report = await importCsv(file, { delimiter: ",", encoding: "utf-8", headers: ["id", "renewsAt"], mapping: [...mapping] });
    expect(report).toMatchObject({ imported: 3, rejectedCount: 1 });
    const users = await db().user.findMany({ where: { id: { startsWith: "tz-csv" } }, orderBy: { id: "asc" } });
    expect(users.map((u) => (u.attributes as { renewsAt: string }).renewsAt)).toEqual(["2027-03-01T09:00:00.000Z", "2027-03-01T00:00:00.000Z", "2027-03-01T08:00:00.000Z"]);
    expect(rowToUser(["x", "2027-02-30"], [...mapping])).toEqual({ ok: false, reason: `renewsAt: "2027-02-30" is not a date: use ${DATE_FORMS}` });
  });

  it("the template's date helper reads a date without an offset in UTC", () => {
    const context = buildTemplateContext({
      user: { id: "u1", attributes: { renewsAt: "2027-03-01T09:00:00" } },
      event: null,
      campaign: { id: "c1", name: "C" },
      action: { id: "a1" },
      now: new Date("2027-02-01T00:00:00Z"),
    });
    expect(renderTemplate(compileTemplate('{{date userAttribute.renewsAt "HH:mm"}} {{date userAttribute.renewsAt "HH:mm" "Europe/Paris"}}'), context, "raw")).toBe("09:00 10:00");
  });

  it("an imported date (stored at midnight UTC) is sent as the date in the file to a user in Los Angeles, in a request's data and URL", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hookline-dates-"));
    const file = path.join(dir, "users.csv");
    writeFileSync(file, "id,signup_date,timezone\ntz-cal1,2026-05-01,America/Los_Angeles\ntz-cal2,2026-05-01T03:30:00Z,America/Los_Angeles\n");
    const mapping = [{ target: "userId" }, { target: "attribute", name: "signup_date", type: "date" }, { target: "timezone" }] as const;
    const report = await importCsv(file, { delimiter: ",", encoding: "utf-8", headers: ["id", "signup_date", "timezone"], mapping: [...mapping] });
    expect(report).toMatchObject({ imported: 2, rejectedCount: 0 });
    const request = async (userId: string) => {
      const user = (await getUser(userId, "admin"))!;
      const rendered = renderWebhookRequest(
        {
          method: "POST",
          url: 'https://api.example.com/users/{{date user.signup_date "yyyy-MM-dd" user.timezone}}',
          contentType: "application/json",
          fields: [{ key: "since", value: '{{date user.signup_date "yyyy-MM-dd" user.timezone}}', type: "text" }],
          headers: [],
        },
        { user: { id: user.userId, email: user.email, timezone: user.timezone, attributes: user.attributes }, event: null, campaign: { id: "c1", name: "C" }, action: { id: "a1" }, now: new Date("2026-06-01T00:00:00Z") },
        { webhookId: "msg_dates", timestamp: new Date("2026-06-01T00:00:00Z") },
      );
      if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
      return { attribute: user.attributes.signup_date, url: rendered.request.url, body: JSON.parse(rendered.request.body!) };
    };
    expect(await request("tz-cal1")).toEqual({ attribute: "2026-05-01T00:00:00.000Z", url: "https://api.example.com/users/2026-05-01", body: { since: "2026-05-01" } });
    // a time of day is an instant, as before: 03:30 UTC on May 1 is still April 30 in Los Angeles
    expect(await request("tz-cal2")).toEqual({ attribute: "2026-05-01T03:30:00.000Z", url: "https://api.example.com/users/2026-04-30", body: { since: "2026-04-30" } });
  });
});

// The user page showed an imported date-time as raw 2026-03-01T09:00:00.000Z beside plain dates shown as yyyy-MM-dd.
describe("dateTimeAttributeText: a stored date-time attribute in the user's zone, named", () => {
  it("reads the instant in the user's zone, with seconds only when it has some; UTC without a valid zone", () => {
    expect(dateTimeAttributeText("2026-03-01T09:00:00.000Z", "Europe/Paris")).toBe("2026-03-01 10:00 (Europe/Paris)");
    expect(dateTimeAttributeText("2026-03-01T23:30:15Z", "America/New_York")).toBe("2026-03-01 18:30:15 (America/New_York)");
    expect(dateTimeAttributeText("2026-03-01T09:00:00.000Z", null)).toBe("2026-03-01 09:00 (UTC)");
    expect(dateTimeAttributeText("2026-03-01T09:00:00.000Z", "Mars/Olympus")).toBe("2026-03-01 09:00 (UTC)");
  });

  it("leaves calendar dates (shown as yyyy-MM-dd), digits and other text alone", () => {
    expect(dateTimeAttributeText("2026-03-01", "Europe/Paris")).toBeNull();
    expect(dateTimeAttributeText("2026-03-01T00:00:00.000Z", "Europe/Paris")).toBeNull();
    expect(dateTimeAttributeText("1767225600", "Europe/Paris")).toBeNull();
    expect(dateTimeAttributeText("Paris", "Europe/Paris")).toBeNull();
    expect(dateTimeAttributeText(42, "Europe/Paris")).toBeNull();
  });
});
