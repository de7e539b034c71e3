import { describe, expect, it } from "vitest";
import { looksSecretName, templateSafeUrl, templateSafeWebhook } from "./template-secrets";

describe("what a template may keep", () => {
  it("names that hold secrets, in any spelling, and names that do not", () => {
    for (const name of ["Authorization", "X-Api-Key", "api_key", "apiKey", "APIKEY", "access_token", "clientSecret", "password", "X-Hub-Signature", "sig", "Cookie", "key", "X-Auth-Token", "session_id"]) {
      expect(looksSecretName(name), name).toBe(true);
    }
    for (const name of ["author", "keyboard", "monkey", "email", "X-Request-Id", "Content-Language", "template_name", "idProperty", "passport_country", "tokenizer"]) {
      expect(looksSecretName(name), name).toBe(false);
    }
  });

  it("empties secret-named fragment pairs and path parameters as it empties the query's, and says so", () => {
    const cleared: string[] = [];
    expect(templateSafeUrl("https://example.com/cb;jsessionid=TPLJSESSRRR/x;v=2?page=1&token=Q1#access_token=TPLFRAGJJJ&state=s", cleared)).toBe("https://example.com/cb;jsessionid=/x;v=2?page=1&token=#access_token=&state=s");
    expect(cleared).toEqual(['the URL parameter "jsessionid"', 'the URL parameter "token"', 'the URL parameter "access_token"']);
    expect(templateSafeUrl("https://example.com/docs#section-2")).toBe("https://example.com/docs#section-2");
    expect(templateSafeUrl("https://example.com/a;TOKEN={{user.t}}#ACCESS%5FTOKEN=F1")).toBe("https://example.com/a;TOKEN={{user.t}}#ACCESS%5FTOKEN=");
    const { fields } = templateSafeWebhook({ url: "https://a.example.com/", headers: [], fields: [{ key: "cbf", value: "https://example.com/cb#access_token=FIELDFRAG1&state=s", type: "text" }, { key: "cbp", value: "https://example.com/cb;jsessionid=FIELDSESS1", type: "text" }] });
    expect(fields.map((f) => f.value)).toEqual(["https://example.com/cb#access_token=&state=s", "https://example.com/cb;jsessionid="]);
  });

  it("keeps data references under a secret name, never a literal", () => {
    const { headers, fields } = templateSafeWebhook({
      url: "https://a.example.com/",
      headers: [
        { name: "Idempotency-Key", value: "{{action.id}}-{{user.id}}" },
        { name: "Authorization", value: "Bearer {{user.crmToken}}" },
        { name: "Authorization2", value: "Bearer sk_live_1" },
        { name: "X-Api-Key", value: '{{default user.key "literal-fallback"}}' },
        { name: "X-Api-Key2", value: "{{user.key}}x1" },
      ],
      fields: [{ key: "token", value: "{{ user.token }}", type: "text" }],
    });
    expect(headers.map((h) => h.value)).toEqual(["{{action.id}}-{{user.id}}", "Bearer {{user.crmToken}}", "", "", ""]);
    expect(fields[0]!.value).toBe("{{ user.token }}");
  });

  it("URLs: the password goes, the username stays; secret query values and hook paths are emptied, the rest kept", () => {
    expect(templateSafeUrl("https://me:pa55@api.example.com/x?city={{user.city}}&code=azfn-key&access_token=t1#frag")).toBe("https://me@api.example.com/x?city={{user.city}}&code=&access_token=#frag");
    expect(templateSafeUrl("https://hooks.slack.com/services/{{slack_webhook_path}}")).toBe("https://hooks.slack.com/services/{{slack_webhook_path}}");
    expect(templateSafeUrl("https://discord.com/api/webhooks/123/abc-token")).toBe("https://discord.com/api/webhooks/{{discord_webhook_path}}");
    expect(templateSafeUrl("https://hooks.zapier.com/hooks/catch/123/abcdef/")).toBe("https://hooks.zapier.com/hooks/catch/{{zapier_hook_path}}");
    expect(templateSafeUrl("https://hooks.slack.com/services/{{#if user.vip}}T0/B0/VIP{{else}}T0/B0/STD{{/if}}")).toBe("https://hooks.slack.com/services/{{slack_webhook_path}}");
    // the same keys written with a port, in capitals, through Discord's versioned API or a Slack workflow trigger
    expect(templateSafeUrl("https://hooks.slack.com:443/triggers/T000/123/abc")).toBe("https://hooks.slack.com:443/triggers/{{slack_webhook_path}}");
    expect(templateSafeUrl("HTTPS://Discord.com/api/v10/webhooks/123/abc")).toBe("HTTPS://Discord.com/api/v10/webhooks/{{discord_webhook_path}}");
    expect(templateSafeUrl("https://api.example.com/v1/{{user.id}}?api_key={{user.key}}")).toBe("https://api.example.com/v1/{{user.id}}?api_key={{user.key}}");
    const cleared: string[] = [];
    templateSafeUrl("https://a.example.com/x?Api%5FKey=zzz", cleared);
    expect(cleared).toEqual(['the URL parameter "Api_Key"']);
  });

  it("a user name without a password is the credential (Stripe's key:), and goes; a {{ }} one stays", () => {
    const cleared: string[] = [];
    expect(templateSafeUrl("https://sk_live_51Habc:@api.stripe.com/v1/customers", cleared)).toBe("https://api.stripe.com/v1/customers");
    expect(cleared).toEqual(["the URL user name"]);
    expect(templateSafeUrl("https://sk_live_51Habc@api.stripe.com/v1/customers")).toBe("https://api.stripe.com/v1/customers");
    expect(templateSafeUrl("https://{{user.stripeKey}}@api.stripe.com/v1/customers")).toBe("https://{{user.stripeKey}}@api.stripe.com/v1/customers");
  });

  it("a code is the secret only as the whole name; ?code= is Azure's key, a postal or PIN code is data", () => {
    const cleared: string[] = [];
    expect(templateSafeUrl("https://a.example.com/x?code=k1&pin=1234&x-otp=9&postal_code=411001&pin_code=411001&otp_sent=1&otp_enabled=true", cleared)).toBe("https://a.example.com/x?code=&pin=&x-otp=&postal_code=411001&pin_code=411001&otp_sent=1&otp_enabled=true");
    expect(cleared).toEqual(['the URL parameter "code"', 'the URL parameter "pin"', 'the URL parameter "x-otp"']);
    const { fields, headers } = templateSafeWebhook({
      url: "https://a.example.com/",
      headers: [
        { name: "X-Pin", value: "1234" },
        { name: "X-Pin-Code", value: "411001" },
      ],
      fields: [
        { key: "otp_code", value: "987654", type: "text" },
        { key: "Pin Code", value: "411001", type: "text" },
        { key: "otp_sent", value: "true", type: "boolean" },
      ],
    });
    expect(headers.map((h) => h.value)).toEqual(["", "411001"]);
    expect(fields.map((f) => f.value)).toEqual(["", "411001", "true"]);
  });

  it("names glued into one word still name a secret", () => {
    for (const name of ["accesstoken", "authtoken", "clientsecret", "apisecret", "x-apitoken", "dbpassword"]) expect(looksSecretName(name), name).toBe(true);
    const cleared: string[] = [];
    expect(templateSafeUrl("https://a.example.com/x?accesstoken=t1&authtoken=t2&city=Paris", cleared)).toBe("https://a.example.com/x?accesstoken=&authtoken=&city=Paris");
  });

  it("JSON fields: a literal under a secret name goes at any depth (lists, numbers), and in a JSON body that only parses once rendered", () => {
    const { fields, cleared } = templateSafeWebhook({
      url: "https://a.example.com/",
      headers: [],
      fields: [
        { key: "payload", value: '{"auth": {"tokens": ["sk_live_1"], "pin": 4321}, "apiKey": ["k-2"], "city": "Paris", "n": 3}', type: "json" },
        { key: "body", value: '{"age": {{user.age}}, "token": "sk_live_3", "secret": sk_4, "keys": {"apiKey": ["k-5"]}, "id": "{{user.id}}", "password": "{{user.pw}}"}', type: "json" },
      ],
    });
    expect(JSON.parse(fields[0]!.value)).toEqual({ auth: { tokens: [""], pin: "" }, apiKey: [""], city: "Paris", n: 3 });
    expect(fields[1]!.value).toBe('{"age": {{user.age}}, "token": "", "secret": "", "keys": {"apiKey": ""}, "id": "{{user.id}}", "password": "{{user.pw}}"}');
    expect(cleared).toEqual(['secrets inside the data field "payload"', 'secrets inside the data field "body"']);
  });

  it("a literal hidden as a number argument or a [segment] of a {{ }} expression is a literal", () => {
    const { headers } = templateSafeWebhook({
      url: "https://a.example.com/",
      headers: [
        { name: "X-Api-Key", value: "{{default user.pin 48213377}}" },
        { name: "X-Api-Key2", value: "{{user.[sk_live_51Habc]}}" },
        { name: "X-Api-Key3", value: "{{user.keys.[0]}}" },
        { name: "Authorization", value: "Bearer {{ user.token }}" },
      ],
      fields: [],
    });
    expect(headers.map((h) => h.value)).toEqual(["", "", "", "Bearer {{ user.token }}"]);
  });

  it("Make, Integromat, IFTTT and Telegram keys give way to a placeholder; the IFTTT event and the Telegram method stay", () => {
    const cleared: string[] = [];
    expect(templateSafeUrl("https://hook.eu1.make.com/abcdefghijklmnop1234", cleared)).toBe("https://hook.eu1.make.com/{{make_webhook_path}}");
    expect(cleared).toEqual(["the secret part of the URL"]);
    expect(templateSafeUrl("https://hook.integromat.com/abcdefghijklmnop1234")).toBe("https://hook.integromat.com/{{make_webhook_path}}");
    expect(templateSafeUrl("https://maker.ifttt.com/trigger/door_opened/with/key/dKeY123")).toBe("https://maker.ifttt.com/trigger/door_opened/with/key/{{ifttt_webhook_key}}");
    expect(templateSafeUrl("https://api.telegram.org/bot123456:AAHsecret/sendMessage?chat_id=42")).toBe("https://api.telegram.org/bot{{telegram_bot_token}}/sendMessage?chat_id=42");
    // saved again, a template keeps its placeholders
    for (const url of ["https://api.telegram.org/bot{{telegram_bot_token}}/sendMessage", "https://maker.ifttt.com/trigger/door_opened/with/key/{{ifttt_webhook_key}}"]) {
      const again: string[] = [];
      expect(templateSafeUrl(url, again)).toBe(url);
      expect(again).toEqual([]);
    }
  });

  it("a hook URL or a URL with a password in a field or header of an ordinary name is not kept as typed", () => {
    const { fields, headers, cleared } = templateSafeWebhook({
      url: "https://a.example.com/",
      headers: [{ name: "X-Callback", value: "https://bob:hunter2@example.com/cb" }],
      fields: [
        { key: "slack_url", value: "https://hooks.slack.com/services/T0/B0/SLACKSECRET", type: "text" },
        { key: "callback", value: "https://bob:hunter2@example.com/cb", type: "text" },
        { key: "site", value: "https://example.com/a?page=2", type: "text" },
        { key: "payload", value: JSON.stringify({ cb: "https://bob:hunter2@example.com/cb", city: "Paris" }), type: "json" },
        { key: "raw", value: '{"n": {{user.age}}, "slack": "https://hooks.slack.com/services/T0/B0/SLACKSECRET"}', type: "json" },
      ],
    });
    expect(fields.map((f) => f.value)).toEqual([
      "https://hooks.slack.com/services/{{slack_webhook_path}}",
      "https://bob@example.com/cb",
      "https://example.com/a?page=2",
      JSON.stringify({ cb: "https://bob@example.com/cb", city: "Paris" }),
      '{"n": {{user.age}}, "slack": "https://hooks.slack.com/services/{{slack_webhook_path}}"}',
    ]);
    expect(headers[0]!.value).toBe("https://bob@example.com/cb");
    const inQuery: string[] = [];
    expect(templateSafeUrl("https://a.example.com/x?cb=https://bob:hunter2@example.com/cb&page=2", inQuery)).toBe("https://a.example.com/x?cb=https://bob@example.com/cb&page=2");
    expect(inQuery).toEqual(['a credential in a URL in the URL parameter "cb"']);
    expect(templateSafeUrl(`https://a.example.com/x?next=${encodeURIComponent("https://hooks.slack.com/services/T0/B0/SLACKSECRET")}`)).not.toContain("SLACKSECRET");
    const escaped = templateSafeWebhook({ url: "https://a.example.com/", headers: [], fields: [{ key: "p", value: JSON.stringify({ cb: "https://bob:hunter2@example.com/cb" }).replaceAll("/", "\\/"), type: "json" }] });
    expect(JSON.parse(escaped.fields[0]!.value)).toEqual({ cb: "https://bob@example.com/cb" });
    expect(JSON.stringify({ fields, headers })).not.toMatch(/hunter2|SLACKSECRET/);
    expect(cleared).toEqual([
      'a credential in a URL in the header "X-Callback"',
      'a credential in a URL in the data field "slack_url"',
      'a credential in a URL in the data field "callback"',
      'a credential in a URL in the data field "payload"',
      'a credential in a URL in the data field "raw"',
    ]);
  });

  it("a URL in a query value in a URL in a query value… is read one level down: a saved template's 128 KiB is quick", () => {
    const nested = "x://?a=".repeat(18_000);
    const started = performance.now();
    templateSafeWebhook({ url: `https://x.example/?q=${nested.slice(0, 8000)}`, headers: [{ name: "X", value: nested }], fields: [{ key: "a", value: nested, type: "text" }] });
    expect(performance.now() - started).toBeLessThan(1000); // every level: 1.1 s
  });
});
