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
});
