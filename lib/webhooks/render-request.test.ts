import { describe, expect, it } from "vitest";
import { renderWebhookRequest } from "./render-request";
import type { TemplateContext, WebhookTemplate } from "./types";

const hostile = [`quote " and ' `, "amp & eq = hash # slash / q ?", "new\nline\r\n", "emoji 🎉👩‍👩‍👧", "RTL ‏مرحبا עברית", "São Paulo/Centro", "back\\slash", "<script>&lt;"];

const ctxWith = (value: string): TemplateContext => ({
  user: { id: "u-1", email: "m@example.com", attributes: { city: value, firstName: "Mary", plan: "pro", "First name": "Mary Ann" } },
  event: { name: "purchase", params: { amount: 42, sku: value } },
  campaign: { id: "c1", name: "Camp" },
  action: { id: "a1" },
  now: new Date("2026-11-26T12:00:00Z"),
});

const base: WebhookTemplate = { method: "POST", url: "https://api.example.com/hook", contentType: "application/json", fields: [], headers: [] };
const opts = { webhookId: "msg_test", timestamp: new Date("2026-11-26T12:00:00Z") };

function ok(t: WebhookTemplate, ctx: TemplateContext) {
  const r = renderWebhookRequest(t, ctx, opts);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.request;
}

describe("URL escaping", () => {
  it.each(hostile)("a value in the path or query stays one segment / one value: %j", (value) => {
    const req = ok({ ...base, url: "https://api.example.com/users/{{user.city}}/x?city={{userAttribute.city}}&sku={{parameter.sku}}" }, ctxWith(value));
    const url = new URL(req.url);
    expect(url.host).toBe("api.example.com");
    const segments = url.pathname.split("/");
    expect(segments).toHaveLength(4);
    expect(decodeURIComponent(segments[2])).toBe(value);
    expect([...url.searchParams.keys()]).toEqual(["city", "sku"]);
    expect(url.searchParams.get("city")).toBe(value);
    expect(url.searchParams.get("sku")).toBe(value);
    expect(url.hash).toBe("");
  });

  it("a {{{triple}}} is raw, and must still be an absolute http(s) URL", () => {
    const ctx = ctxWith("x");
    ctx.user.attributes.endpoint = "https://hooks.example.org/a/b?c=d";
    expect(ok({ ...base, url: "{{{user.endpoint}}}" }, ctx).url).toBe("https://hooks.example.org/a/b?c=d");
    ctx.user.attributes.endpoint = "javascript:alert(1)";
    const r = renderWebhookRequest({ ...base, url: "{{{user.endpoint}}}" }, ctx, opts);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ field: "url", message: expect.stringMatching(/absolute http/) });
  });

  it("credentials become Basic auth and leave the URL", () => {
    const req = ok({ ...base, url: "https://na%20me:p%40ss:word@api.example.com/x" }, ctxWith("x"));
    expect(req.url).toBe("https://api.example.com/x");
    const auth = req.headers.find(([k]) => k === "Authorization")?.[1];
    expect(Buffer.from(auth!.replace("Basic ", ""), "base64").toString()).toBe("na me:p@ss:word");
  });
});

describe("JSON bodies", () => {
  it.each(hostile)("a value can never break the document: %j", (value) => {
    const req = ok(
      {
        ...base,
        fields: [
          { key: "city", value: "{{user.city}}", type: "text" },
          { key: "address.line", value: "at {{userAttribute.city}} end", type: "text" },
          { key: "meta", value: '{"sku": "{{parameter.sku}}", "n": {{event.params.amount}} }', type: "json" },
        ],
      },
      ctxWith(value),
    );
    const body = JSON.parse(req.body!);
    expect(body).toEqual({ city: value, address: { line: `at ${value} end` }, meta: { sku: value, n: 42 } });
  });

  it("typed values: number, boolean, json; errors name the field", () => {
    const req = ok(
      {
        ...base,
        fields: [
          { key: "amount", value: "{{event.params.amount}}", type: "number" },
          { key: "pro", value: '{{#if (eq user.plan "pro")}}true{{else}}false{{/if}}', type: "boolean" },
          { key: "tags", value: '["a", "{{user.plan}}"]', type: "json" },
        ],
      },
      ctxWith("x"),
    );
    expect(JSON.parse(req.body!)).toEqual({ amount: 42, pro: true, tags: ["a", "pro"] });
    const bad = renderWebhookRequest({ ...base, fields: [{ key: "n", value: "{{user.city}}", type: "number" }] }, ctxWith("abc"), opts);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ field: "fields[0].value", message: expect.stringContaining("not a number") });
  });

  it("a URL left with a destination template's placeholder host says to replace the placeholder", () => {
    const r = renderWebhookRequest({ ...base, url: "https://{{your_host}}/webhooks/hookline" }, ctxWith("x"), { ...opts, collectWarnings: true });
    // said once, as the URL's error, not again as a warning beside it
    expect(r.warnings.filter((w) => w.field === "url")).toEqual([]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([expect.objectContaining({ field: "url", message: expect.stringContaining("Replace {{your_host}} in the URL with your receiver's host") })]);
    // a user's value in the host, or a helper's call, is not a placeholder
    expect(renderWebhookRequest({ ...base, url: "https://{{user.city}}/x" }, ctxWith("example.com"), opts).ok).toBe(true);
    expect(renderWebhookRequest({ ...base, url: "https://{{lower user.city}}/x" }, ctxWith("Example.com"), opts).ok).toBe(true);
    // a placeholder in the path is a warning (Activate refuses it), as before
    expect(renderWebhookRequest({ ...base, url: "https://hooks.slack.com/services/{{slack_webhook_path}}" }, ctxWith("x"), opts).ok).toBe(true);
    // a user's value that is not a URL still gets the general advice
    const fromUser = renderWebhookRequest({ ...base, url: "{{user.city}}" }, ctxWith("not a url"), opts);
    if (!fromUser.ok) expect(fromUser.errors[0]!.message).toContain("triple braces");
  });

  it("a JSON field nested too deeply is a problem at the field, not a thrown RangeError (typed, or from a user's attribute)", () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    const typed = renderWebhookRequest({ ...base, fields: [{ key: "a", value: deep(8000), type: "json" }] }, ctxWith("x"), opts);
    expect(typed.ok).toBe(false);
    if (!typed.ok) expect(typed.errors[0]).toMatchObject({ field: "fields[0].value", message: expect.stringContaining("nested more than 128 levels") });
    const fromData = renderWebhookRequest({ ...base, fields: [{ key: "score", value: '{"score": {{{user.city}}} }', type: "json" }] }, ctxWith(deep(4999)), opts);
    expect(fromData.ok).toBe(false);
    // 128 levels still render: event parameters (64 deep at most) can sit inside a field's own nesting
    const fine = renderWebhookRequest({ ...base, fields: [{ key: "a", value: deep(128), type: "json" }] }, ctxWith("x"), opts);
    expect(fine.ok).toBe(true);
  });

  it("refuses duplicate keys and keys that clash", () => {
    const r = renderWebhookRequest({ ...base, fields: [{ key: "a", value: "1", type: "text" }, { key: "a.b", value: "2", type: "text" }] }, ctxWith("x"), opts);
    expect(r.ok).toBe(false);
  });
});

describe("form bodies and GET", () => {
  it.each(hostile)("form values are form-encoded: %j", (value) => {
    const req = ok({ ...base, contentType: "application/x-www-form-urlencoded", fields: [{ key: "city", value: "{{user.city}}", type: "text" }, { key: "first name", value: "{{user.firstName}} Smith", type: "text" }] }, ctxWith(value));
    const params = new URLSearchParams(req.body!);
    expect(params.get("city")).toBe(value);
    expect(params.get("first name")).toBe("Mary Smith");
    expect(req.body).toContain("Mary+Smith");
    expect(req.headers).toContainEqual(["Content-Type", "application/x-www-form-urlencoded;charset=UTF-8"]);
  });

  it("a GET sends no body: its data becomes query parameters", () => {
    const req = ok({ ...base, method: "GET", url: "https://api.example.com/x?a=1", fields: [{ key: "city", value: "{{user.city}}", type: "text" }] }, ctxWith("a&b=c"));
    expect(req.body).toBeNull();
    expect(new URL(req.url).searchParams.getAll("city")).toEqual(["a&b=c"]);
    expect(req.headers.find(([k]) => k === "Content-Type")).toBeUndefined();
  });
});

describe("headers", () => {
  it("refuses reserved headers and line breaks", () => {
    for (const name of ["Host", "Content-Length", "Content-Type", "webhook-id"]) {
      const r = renderWebhookRequest({ ...base, headers: [{ name, value: "x" }] }, ctxWith("x"), opts);
      expect(r.ok, name).toBe(false);
    }
    const withCreds = renderWebhookRequest({ ...base, url: "https://a:b@x.example.com/", headers: [{ name: "Authorization", value: "x" }] }, ctxWith("x"), opts);
    expect(withCreds.ok).toBe(false);
    const crlf = renderWebhookRequest({ ...base, headers: [{ name: "X-City", value: "{{user.city}}" }] }, ctxWith("a\r\nX-Evil: 1"), opts);
    expect(crlf.ok).toBe(false);
  });

  // a receiver behind a proxy may route by them (IIS, Symfony: X-Original-URL; Express, Django, Rails with
  // trusted proxies: X-Forwarded-Host): a request sent under its fixed part, with the stored secrets, must not name another place
  it.each(["X-Original-URL", "x-rewrite-url", "X-Forwarded-Host", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Prefix", "x-forwarded-path", "X-Original-Host", "X-Host", "X-Forwarded-Server"])("refuses the routing header %s at its name", (name) => {
    const r = renderWebhookRequest({ ...base, headers: [{ name, value: "/admin" }] }, ctxWith("x"), opts);
    expect(r.ok ? [] : r.errors.map((e) => [e.field, e.message])).toEqual([["headers[0].name", expect.stringMatching(/tells the receiver where the request goes, which only the URL chooses/)]]);
  });

  it("a header ticked secret with no value yet (a template's, a cleared copy's) is not sent, and the preview says why", () => {
    const t = { ...base, headers: [{ name: "Authorization", value: "", secret: true }, { name: "X-Empty", value: "" }] };
    const r = renderWebhookRequest(t, ctxWith("x"), { ...opts, collectWarnings: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const names = r.request.headers.map(([n]) => n.toLowerCase());
    expect(names).not.toContain("authorization");
    expect(names).toContain("x-empty"); // not a secret: sent as typed
    expect(r.warnings).toEqual([{ field: "headers[0].value", message: expect.stringMatching(/secret header "Authorization" has no value yet, so it is not sent/), blocksActivation: true }]);
  });

  it("every request carries User-Agent, webhook-id and webhook-timestamp", () => {
    const req = ok(base, ctxWith("x"));
    const h = Object.fromEntries(req.headers);
    expect(h["User-Agent"]).toMatch(/^Hookline\/\d/);
    expect(h["webhook-id"]).toBe("msg_test");
    expect(h["webhook-timestamp"]).toBe(String(Date.parse("2026-11-26T12:00:00Z") / 1000));
  });
});

describe("templates", () => {
  it("helpers", () => {
    const render = (value: string) => JSON.parse(ok({ ...base, fields: [{ key: "v", value, type: "text" }] }, ctxWith("  Paris  ")).body!).v;
    expect(render('{{default user.nickname "there"}}')).toBe("there");
    expect(render("{{upper user.firstName}}")).toBe("MARY");
    expect(render("{{lower user.plan}}")).toBe("pro");
    expect(render("{{trim user.city}}")).toBe("Paris");
    expect(render("{{truncate user.firstName 2}}")).toBe("Ma");
    expect(render("{{urlencode user.city}}")).toBe("%20%20Paris%20%20");
    expect(render("{{json event.params.amount}}")).toBe("42");
    expect(render('{{date now "yyyy-MM-dd HH:mm" "Europe/Paris"}}')).toBe("2026-11-26 13:00");
    expect(render("{{#if (and (gt event.params.amount 10) (lt event.params.amount 100))}}mid{{/if}}")).toBe("mid");
    expect(render('{{#if (or (ne user.plan "pro") (not user.plan))}}x{{else}}y{{/if}}')).toBe("y");
    expect(render("{{userAttribute.[First name]}}")).toBe("Mary Ann");
    expect(render("{{campaign.name}}/{{action.id}}/{{event.name}}/{{user.email}}")).toBe("Camp/a1/purchase/m@example.com");
  });

  it("prototype access renders nothing or fails cleanly", () => {
    for (const t of ["{{constructor.constructor}}", '{{lookup this "__proto__"}}', "{{__proto__}}", "{{user.constructor.name}}", '{{#with (lookup this "constructor")}}{{name}}{{/with}}', "{{user.__proto__.polluted}}"]) {
      const r = renderWebhookRequest({ ...base, fields: [{ key: "v", value: t, type: "text" }] }, ctxWith("x"), opts);
      if (r.ok) expect(JSON.parse(r.request.body!).v, t).toBe("");
      else expect(r.errors[0].field).toBe("fields[0].value");
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("errors carry field, line and column; unknown helpers and partials are refused", () => {
    const r = renderWebhookRequest({ ...base, fields: [{ key: "a", value: "ok", type: "text" }, { key: "b", value: "line1\n{{#if user.plan}}", type: "text" }] }, ctxWith("x"), opts);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ field: "fields[1].value", line: 2 });
    for (const t of ["{{evil user.id}}", "{{> partial}}", "{{log 'x'}}"]) {
      expect(renderWebhookRequest({ ...base, fields: [{ key: "v", value: t, type: "text" }] }, ctxWith("x"), opts).ok, t).toBe(false);
    }
  });

  it("lists variables the user lacks as warnings", () => {
    const r = renderWebhookRequest({ ...base, url: "https://x.example.com/{{user.nickname}}", fields: [{ key: "v", value: "{{userAttribute.score}} {{user.firstName}}", type: "text" }] }, ctxWith("x"), { ...opts, collectWarnings: true });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.message).join(" ")).toMatch(/user\.nickname.*userAttribute\.score/);
    expect(r.warnings.map((w) => w.field)).toEqual(["url", "fields[0].value"]);
  });

  it("bounds the output: a body over 256 KiB is an error", () => {
    const ctx = ctxWith("x");
    ctx.user.attributes.blob = "x".repeat(200 * 1024);
    const r = renderWebhookRequest({ ...base, fields: [{ key: "a", value: "{{user.blob}}", type: "text" }, { key: "b", value: "{{user.blob}}", type: "text" }] }, ctx, opts);
    expect(r.ok).toBe(false);
  });
});

describe("checkTemplateSyntax (static checks for the editor)", () => {
  it("names every problem that does not depend on the user", async () => {
    const { checkTemplateSyntax } = await import("./render-request");
    const problems = checkTemplateSyntax({
      ...base,
      url: "https://a:b@api.example.com/{{#if user.plan}}",
      fields: [
        { key: "a", value: "{{user.city}}", type: "text" },
        { key: "a", value: "{{", type: "text" },
        { key: "b", value: "x", type: "text" },
        { key: "b.c", value: "{{> partial}}", type: "text" },
      ],
      headers: [
        { name: "Host", value: "x" },
        { name: "Authorization", value: "Bearer x" },
        { name: "X-Ok", value: "{{upper user.plan}}" },
        { name: "Bad Name", value: "{{nope user.plan}}" },
      ],
    });
    const byField = Object.fromEntries(problems.map((p) => [p.field, p.message]));
    expect(Object.keys(byField).sort()).toEqual(
      ["url", "fields[1].value", "fields[1].key", "fields[3].value", "fields[3].key", "headers[0].name", "headers[1].name", "headers[3].value", "headers[3].name"].sort(),
    );
    expect(byField["headers[0].name"]).toMatch(/set by Hookline/);
    expect(byField["headers[1].name"]).toMatch(/credentials in the URL/);
    expect(byField["headers[3].value"]).toMatch(/Unknown helper nope/);
    expect(problems.find((p) => p.field === "url")).toMatchObject({ line: 1 });
  });

  it("an Authorization header beside credentials after a templated scheme is named in the editor, as at send time", async () => {
    const { checkTemplateSyntax } = await import("./render-request");
    for (const url of ["{{user.scheme}}://bob:pw@api.example.com/x", "https:///bob@api.example.com/x", "http{{#if user.plan}}s{{/if}}://bob@api.example.com/"]) {
      const problems = checkTemplateSyntax({ ...base, url, headers: [{ name: "Authorization", value: "Bearer x" }] });
      expect(problems.map((p) => p.message), url).toContain("Authorization comes from the credentials in the URL; remove one of them");
    }
    expect(checkTemplateSyntax({ ...base, url: "{{user.scheme}}://api.example.com/x?at=a@b", headers: [{ name: "Authorization", value: "Bearer x" }] })).toEqual([]);
  });

  it("a URL with a user name only still becomes Basic auth", () => {
    const req = ok({ ...base, url: "https://token123@api.example.com/x" }, ctxWith("x"));
    expect(req.url).toBe("https://api.example.com/x");
    expect(Buffer.from(Object.fromEntries(req.headers).Authorization.slice(6), "base64").toString()).toBe("token123:");
  });
});

describe("signing", () => {
  const signature = (t: WebhookTemplate) => ok(t, ctxWith("x")).headers.find(([name]) => name === "webhook-signature")?.[1];
  const secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"];

  it("signs a request to the fixed origin the URL was saved with, default port or not", () => {
    expect(signature({ ...base, signingSecrets: secrets })).toMatch(/^v1,/);
    expect(signature({ ...base, url: "https://crm:pw@api.example.com:443/users/{{user.id}}?q={{user.city}}", signingSecrets: secrets })).toMatch(/^v1,/);
  });

  it("sends no stored secret, and no signature, out of the path before the URL's first template (a dot segment after it)", () => {
    const secretHeader = [{ name: "X-Api-Key", value: "key-123", secret: true }];
    // written after the template (a user's "." or ".." in a path segment is refused anyway)
    for (const url of ["https://crm:pw@api.example.com/u/{{userAttribute.city}}/../../evil", "https://crm:pw@api.example.com/u/{{userAttribute.city}}/%2e%2e/%2E%2E/evil", "https://api.example.com/u/{{userAttribute.city}}\\..\\..\\evil"]) {
      const r = renderWebhookRequest({ ...base, url, headers: secretHeader, signingSecrets: secrets }, ctxWith("x"), opts);
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.message).join("\n")).toMatch(/leaves the path before its first template .* the secret header "X-Api-Key" is not sent there/);
    }
    // without a stored secret it is sent, unsigned; under the path it is signed
    expect(signature({ ...base, url: "https://api.example.com/u/{{userAttribute.city}}/../../evil", signingSecrets: secrets })).toBeUndefined();
    expect(signature({ ...base, url: "https://api.example.com/u/{{userAttribute.city}}/a/../b", signingSecrets: secrets })).toMatch(/^v1,/);
  });

  it("never signs a request whose host a template chooses (a user's attribute could name any server)", () => {
    const attacker = { ...ctxWith("x"), user: { ...ctxWith("x").user, attributes: { crm: "evil.example.net" } } };
    for (const url of ["https://{{user.crm}}/hook", "https://{{user.crm}}.example.com/hook", "https://{{{user.crm}}}@api.example.com/hook"]) {
      expect(ok({ ...base, url, signingSecrets: secrets }, attacker).headers.map(([name]) => name), url).not.toContain("webhook-signature");
    }
  });
});

// Stored secrets go only under the fixed part, judged on the URL as sent (url-origin.ts whereSent "repeated").
describe("a parameter of the fixed query named again", () => {
  const secretGet: WebhookTemplate = { ...base, method: "GET", url: "https://api.example.com/hook?id=victim&tag={{{user.tag}}}", headers: [{ name: "X-Api-Key", value: "key-123", secret: true }], signingSecrets: ["whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ="] };
  const withTag = (tag: string): TemplateContext => ({ ...ctxWith("x"), user: { id: "u-1", email: null, attributes: { tag } } });

  it("by what the URL renders after its first template: refused at the URL", () => {
    const r = renderWebhookRequest(secretGet, withTag("a&id=attacker"), opts);
    expect(r.ok ? [] : r.errors.map((e) => [e.field, e.message])).toEqual([["url", expect.stringMatching(/names a parameter of its fixed query again.*"X-Api-Key" and the signature are not sent/)]]);
  });

  it.each([
    ["https://api.example.com/hook?id=victim", "ID"],
    ["https://api.example.com/hook?my_id=victim", "my.id"],
    ["https://api.example.com/hook?id[]=victim", "id"],
  ])("by a data field (%s, %s): refused at the field, the signing secret alone included", (url, key) => {
    const r = renderWebhookRequest({ ...secretGet, url, headers: [], fields: [{ key, value: "attacker", type: "text" }] }, withTag("a"), opts);
    expect(r.ok ? [] : r.errors.map((e) => [e.field, e.message])).toEqual([["fields[0].key", expect.stringMatching(/is a parameter of the URL's query already.*so the signature is not sent/)]]);
  });

  it("with nothing stored it is sent as rendered, and a new name with the secrets, signed", () => {
    expect(ok({ ...base, method: "GET", url: "https://api.example.com/hook?id=victim", fields: [{ key: "id", value: "attacker", type: "text" }] }, withTag("a")).url).toBe("https://api.example.com/hook?id=victim&id=attacker");
    const sent = ok({ ...secretGet, fields: [{ key: "ref", value: "1", type: "text" }] }, withTag("a&more=1"));
    expect(sent.url).toBe("https://api.example.com/hook?id=victim&tag=a&more=1&ref=1");
    expect(Object.fromEntries(sent.headers)).toMatchObject({ "X-Api-Key": "key-123", "webhook-signature": expect.stringMatching(/^v1,/) });
  });

  it("a GET's data follow the fixed query as typed (not written again, which would move it off its fixed part)", () => {
    const sent = ok({ ...secretGet, url: "https://api.example.com/hook?tags[]=a&q=b%20c", fields: [{ key: "ref", value: "x y", type: "text" }] }, withTag("a"));
    expect(sent.url).toBe("https://api.example.com/hook?tags[]=a&q=b%20c&ref=x+y");
    expect(Object.fromEntries(sent.headers)).toMatchObject({ "X-Api-Key": "key-123", "webhook-signature": expect.stringMatching(/^v1,/) });
  });
});
