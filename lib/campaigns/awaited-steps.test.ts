// Which earlier steps a step waits for: those whose response mapping saves an attribute its templates
// (or its variants') read. Pure: the stored rows in, the steps out.
import { describe, expect, it } from "vitest";
import { awaitedSteps, timedByEarlierSteps, type StepForWaiting } from "./awaited-steps";

type Row = Omit<StepForWaiting, "template"> & { urlTemplate: string; fields: { key: string; value: string }[]; headers: { name: string; value: string; secret?: boolean }[] };
const step = (over: Partial<Row> & Pick<Row, "id" | "position">): StepForWaiting => {
  const { urlTemplate, fields, headers, ...row }: Row = { name: `Step ${over.position + 1}`, variantOfId: null, urlTemplate: "https://hooks.example.com/x", fields: [], headers: [], responseMapping: [], ...over };
  return { ...row, template: { url: urlTemplate, fields, headers } };
};

describe("awaitedSteps", () => {
  it("a later step reading an attribute an earlier step maps waits for it; one reading none does not; a step never waits for itself or a later one", () => {
    const actions = [
      step({ id: "s1", position: 0, name: "Create contact", responseMapping: [{ path: "$.customer.id", attribute: "crmId" }, { path: "$.score", attribute: "score" }] }),
      step({ id: "s2", position: 1, urlTemplate: "https://crm.example.com/c/{{user.crmId}}", fields: [{ key: "s", value: "{{userAttribute.score}} {{user.firstName}}" }] }),
      step({ id: "s3", position: 2, fields: [{ key: "n", value: "{{user.firstName}}" }], responseMapping: [{ path: "$.tag", attribute: "tag" }] }),
      // reads its own mapping and a later one's: neither is waited for
      step({ id: "s4", position: 3, headers: [{ name: "X-Own", value: "{{user.own}}" }], responseMapping: [{ path: "$.own", attribute: "own" }] }),
      step({ id: "s5", position: 4, fields: [{ key: "t", value: "{{user.tag}}" }] }),
    ];
    expect(awaitedSteps(actions)).toEqual(
      new Map([
        ["s2", [{ actionId: "s1", label: "Webhook 1 (Create contact)", attributes: ["crmId", "score"] }]],
        ["s5", [{ actionId: "s3", label: "Webhook 3 (Step 3)", attributes: ["tag"] }]],
      ]),
    );
  });

  it("counts a variant's templates as its step's reads and a variant's mapping as its step's; orders steps by position whatever the rows' order", () => {
    const actions = [
      step({ id: "b2", position: 1, variantOfId: "s2", fields: [{ key: "c", value: "{{user.crmId}}" }] }),
      step({ id: "s2", position: 1 }),
      step({ id: "b1", position: 0, variantOfId: "s1", responseMapping: [{ path: "$.id", attribute: "crmId" }] }),
      step({ id: "s1", position: 0 }),
    ];
    expect(awaitedSteps(actions)).toEqual(new Map([["s2", [{ actionId: "s1", label: "Webhook 1 (Step 1)", attributes: ["crmId"] }]]]));
  });

  it("reads from inside blocks count: @root and ../ paths, a lookup of a written name, and a read of the whole user waits for every attribute saved before", () => {
    const saves = step({ id: "s1", position: 0, responseMapping: [{ path: "$.token", attribute: "tok" }, { path: "$.id", attribute: "crmId" }] });
    const waitsFor = (over: Partial<Row>) => awaitedSteps([saves, step({ id: "s2", position: 1, ...over })]).get("s2")?.[0]?.attributes ?? [];
    expect(waitsFor({ fields: [{ key: "t", value: '{{lookup user "tok"}}' }] })).toEqual(["tok"]);
    expect(waitsFor({ fields: [{ key: "t", value: "{{#each event.params}}{{@root.user.tok}}{{/each}}" }] })).toEqual(["tok"]);
    expect(waitsFor({ headers: [{ name: "X-Tok", value: "{{#each user.tags}}{{../user.crmId}}{{/each}}" }] })).toEqual(["crmId"]);
    expect(waitsFor({ fields: [{ key: "t", value: "{{#with user}}{{tok}}{{/with}}" }] })).toEqual(["tok", "crmId"]);
    expect(waitsFor({ urlTemplate: "https://x.example.com/{{lookup userAttribute event.name}}" })).toEqual(["tok", "crmId"]);
    // the top level read whole, then a path of it (the second review: these went out beside step 1)
    for (const whole of ["{{#with this}}{{user.crmId}}{{/with}}", "{{#with @root}}{{user.crmId}}{{/with}}", '{{#with (lookup this "user")}}{{crmId}}{{/with}}', "{{#each this}}{{#each this}}{{this}}{{/each}}{{/each}}", '{{lookup this "user"}}', "{{json this}}", "{{#with event}}{{#with ../this}}{{user.tok}}{{/with}}{{/with}}"]) {
      expect(waitsFor({ fields: [{ key: "t", value: whole }] }), whole).toEqual(["tok", "crmId"]);
    }
    // a section over a value ({{#campaign}}) is a scope when the value is an object: `../` climbs out of it (the third review)
    expect(waitsFor({ urlTemplate: "https://x.example.com/?crm={{#campaign}}{{../user.crmId}}{{/campaign}}" })).toEqual(["crmId"]);
    // a block's own names and event parameters read no attribute
    expect(waitsFor({ fields: [{ key: "t", value: "{{#each event.params}}{{tok}}{{/each}} {{parameter.crmId}}" }] })).toEqual([]);
  });

  it("a step may wait for several", () => {
    const actions = [
      step({ id: "s1", position: 0, responseMapping: [{ path: "$.a", attribute: "a" }] }),
      step({ id: "s2", position: 1, responseMapping: [{ path: "$.b", attribute: "b" }] }),
      step({ id: "s3", position: 2, urlTemplate: "https://x.example.com/{{user.a}}/{{user.b}}" }),
    ];
    expect(awaitedSteps(actions).get("s3")).toEqual([
      { actionId: "s1", label: "Webhook 1 (Step 1)", attributes: ["a"] },
      { actionId: "s2", label: "Webhook 2 (Step 2)", attributes: ["b"] },
    ]);
  });

  it("reads a secret header's value as sent (opened): step 1 gets an access token, step 2 sends it in a secret Authorization header", () => {
    const actions = [
      step({ id: "s1", position: 0, name: "Get token", responseMapping: [{ path: "$.access_token", attribute: "crmToken" }] }),
      step({ id: "s2", position: 1, headers: [{ name: "Authorization", value: "Bearer {{user.crmToken}}", secret: true }] }),
    ];
    expect(awaitedSteps(actions)).toEqual(new Map([["s2", [{ actionId: "s1", label: "Webhook 1 (Get token)", attributes: ["crmToken"] }]]]));
  });

  it("a step timed from a user attribute an earlier step saves waits for it too, for its time (its templates need not read it); an event parameter's time or an attribute saved by none does not", () => {
    const relative = (source: string, key: string) => ({ kind: "relative", source, key, offsetSeconds: -36000 });
    const actions = [
      step({ id: "s1", position: 0, name: "Due lookup", responseMapping: [{ path: "$.due", attribute: "dueAt" }, { path: "$.id", attribute: "crmId" }] }),
      step({ id: "s2", position: 1, subDelivery: relative("user", "dueAt") }),
      step({ id: "s3", position: 2, urlTemplate: "https://x.example.com/{{user.crmId}}", subDelivery: relative("user", "dueAt") }),
      step({ id: "s4", position: 3, subDelivery: relative("event", "dueAt") }),
      step({ id: "s5", position: 4, subDelivery: relative("user", "renewsAt") }),
    ];
    expect(awaitedSteps(actions)).toEqual(
      new Map([
        ["s2", [{ actionId: "s1", label: "Webhook 1 (Due lookup)", attributes: ["dueAt"], timing: "dueAt", timingOnly: true }]],
        ["s3", [{ actionId: "s1", label: "Webhook 1 (Due lookup)", attributes: ["crmId", "dueAt"], timing: "dueAt" }]],
      ]),
    );
    // the planners' reading of the same rule (no templates): the last earlier step saving it; a variant's mapping counts as its step's
    expect(timedByEarlierSteps(actions)).toEqual(new Map([["s2", "Webhook 1 (Due lookup)"], ["s3", "Webhook 1 (Due lookup)"]]));
    const byVariant = [step({ id: "s1", position: 0 }), step({ id: "b1", position: 0, variantOfId: "s1", responseMapping: [{ path: "$.due", attribute: "dueAt" }] }), step({ id: "s2", position: 1, subDelivery: relative("user", "dueAt") })];
    expect(timedByEarlierSteps(byVariant)).toEqual(new Map([["s2", "Webhook 1 (Step 1)"]]));
    // its own mapping is not an earlier step's
    expect(timedByEarlierSteps([step({ id: "s1", position: 0, responseMapping: [{ path: "$.due", attribute: "dueAt" }], subDelivery: relative("user", "dueAt") })])).toEqual(new Map());
  });
});
