import { describe, expect, it } from "vitest";
import { describeProblem, fieldLabel, labelledProblems, saveProblems, webhookProblemPlace } from "./problem-labels";
import { splitProblems } from "./variants";

describe("problem labels", () => {
  it("names fields in the editor's words, variants' problems included", () => {
    const labels: [field: string, label: string][] = [
      ["url", "URL"],
      ["fields[2].value", "Field 3 value"],
      ["headers.0.name", "Header 1 name"],
      ["splitPercent", "Variant splits"],
      ["controlPercent", "Control group"],
    ];
    for (const [field, label] of labels) expect(fieldLabel(field)).toBe(label);
    const message = "The variants' splits add up to 110%; they must add up to 100%";
    expect(describeProblem({ field: "splitPercent", message })).toBe(`Variant splits: ${message}`);
  });

  it("names a data field or a header by its key or name where the draft is known, by its number otherwise", () => {
    const draft = { fields: [{ key: "city" }, { key: "  " }], headers: [{ name: "X-Trace" }] };
    expect(fieldLabel("fields[0].value", draft)).toBe('Field "city" value');
    expect(fieldLabel("fields[1].value", draft)).toBe("Field 2 value");
    expect(fieldLabel("fields[0].key", draft)).toBe("Field 1 key");
    expect(fieldLabel("headers[0].value", draft)).toBe('Header "X-Trace" value');
    const [problem] = labelledProblems([{ field: "fields[0].value", message: "`{{` is not closed", line: 1, column: 4 }], draft);
    expect(describeProblem(problem!)).toBe('Field "city" value (line 1, column 4): `{{` is not closed');
  });

  it("gives every problem of a variants' split a label, not its path", () => {
    const problems = [
      ...splitProblems({ controlPercent: 120, variants: [{ key: "A", splitPercent: 0 }, { key: "B", splitPercent: 150 }, { key: "C", splitPercent: 5 }] }),
      ...splitProblems({ controlPercent: 0, variants: Array.from({ length: 17 }, (_, i) => ({ key: String(i), splitPercent: 6 })) }),
    ];
    expect(new Set(problems.map((p) => p.path))).toEqual(new Set(["controlPercent", "variants", "splitPercent", "variants.0.splitPercent"]));
    for (const p of problems) expect(fieldLabel(p.path)).not.toBe(p.path);
    expect(fieldLabel("variants.0.splitPercent")).toBe("Split B");
  });
});

describe("where a refusal's problem is", () => {
  const webhooks = [
    { name: "Welcome", fields: [], headers: [], variants: [] },
    { name: "Slack", fields: [{ key: "city" }], headers: [{ name: "X-Trace" }, { name: "Authorization" }], variants: [{ name: "Slack B", fields: [], headers: [{ name: "Authorization" }] }] },
  ];

  it("names the webhook and its field, in the editor's words", () => {
    expect(webhookProblemPlace({ "actions.1.headers.1.value": "The secret header has no value" }, webhooks)).toBe('webhook “Slack”, Header "Authorization" value');
    expect(webhookProblemPlace({ "actions.0.url": "enter a URL" }, webhooks)).toBe("webhook “Welcome”, URL");
    expect(webhookProblemPlace({ "actions.1.variants.0.headers.0.value": "no value" }, webhooks)).toBe('webhook “Slack”, variant B, Header "Authorization" value');
  });

  it("is the first webhook's on the page (where the focus goes), and none for the delivery settings alone", () => {
    expect(webhookProblemPlace({ "rule.timeZone": "Unknown time zone", "actions.1.fields.0.value": "x", "actions.0.url": "y" }, webhooks)).toBe("webhook “Welcome”, URL");
    expect(webhookProblemPlace({ "rule.timeZone": "Unknown time zone", "actions.0.subDelivery.key": "z" }, webhooks)).toBeNull();
    expect(webhookProblemPlace({}, webhooks)).toBeNull();
    // a webhook deleted since: its number
    expect(webhookProblemPlace({ "actions.4.url": "y" }, webhooks)).toBe("webhook 5, URL");
  });
});

describe("saveProblems: a refused save's list of where to go", () => {
  it("names each problem as the page does, in the page's order: details, webhooks in turn, then Delivery", () => {
    const webhooks = [{ name: "CRM", fields: [{ key: "email" }, { key: "plan" }], variants: [{ name: "B", fields: [] }] }, { name: "Mail", headers: [{ name: "X-Key" }] }];
    const errors = {
      "delivery.rule.event": "Required",
      "actions.1.headers.0.value": "Unclosed {{",
      "actions.0.fields.1.value": "Unclosed {{",
      "actions.0.url": "Unclosed {{",
      name: "Required",
      "actions.0.variants.0.url": "Required",
      "actions.0.subDelivery.seconds": "Too long",
    };
    expect(saveProblems(errors, webhooks)).toEqual([
      { path: "name", label: "Name" },
      { path: "actions.0.url", label: "Webhook 1 URL" },
      { path: "actions.0.fields.1.value", label: "Webhook 1 field `plan`" },
      { path: "actions.0.variants.0.url", label: "Webhook 1 variant B URL" },
      { path: "actions.1.headers.0.value", label: 'Webhook 2 Header "X-Key" value' },
      { path: "delivery.rule.event", label: "Delivery settings" },
    ]);
  });
});
