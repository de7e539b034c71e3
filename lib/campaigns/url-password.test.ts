import { describe, expect, it } from "vitest";
import { SECRET_MASK } from "./limits";
import { isUserinfoSecret, maskedUrlTemplate, splitUrlPassword, urlPasswordProblem, withUrlPassword } from "./url-password";
import { maskUrlPasswords } from "../webhooks/url-credentials";

describe("splitUrlPassword", () => {
  it("splits the password out of a URL whose scheme is a literal", () => {
    expect(splitUrlPassword("https://bob:s3cret@crm.example.com/x")).toEqual({ urlTemplate: "https://bob@crm.example.com/x", password: "s3cret" });
  });

  it.each([
    ["{{user.scheme}}://bob:s3cret@crm.example.com/x", "{{user.scheme}}://bob@crm.example.com/x"],
    ["{{campaign.proto}}s://bob:s3cret@host.example.com", "{{campaign.proto}}s://bob@host.example.com"],
    ["http{{#if user.tls}}s{{/if}}://bob:s3cret@crm.example.com/x", "http{{#if user.tls}}s{{/if}}://bob@crm.example.com/x"],
    ["{{{user.scheme}}}://{{user.login}}:s3cret@crm.example.com/x", "{{{user.scheme}}}://{{user.login}}@crm.example.com/x"],
    ["{{#if user.vip}}https://bob:s3cret@vip.example.com/x{{/if}}", "{{#if user.vip}}https://bob@vip.example.com/x{{/if}}"],
  ])("splits the password out of %s (a templated scheme)", (typed, stored) => {
    const split = splitUrlPassword(typed);
    expect(split).toEqual({ urlTemplate: stored, password: "s3cret" });
    expect(withUrlPassword(split.urlTemplate, split.password)).toBe(typed);
    expect(maskedUrlTemplate(split.urlTemplate, split.password)).not.toContain("s3cret");
    expect(maskedUrlTemplate(split.urlTemplate, split.password)).toContain(`:${SECRET_MASK}@`);
  });

  it("splits a password after a {{ }} value holding a slash in the user name (the authority ends at a literal /)", () => {
    const typed = `https://{{default user.login "a/b"}}:s3cret@crm.example.com/x`;
    const split = splitUrlPassword(typed);
    expect(split.password).toBe("s3cret");
    expect(split.urlTemplate).not.toContain("s3cret");
    expect(withUrlPassword(split.urlTemplate, split.password)).toBe(typed);
  });
});

describe("urlPasswordProblem: a literal password that cannot be split out is refused", () => {
  it.each([
    ["after leading template text", "{{{user.base}}}bob:s3cret@crm.example.com/x"],
    ["after a templated scheme without its ://", "{{user.scheme}}//bob:s3cret@crm.example.com/x"],
    ["in another branch of a block", "{{#if user.vip}}https://a.example.com/x{{else}}https://bob:s3cret@b.example.com/x{{/if}}"],
    ["in a branch after leading text", "{{#if user.vip}}https://a.example.com/{{else}}{{{user.base}}}bob:s3cret@b.example.com{{/if}}"],
    ["with a value inside it", "{{{user.base}}}bob:s3{{user.id}}cret@crm.example.com/x"],
  ])("%s", (_, url) => {
    expect(urlPasswordProblem(url)).toMatch(/Write the password right after the scheme/);
    expect(() => splitUrlPassword(url)).not.toThrow();
  });

  it.each([
    "https://bob:s3cret@crm.example.com/x",
    "{{user.scheme}}://bob:s3cret@crm.example.com/x",
    "{{#if user.vip}}https://bob:s3cret@vip.example.com/x{{/if}}",
    "{{{user.endpoint}}}",
    "{{{user.base}}}/notify?to=mailto:bob@example.com",
    "https://a.example.com/a?next=https://x:y@b.example.com",
    "https://{{user.credentials}}@crm.example.com/x",
    "{{{user.base}}}{{user.login}}:{{user.password}}@crm.example.com/x",
    "https://crm.example.com:8443/x",
    "{{{user.base}}}:8443/x",
  ])("accepts %s (nothing literal to hide, or split out)", (url) => {
    expect(urlPasswordProblem(url)).toBeNull();
  });
});

describe("maskedUrlTemplate", () => {
  it("masks a password stored in clear before templated schemes were split, wherever it sits", () => {
    expect(maskedUrlTemplate("{{user.scheme}}://bob:s3cret@crm.example.com/x", null)).toBe(`{{user.scheme}}://bob:${SECRET_MASK}@crm.example.com/x`);
    expect(maskedUrlTemplate("{{{user.base}}}bob:s3cret@crm.example.com/x", null)).toBe(`{{{user.base}}}bob:${SECRET_MASK}@crm.example.com/x`);
    expect(maskedUrlTemplate("{{#if x}}https://a.example.com{{else}}https://bob:s3cret@b.example.com{{/if}}", null)).toBe(
      `{{#if x}}https://a.example.com{{else}}https://bob:${SECRET_MASK}@b.example.com{{/if}}`,
    );
  });

  it("leaves a URL without a literal password as it is", () => {
    expect(maskedUrlTemplate("{{{user.base}}}/notify?to=mailto:bob@example.com", null)).toBe("{{{user.base}}}/notify?to=mailto:bob@example.com");
    expect(maskedUrlTemplate("https://crm@api.example.com/x", "pw")).toBe(`https://crm:${SECRET_MASK}@api.example.com/x`);
  });
});

describe("URL forms an attacker's review found (2026-12-04)", () => {
  it.each([
    ["https:///bob:S3CRETPW@127.0.0.1:9/hook", "https:///bob@127.0.0.1:9/hook"],
    ["https:////bob:S3CRETPW@h.example.com/", "https:////bob@h.example.com/"],
    ["https://\\bob:S3CRETPW@h.example.com/", "https://\\bob@h.example.com/"],
    ["{{user.scheme}}:///bob:S3CRETPW@h.example.com/", "{{user.scheme}}:///bob@h.example.com/"],
  ])("a browser skips extra slashes after the scheme: %s is split like https://bob:...@", (typed, stored) => {
    const split = splitUrlPassword(typed);
    expect(split).toEqual({ urlTemplate: stored, password: "S3CRETPW" });
    expect(withUrlPassword(split.urlTemplate, split.password)).toBe(typed);
    expect(maskedUrlTemplate(typed, null)).not.toContain("S3CRETPW");
  });

  it.each([
    "https://{{~!-- }}/ --}}bob:pw@h.example.com/",
    'https://{{~! "}}bob:pw@h.example.com/"}}',
    "https://{{!-- a --~}}bob:pw@h.example.com/{{!-- b --}}",
    "https://{{!--}}bob:pw@h.example.com/{{!-- b --}}",
    "https://\\{{x}}bob:pw@h.example.com/",
    'https://{{{{raw}}}}{{"{{{{/raw}}}}bob:pw@h.example.com/"}}',
  ])("a comment, raw block or escaped {{ (read otherwise than Handlebars reads it) is refused: %s", (url) => {
    expect(urlPasswordProblem(url)).toMatch(/^A URL cannot hold/);
  });

  it('a "{{" made by dropping a newline is text, as Handlebars reads it: the password behind it is found', () => {
    const url = 'https://{\n{"}}bob:pw@h.example.com/"}}';
    const split = splitUrlPassword(url);
    // the userinfo a browser reads is '{{"}}bob:pw': its password is split out, never kept in the template
    expect(split.password).toBe("pw");
    expect(split.urlTemplate).not.toContain(":pw@");
  });

  it("a run of colons is checked in linear time (a regular expression took seconds for 2,000)", () => {
    for (const url of ["{{x}}" + ":".repeat(20_000), "{{x}}@" + ":".repeat(20_000) + "@", "{{x}}" + ":a".repeat(20_000) + "@"]) {
      const started = performance.now();
      urlPasswordProblem(url);
      maskedUrlTemplate(url, null);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});

describe("an '@' a {{ }} value may render", () => {
  it("a literal name:password before a value in the authority is refused and masked (https://bob:pw{{{x}}}host)", () => {
    for (const url of ['https://bob:pw{{{default user.x "@"}}}h.example.com/', "https://bob:pw{{sep}}h.example.com/x", "{{s}}://bob:pw{{sep}}h.example.com"]) {
      expect(urlPasswordProblem(url)).toMatch(/^Write the password right after the scheme/);
      expect(maskedUrlTemplate(url, null)).not.toContain(":pw");
    }
  });

  it("a port, an IPv6 address or values alone are not a password", () => {
    for (const url of ["https://api.example.com:8080{{path}}", "https://[::1]{{path}}", "https://{{user}}:{{pass}}@h.example.com/", "https://{{sub}}.example.com:8443/x", "https://h.example.com:{{port}}/", "https://h.example.com/{{a}}:b{{c}}"]) {
      expect(urlPasswordProblem(url)).toBeNull();
    }
  });
});

describe("a user name without a password is the credential (https://sk_live_...:@api.stripe.com)", () => {
  it.each([
    ["https://sk_live_51Hx9aBcD:@api.stripe.com/v1/charges", "https://@api.stripe.com/v1/charges"],
    ["{{user.scheme}}://sk_live_51Hx9aBcD:@api.stripe.com/v1", "{{user.scheme}}://@api.stripe.com/v1"],
    ["https://{{user.tenant}}-sk_live_51Hx9aBcD:@api.stripe.com/v1", "https://@api.stripe.com/v1"],
  ])("%s is split out whole, put back as typed, and shown as ••••@", (typed, stored) => {
    const split = splitUrlPassword(typed);
    expect(split.urlTemplate).toBe(stored);
    expect(isUserinfoSecret(split.password)).toBe(true);
    expect(withUrlPassword(split.urlTemplate, split.password)).toBe(typed);
    const shown = maskedUrlTemplate(split.urlTemplate, split.password);
    expect(shown).not.toContain("sk_live");
    expect(shown).toBe(stored.replace("://@", `://${SECRET_MASK}@`));
    // the URL as shown, saved again, stands for the stored secret
    expect(splitUrlPassword(shown)).toEqual({ urlTemplate: stored, password: SECRET_MASK });
  });

  it("shows a key still in a stored template (saved before this split, beside an empty password) masked too", () => {
    expect(maskedUrlTemplate("https://sk_live_51Hx9aBcD@api.stripe.com/v1", "")).toBe(`https://${SECRET_MASK}@api.stripe.com/v1`);
    expect(maskedUrlTemplate("https://sk_live_51Hx9aBcD:@api.stripe.com/v1", null)).toBe(`https://${SECRET_MASK}@api.stripe.com/v1`);
  });

  it.each([
    ["https://sk_live_51Hx9aBcD@api.stripe.com/v1/charges", "https://@api.stripe.com/v1/charges"],
    ["https://crm@api.example.com/x", "https://@api.example.com/x"],
    ["{{user.scheme}}://sk_live_51Hx9aBcD@api.stripe.com/v1", "{{user.scheme}}://@api.stripe.com/v1"],
    ["https://{{user.tenant}}-sk_live_51Hx9aBcD@api.stripe.com/v1", "https://@api.stripe.com/v1"],
  ])("%s (a user name without even a colon: sent as Basic name: all the same) is split out whole, put back as typed, and shown as ••••@", (typed, stored) => {
    const split = splitUrlPassword(typed);
    expect(split.urlTemplate).toBe(stored);
    expect(isUserinfoSecret(split.password)).toBe(true);
    expect(withUrlPassword(split.urlTemplate, split.password)).toBe(typed);
    const shown = maskedUrlTemplate(split.urlTemplate, split.password);
    expect(shown).toBe(stored.replace("://@", `://${SECRET_MASK}@`));
    expect(splitUrlPassword(shown)).toEqual({ urlTemplate: stored, password: SECRET_MASK });
    // a row saved before this, the name still in its template, reads masked too
    expect(maskedUrlTemplate(typed, null)).toBe(shown);
  });

  it("a URL written in a value shows a user name without a password masked, as a password is", () => {
    expect(maskUrlPasswords("see https://sk_live_51Hx9aBcD@api.stripe.com/v1 and https://key:@b.example.com/")).toBe(`see https://${SECRET_MASK}@api.stripe.com/v1 and https://${SECRET_MASK}@b.example.com/`);
    expect(maskUrlPasswords("https://{{user.key}}@a.example.com https://bob:pw@b.example.com https://c.example.com/x@y")).toBe(`https://{{user.key}}@a.example.com https://bob:${SECRET_MASK}@b.example.com https://c.example.com/x@y`);
  });

  it.each(["https://{{user.apiKey}}:@api.example.com/x", "https://{{user.apiKey}}@api.example.com/x", "https://bob:pw@api.example.com/x"])(
    "%s keeps its user name in the template (data, or beside a password)",
    (typed) => {
      const split = splitUrlPassword(typed);
      expect(isUserinfoSecret(split.password)).toBe(false);
      expect(withUrlPassword(split.urlTemplate, split.password)).toBe(typed);
    },
  );
});

describe("a user name that is the credential where it cannot be split out (review)", () => {
  const key = "sk_live_51Hx9aBcD";
  it.each([
    // another branch of a block, after leading template text, behind a scheme written with backslashes (a browser reads https:\\ as https://)
    [`{{#if user.vip}}https://api.example.com/x{{else}}https://${key}:@api.stripe.com/v1{{/if}}`, `{{#if user.vip}}https://api.example.com/x{{else}}https://${SECRET_MASK}:@api.stripe.com/v1{{/if}}`],
    [`{{{user.base}}}${key}:@api.stripe.com/v1`, `{{{user.base}}}${SECRET_MASK}:@api.stripe.com/v1`],
    [`https:\\\\${key}:@api.stripe.com/v1`, `https:\\\\${SECRET_MASK}:@api.stripe.com/v1`],
    // without a colon as well
    [`{{#if user.vip}}https://api.example.com/x{{else}}https://${key}@api.stripe.com/v1{{/if}}`, `{{#if user.vip}}https://api.example.com/x{{else}}https://${SECRET_MASK}@api.stripe.com/v1{{/if}}`],
  ])("%s is refused, and shown and kept in destination templates masked", async (typed, shown) => {
    const { templateSafeUrl } = await import("./template-secrets");
    expect(urlPasswordProblem(typed)).toMatch(/^Write the password right after the scheme/);
    expect(splitUrlPassword(typed).password).toBeNull();
    expect(maskedUrlTemplate(typed, null)).toBe(shown);
    expect(urlPasswordProblem(shown)).not.toBeNull();
    expect(templateSafeUrl(typed)).not.toContain(key);
  });

  it.each([
    `{{#if user.vip}}https://${key}:@api.stripe.com/v1{{else}}https://api.example.com/x{{/if}}`,
    `{{#if user.vip}}https://{{user.tenant}}-${key}:@api.stripe.com/v1{{else}}https://api.example.com/x{{/if}}`,
    "{{#if user.vip}}https://{{user.key}}:@api.stripe.com/v1{{else}}https://{{user.key}}:@api.example.com{{/if}}",
    "{{{user.base}}}{{user.key}}:@api.example.com/x",
    `https://${key}:@api.stripe.com/v1`,
    "{{{user.base}}}/notify?to=mailto:bob@example.com",
  ])("%s is not refused (split out, or only {{ }} values)", (typed) => {
    expect(urlPasswordProblem(typed)).toBeNull();
  });
});

describe("a bare user name (no colon) that could reach the request's userinfo is refused as a password there is (review 2026-12-06)", () => {
  const key = "sk_live_abc";
  it.each([
    // after a {{ }} value that may render the scheme, behind a scheme written with one slash or backslashes
    `{{{user.base}}}${key}@api.stripe.com/v1`,
    `{{user.s}}:\\\\${key}@api.stripe.com/v1`,
    `{{user.s}}:/${key}@api.stripe.com/v1`,
  ])("%s is refused, and shown and kept in destination templates masked", async (typed) => {
    const { templateSafeUrl } = await import("./template-secrets");
    expect(urlPasswordProblem(typed)).toMatch(/^Write the password right after the scheme/);
    expect(splitUrlPassword(typed).password).toBeNull();
    expect(maskedUrlTemplate(typed, null)).not.toContain(key);
    expect(maskedUrlTemplate(typed, null)).toContain(SECRET_MASK);
    expect(templateSafeUrl(typed)).not.toContain(key);
  });

  it.each([
    "https://{{user.name}}@api.example.com/x",
    "https://api.example.com/u@x",
    "{{#if user.vip}}https://a.example.com/users/bob@example.com{{/if}}",
    "{{#if user.vip}}https://a.example.com/notify?email=ops@example.com{{/if}}",
    "{{{user.base}}}api.example.com/users/bob@example.com",
    "{{{user.base}}}/notify?to=bob@example.com",
    "{{{user.base}}}{{user.key}}@api.example.com/x",
    "https://api.example.com{{user.path}}",
    "https://localhost{{user.path}}",
    "https://10.0.0.5{{user.path}}",
    "https://api.example.com:{{user.port}}/x",
    "https://localhost:{{user.port}}/x",
    "https://{{user.sub}}.example.com{{user.path}}",
    // a name running into a value reads as a host before it: not refused (the value rendering "@" is the author's own doing)
    "https://api{{user.env}}.example.com/x",
    "http://receiver:{{user.port}}/x",
    // an "@" in a path or query after a value, in a template with blocks (review 2)
    "https://api.example.com/x?a={{user.id}}&cc=ops@example.com{{#if user.vip}}&vip=1{{/if}}",
    "https://api.example.com/x{{#if user.vip}}/vip{{/if}}?a={{user.id}}&cc=ops@example.com",
    "{{{user.base}}}/users/{{user.first}}.{{user.last}}@corp.com",
    "{{{user.base}}}/u/x{{user.id}}y@z",
  ])("%s is not refused (a host, a path, or only {{ }} values)", (typed) => {
    expect(urlPasswordProblem(typed)).toBeNull();
  });
});
