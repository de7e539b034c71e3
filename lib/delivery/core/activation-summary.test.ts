import { describe, expect, it } from "vitest";
import { activationSummary } from "./activation-summary";

describe("activationSummary", () => {
  it("an immediate campaign: sends now, to the users counted", () => {
    expect(activationSummary({ when: "immediate" }, 7).question).toBe("Send now to 7 users?");
    expect(activationSummary({ when: "immediate" }, 1).question).toBe("Send now to 1 user?");
    expect(activationSummary({ when: "immediate", quietHours: null }, 1200).question).toBe("Send now to 1,200 users?");
    expect(activationSummary({ when: "immediate" }, null).question).toBe("Send now to the campaign's audience?");
  });

  it("an immediate one with a start date ahead: sends then, not now", () => {
    const now = new Date("2026-12-05T12:00:00Z");
    const startAt = new Date("2026-12-07T09:00:00Z");
    expect(activationSummary({ when: "immediate" }, 7, { startAt, now }).question).toBe("Send to 7 users at the start date, Mon 7 Dec 2026 09:00 UTC?");
    expect(activationSummary({ when: "immediate" }, 7, { startAt: new Date("2026-12-01T09:00:00Z"), now }).question).toBe("Send now to 7 users?");
    // the other rules say it beside what they say
    expect(activationSummary({ when: "triggered", event: "signup" }, 7, { startAt, now }).detail).toContain("Nothing is sent before the start date, Mon 7 Dec 2026 09:00 UTC.");
  });

  it("a scheduled one: when, and in which zone", () => {
    const rule = { when: "scheduled", sendAt: "2026-12-07T09:00", timeZone: "Europe/Paris", inUserTimeZone: true, whenPassed: "skip" };
    const s = activationSummary(rule, 7);
    expect(s.question).toBe("Schedule for 7 users on Mon 7 Dec 2026 09:00 in each user's time zone?");
    expect(s.detail).toContain("left out");
    expect(activationSummary({ ...rule, inUserTimeZone: false }, 7).question).toBe("Schedule for 7 users on Mon 7 Dec 2026 09:00 (Europe/Paris)?");
  });

  it("a triggered one: which event it listens for", () => {
    const s = activationSummary({ when: "triggered", event: "signup", quietHours: { start: "22:00", end: "08:00" } }, 7);
    expect(s.question).toBe('Start listening for "signup" events?');
    expect(s.detail).toContain("(7 users now)");
    expect(s.detail).toContain("quiet hours (22:00-08:00)");
  });

  it("a recurring one: how often, at what time, until when", () => {
    const daily = { when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC", inUserTimeZone: true };
    expect(activationSummary(daily, 7).question).toBe("Every day at 09:00 in each user's time zone, to 7 users?");
    expect(activationSummary(daily, 7).detail).toContain("until you pause it");
    const weekly = { ...daily, frequency: "weekly", weekdays: [0, 3, 1], inUserTimeZone: false, timeZone: "Europe/Paris", endsOn: "2027-01-31", maxOccurrences: 4 };
    expect(activationSummary(weekly, 2).question).toBe("Every Monday, Wednesday and Sunday at 09:00 (Europe/Paris), to 2 users?");
    expect(activationSummary(weekly, 2).detail).toContain("until 31 Jan 2027, at most for 4 runs");
    expect(activationSummary({ ...daily, inUserTimeZone: false, frequency: "cron", cron: "0 9 * * 1-5" }, 2).question).toBe('On the schedule "0 9 * * 1-5" (UTC), to 2 users?');
  });

  it("a rule the server would refuse: a plain question (activation names the problem)", () => {
    expect(activationSummary({ when: "scheduled", sendAt: "", timeZone: "UTC" }, 7).question).toBe("Activate this campaign?");
  });
});

describe("activationSummary: a send time in each user's zone that has passed for some", () => {
  const rule = { when: "scheduled", sendAt: "2026-12-06T15:07", timeZone: "UTC", inUserTimeZone: true, whenPassed: "sendNow" };
  // 14:06 UTC: 15:07 has passed in Tokyo (06:07 UTC) and Kolkata (09:37 UTC), not in Paris (14:07 UTC) or New York
  const now = new Date("2026-12-06T14:06:00Z");
  const zones = [
    { zone: "Asia/Tokyo", users: 2 },
    { zone: "Asia/Kolkata", users: 1 },
    { zone: "Europe/Paris", users: 3 },
    { zone: "America/New_York", users: 2 },
    { zone: null, users: 1 },
  ];

  it("counts the users whose time has passed: they are sent at once, or left out", () => {
    expect(activationSummary(rule, 9, { now, zones }).detail).toBe("3 of 9 users' 15:07 has passed: they are sent at once; the others are sent at 15:07 in their own zone.");
    expect(activationSummary({ ...rule, whenPassed: "skip" }, 9, { now, zones }).detail).toContain("3 of 9 users' 15:07 has passed: they are left out");
  });

  it("a user without a zone is counted in the rule's own zone, as the fan-out plans them", () => {
    expect(activationSummary({ ...rule, timeZone: "Asia/Tokyo" }, 9, { now, zones }).detail).toContain("4 of 9 users' 15:07 has passed");
  });

  it("says nobody's has passed, and keeps the general words while the zones are not counted", () => {
    expect(activationSummary({ ...rule, sendAt: "2026-12-07T15:07" }, 9, { now, zones }).detail).toContain("No user's 15:07 has passed yet");
    expect(activationSummary(rule, 9, { now }).detail).toContain("users whose time has already passed when you activate are sent at once");
  });
});

describe("activationSummary with a control group", () => {
  // and that a small audience's share varies: a banner said "4 users (40%) held out" of 10 at "about 20%"
  it("says about how many are held out (the assignment is per user, so a share, not a count) rather than 'each of them is sent'", () => {
    const summary = activationSummary({ when: "immediate" }, 10, { controlGroups: [{ webhook: "Hook", percent: 20 }] });
    expect(summary.question).toBe("Send now to 10 users, about 20% of them held out as the control group?");
    expect(summary.detail).toBe("Each of them outside the control group is sent this campaign's webhooks now (a webhook with a delay of its own waits for it). About 20% of them (the control group) are held out and sent nothing. Each user is placed by a hash of their id, not counted out, so in a small audience the share held out varies.");
    expect(summary.detail).not.toContain("Each of them is sent");
  });

  it("the same words for a scheduled, recurring or triggered campaign; none without a control group", () => {
    const groups = { controlGroups: [{ webhook: "Hook", percent: 20 }] };
    const scheduled = activationSummary({ when: "scheduled", sendAt: "2027-01-07T09:00", timeZone: "UTC" }, 10, groups);
    expect(scheduled.question).toBe("Schedule for 10 users, about 20% of them held out as the control group, on Thu 7 Jan 2027 09:00 (UTC)?");
    expect(scheduled.detail).toContain("About 20% of them (the control group) are held out and sent nothing.");
    expect(activationSummary({ when: "recurring", frequency: "daily", time: "09:00", timeZone: "UTC" }, 10, groups).question).toBe("Every day at 09:00 (UTC), to 10 users, about 20% of them held out as the control group?");
    expect(activationSummary({ when: "triggered", event: "signup" }, 10, groups).detail).toContain("About 20% of its users (the control group) are held out and sent nothing.");
    expect(activationSummary({ when: "immediate" }, 10, { controlGroups: [] }).question).toBe("Send now to 10 users?");
    expect(activationSummary({ when: "immediate" }, 10, { controlGroups: [] }).detail).toContain("Each of them is sent");
  });

  it("webhooks with different control groups are named, each with its share", () => {
    const summary = activationSummary({ when: "immediate" }, 10, { controlGroups: [{ webhook: "Slack", percent: 20 }, { webhook: "CRM", percent: 0 }, { webhook: "Ads", percent: 5 }] });
    expect(summary.question).toBe("Send now to 10 users, some of them held out by control groups?");
    expect(summary.detail).toContain("Control groups hold users out, each sent nothing from that webhook on: about 20% from “Slack” and about 5% from “Ads”.");
  });

  it("two webhooks at the same share are named too: each holds out users of its own (the hash takes the step), not one 20% of the campaign", () => {
    const summary = activationSummary({ when: "immediate" }, 10, { controlGroups: [{ webhook: "Slack", percent: 20 }, { webhook: "CRM", percent: 20 }] });
    expect(summary.question).toBe("Send now to 10 users, some of them held out by control groups?");
    expect(summary.detail).toContain("about 20% from “Slack” and about 20% from “CRM”");
    expect(summary.detail).toContain("Each user is placed by a hash of their id, not counted out, so in a small audience the share held out varies.");
  });
});

describe("activationSummary with a step reading what an earlier step saves", () => {
  it("says such a step fails, unsent, for a user the earlier step saves no value for", () => {
    const summary = activationSummary({ when: "immediate" }, 9, { readingEarlierSteps: ["Follow up"] });
    expect(summary.detail).toBe(
      "Each of them is sent this campaign's webhooks now (a webhook with a delay of its own waits for it). “Follow up” reads what an earlier webhook saves from its response: it fails, unsent, for a user that webhook saves no value for (not delivered to them, or none in its answer), unless they had the value before.",
    );
    expect(activationSummary({ when: "immediate" }, 9, { readingEarlierSteps: ["Follow up", "Mail"] }).detail).toContain("“Follow up” and “Mail” read what an earlier webhook saves from its response: they fail, unsent");
    expect(activationSummary({ when: "immediate" }, 9).detail).not.toContain("earlier");
  });

  it("says how many of the audience the frequency cap stops now, whatever the rule; nothing when none is", () => {
    const atCap = { users: 9, reached: ["2 per day reached"] };
    const line = " 9 of these 11 users are at the frequency cap now (2 per day reached): their sends are suppressed until their count falls below it (Settings › Delivery limits).";
    expect(activationSummary({ when: "recurring", frequency: "daily", time: "22:06", timeZone: "UTC" }, 11, { atCap }).detail).toContain(line);
    expect(activationSummary({ when: "immediate" }, 11, { atCap }).detail).toContain(line);
    expect(activationSummary({ when: "triggered", event: "signup" }, 11, { atCap }).detail).toContain(line);
    expect(activationSummary({ when: "immediate" }, null, { atCap: { users: 1, reached: ["5 per week reached"] } }).detail).toContain(" 1 user of the audience is at the frequency cap now (5 per week reached)");
    expect(activationSummary({ when: "immediate" }, 11, { atCap: { users: 0, reached: [] } }).detail).not.toContain("frequency cap");
  });
});

describe("activationSummary with a step timed from what an earlier step saves", () => {
  it("says it waits for that answer for its time, is timed from the value saved, and is suppressed without one", () => {
    const timedByEarlierSteps = [{ webhook: "Due reminder", earlier: "Webhook 1 (Due lookup)", attribute: "dueAt" }];
    expect(activationSummary({ when: "immediate" }, 9, { timedByEarlierSteps }).detail).toBe(
      "Each of them is sent this campaign's webhooks now (a webhook with a delay of its own waits for it). “Due reminder” waits for Webhook 1 (Due lookup)'s answer for its time: it is timed from dueAt once that webhook has saved it (sent at once if that time has passed), and suppressed for a user it saves no time for.",
    );
    expect(activationSummary({ when: "triggered", event: "order" }, 9, { timedByEarlierSteps }).detail).toContain("“Due reminder” waits for Webhook 1 (Due lookup)'s answer for its time");
  });
});

