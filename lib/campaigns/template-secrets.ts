// What a webhook keeps when it is saved as a destination template: everything but its secrets. A
// template is read by every member (viewers too) and through the API, so a secret saved in one would
// leak to all of them. Pure: the store (destination-templates.ts) calls it on every save and edit.
//  - secret headers are kept by name, empty; a value shown masked ("••••") is emptied wherever it is;
//  - a header, data field or URL parameter (query, fragment pair, ";" path parameter) whose name says it holds a secret (Authorization, X-Api-Key,
//    token, key, sig, ...) keeps its value only when the value is all {{ }} data references, so a literal
//    key typed into an unticked box, or hidden in a {{default}} text, is not saved;
//  - the URL password is dropped; URLs whose path is itself the secret (Slack, Teams, Discord, Zapier,
//    Make hooks, IFTTT's key, a Telegram bot's token) keep a {{ }} placeholder in its place; so do the
//    URLs written in a header's or a field's value, whatever its name (slack_url = "https://hooks.slack…").
// Which names and paths hold secrets is lib/webhooks/credential-parts.ts's rule (the delivery log and a
// viewer's read mask the same parts).
import type { DataField, HeaderField } from "../webhooks/types";
import { SECRET_MASK } from "./limits";
import { isUserinfoSecret, splitUrlPassword, withoutUserinfo } from "./url-password";
import { parseUrlTemplate, replaceStrayUrlPasswords } from "../webhooks/url-credentials";
import { onlyReferences } from "../templating/references";
import { decodeQueryPart, isSecretQueryName, looksSecretName, mapEscapedJsonUrls, mapUrlParameters, mapUrlsIn, mapUrlsInQueryValue, replaceSecretPairs, secretHookPath } from "../webhooks/credential-parts";

export { looksSecretName } from "../webhooks/credential-parts";

// a query parameter's name is read as the delivery log reads it (isSecretQueryName: ?code= is Azure's key,
// "postal_code", "pin_code" are data)
const keepable = (name: string, value: string, secretName: (name: string) => boolean = looksSecretName) => !value.includes(SECRET_MASK) && (!secretName(name) || onlyReferences(value));

function withoutSecretParameters(url: string, cleared: string[], urlsInValues: boolean): string {
  return mapUrlParameters(url, (name, value) => {
    if (keepable(name, decodeQueryPart(value), isSecretQueryName)) {
      if (!urlsInValues) return undefined;
      // a URL in the value ("?cb=https://bob:pw@…"), as a URL in a field's value (a URL in its own
      // values is not looked for: a nesting as deep as the text is long would be read again at each level)
      const safe = mapUrlsInQueryValue(value, (inner) => safeUrl(inner, [], false));
      if (safe === value) return undefined;
      cleared.push(`a credential in a URL in the URL parameter "${name}"`);
      return safe;
    }
    cleared.push(`the URL parameter "${name}"`);
    return "";
  });
}

/** The URL a template may keep: no password, no secret path, no secret query value, no credential in a URL in a query value. */
export function templateSafeUrl(url: string, cleared: string[] = []): string {
  return safeUrl(url, cleared, true);
}

function safeUrl(url: string, cleared: string[], urlsInQuery: boolean): string {
  const split = splitUrlPassword(url);
  // a password the split cannot take out ({{#if}}...{{else}}https://name:password@...) is emptied where it stands
  const urlTemplate = replaceStrayUrlPasswords(split.urlTemplate, "");
  const password = split.password ?? (urlTemplate !== split.urlTemplate ? "" : null);
  // a user name without a password is the credential itself (split out like one: isCredentialUser): no userinfo is kept
  const credentialUser = isUserinfoSecret(password) || (password === SECRET_MASK && parseUrlTemplate(urlTemplate)?.username === "");
  if (password !== null) cleared.push(credentialUser ? "the URL user name" : "the URL password");
  let safe = credentialUser ? withoutUserinfo(urlTemplate) : urlTemplate;
  const hook = secretHookPath(safe);
  if (hook && hook.secret !== hook.placeholder) {
    safe = hook.before + hook.placeholder + hook.after;
    cleared.push("the secret part of the URL");
  }
  if (safe.includes(SECRET_MASK)) {
    safe = safe.replaceAll(SECRET_MASK, "");
    cleared.push("a masked part of the URL");
  }
  return withoutSecretParameters(safe, cleared, urlsInQuery);
}

export type TemplateSafeWebhook = {
  url: string;
  fields: DataField[];
  headers: Required<HeaderField>[];
  /** what was not saved, in words ("the value of the header \"X-Api-Key\"") */
  cleared: string[];
};

/** A webhook's URL, fields and headers as a template may hold them. */
export function templateSafeWebhook(webhook: { url: string; fields: DataField[]; headers: HeaderField[] }): TemplateSafeWebhook {
  const cleared: string[] = [];
  const url = templateSafeUrl(webhook.url, cleared);
  const headers = webhook.headers.map((h) => {
    const secret = !!h.secret || h.value.includes(SECRET_MASK) || looksSecretName(h.name);
    const value = h.secret || !keepable(h.name, h.value) ? "" : withoutUrlCredentials(h.value, `the header "${h.name}"`, cleared);
    if (h.value !== "" && value === "") cleared.push(`the value of the header "${h.name}"`);
    // a secret-looking header stays a secret box, so whoever starts from the template types it there
    return { name: h.name, value, secret: secret && value === "" ? true : !!h.secret };
  });
  const fields = webhook.fields.map((f) => {
    if (keepable(f.key, f.value)) {
      const value = f.type === "json" ? withoutNestedSecrets(f.key, f.value, cleared) : f.value;
      return { key: f.key, value: withoutUrlCredentials(value, `the data field "${f.key}"`, cleared, f.type === "json"), type: f.type };
    }
    if (f.value !== "") cleared.push(`the value of the data field "${f.key}"`);
    return { key: f.key, value: "", type: f.type };
  });
  return { url, fields, headers, cleared };
}

/**
 * A value with every URL written in it as a template's URL may hold it (templateSafeUrl), whatever the
 * value is called: `slack_url` = "https://hooks.slack.com/services/…", `callback` = "https://bob:pw@…".
 */
function withoutUrlCredentials(value: string, where: string, cleared: string[], json = false): string {
  const safeUrl = (url: string) => templateSafeUrl(url);
  // once per URL: templateSafeUrl again would take the user name it kept beside a password for a credential
  const escaped = json ? mapEscapedJsonUrls(value, safeUrl) : value;
  const safe = escaped !== value ? escaped : mapUrlsIn(value, safeUrl);
  if (safe !== value) cleared.push(`a credential in a URL in ${where}`);
  return safe;
}

/** A JSON field's value with the secrets under its keys emptied ({"auth": {"token": "..."}}); as is when it does not parse. */
function withoutNestedSecrets(fieldKey: string, value: string, cleared: string[]): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // a JSON body with {{ }} outside quotes ({"age": {{user.age}}, "token": "sk_live_..."}) does not parse
    // before rendering: its "name": value pairs are read as text
    return withoutSecretPairs(fieldKey, value, cleared);
  }
  let changed = false;
  // under a secret name, every literal is the secret, however deep ({"token": ["sk_live_..."]}, {"pin": 1234})
  const walk = (node: unknown, secret: boolean): unknown => {
    if (Array.isArray(node)) return node.map((v) => walk(v, secret));
    if ((typeof node === "string" && (node.includes(SECRET_MASK) || (secret && !onlyReferences(node)))) || (secret && typeof node === "number")) {
      changed = true;
      return "";
    }
    if (!node || typeof node !== "object") return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, secret || looksSecretName(k))]));
  };
  const safe = walk(parsed, false);
  if (!changed) return value;
  cleared.push(`secrets inside the data field "${fieldKey}"`);
  return JSON.stringify(safe, null, 2);
}

/** `"name": value` pairs of a JSON text that does not parse, their value emptied under a secret name. */
function withoutSecretPairs(fieldKey: string, value: string, cleared: string[]): string {
  const { text, changed } = replaceSecretPairs(value, '""');
  if (changed) cleared.push(`secrets inside the data field "${fieldKey}"`);
  return text;
}
