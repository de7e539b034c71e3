// What a webhook keeps when it is saved as a destination template: everything but its secrets. A
// template is read by every member (viewers too) and through the API, so a secret saved in one would
// leak to all of them. Pure: the store (destination-templates.ts) calls it on every save and edit.
//  - secret headers are kept by name, empty; a value shown masked ("••••") is emptied wherever it is;
//  - a header, data field or query parameter whose name says it holds a secret (Authorization, X-Api-Key,
//    token, key, sig, ...) keeps its value only when the value is all {{ }} data references, so a literal
//    key typed into an unticked box, or hidden in a {{default}} text, is not saved;
//  - the URL password is dropped; URLs whose path is itself the secret (Slack, Teams, Discord, Zapier
//    hooks) keep a {{ }} placeholder in its place.
import type { DataField, HeaderField } from "../webhooks/types";
import { SECRET_MASK } from "./limits";
import { isUserinfoSecret, splitUrlPassword, withoutUserinfo } from "./url-password";
import { parseUrlTemplate, replaceStrayUrlPasswords } from "../webhooks/url-credentials";
import { onlyReferences } from "../templating/references";

const SECRET_WORDS = new Set(["auth", "authorization", "key", "apikey", "token", "secret", "password", "passwd", "pwd", "pass", "sig", "signature", "credential", "credentials", "cookie", "session", "bearer", "jwt", "hmac"]);
// Azure Functions put their key in ?code=
const SECRET_QUERY_WORDS = new Set([...SECRET_WORDS, "code"]);

/** "X-Api-Key", "apiKey", "access_token" -> whether one of its words names a secret. */
export function looksSecretName(name: string, words: Set<string> = SECRET_WORDS): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const joined = parts.join("");
  return parts.some((p) => words.has(p)) || words.has(joined) || SECRET_ENDINGS.test(joined);
}

// "accesstoken", "authtoken", "clientsecret", "x-apisecret": a word glued to a name is still a secret
// ("tokenizer", "monkey" are not: only these unambiguous words, at the end)
const SECRET_ENDINGS = /(token|secret|password|passwd|apikey|signature|credentials?)$/;

const keepable = (name: string, value: string, words?: Set<string>) => !value.includes(SECRET_MASK) && (!looksSecretName(name, words) || onlyReferences(value));

/** URLs whose path is the credential: whoever has it can post. */
const SECRET_PATH_URLS: { match: RegExp; placeholder: string }[] = [
  { match: /^(https:\/\/hooks\.slack\.com\/services\/)[^?#]*/i, placeholder: "{{slack_webhook_path}}" },
  { match: /^(https:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/)[^?#]*/i, placeholder: "{{teams_webhook_path}}" },
  { match: /^(https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/)[^?#]*/i, placeholder: "{{discord_webhook_path}}" },
  { match: /^(https:\/\/hooks\.zapier\.com\/hooks\/catch\/)[^?#]*/i, placeholder: "{{zapier_hook_path}}" },
];

function withoutSecretQuery(url: string, cleared: string[]): string {
  const hashAt = url.indexOf("#");
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const hash = hashAt < 0 ? "" : url.slice(hashAt);
  const q = beforeHash.indexOf("?");
  if (q < 0) return url;
  const pairs = beforeHash
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      const name = decodeURIComponentSafe(pair.slice(0, eq));
      const value = pair.slice(eq + 1);
      if (keepable(name, decodeURIComponentSafe(value), SECRET_QUERY_WORDS)) return pair;
      cleared.push(`the URL parameter "${name}"`);
      return `${pair.slice(0, eq)}=`;
    });
  return `${beforeHash.slice(0, q)}?${pairs.join("&")}${hash}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/**
 * A user name without a password is the credential itself (https://sk_live_...@api.stripe.com): it is
 * dropped unless it is only {{ }} references. A user name beside a password stays (the password goes).
 * (With an empty password, "key:@", splitUrlPassword takes it out whole already.)
 */
function withoutCredentialUser(urlTemplate: string, password: string | null): string {
  if (password) return urlTemplate;
  const parts = parseUrlTemplate(urlTemplate);
  if (!parts?.hasUserinfo || parts.username === "" || onlyReferences(parts.username)) return urlTemplate;
  return parts.scheme + parts.hostAndRest;
}

/** The URL a template may keep: no password, no secret path, no secret query value. */
export function templateSafeUrl(url: string, cleared: string[] = []): string {
  const split = splitUrlPassword(url);
  // a password the split cannot take out ({{#if}}...{{else}}https://name:password@...) is emptied where it stands
  const urlTemplate = replaceStrayUrlPasswords(split.urlTemplate, "");
  const password = split.password ?? (urlTemplate !== split.urlTemplate ? "" : null);
  // a user name without a password is the credential itself (split out like one): no userinfo is kept
  const credentialUser = isUserinfoSecret(password) || (password === SECRET_MASK && parseUrlTemplate(urlTemplate)?.username === "");
  if (password !== null) cleared.push(credentialUser ? "the URL user name" : "the URL password");
  let safe = credentialUser ? withoutUserinfo(urlTemplate) : withoutCredentialUser(urlTemplate, password);
  if (!credentialUser && safe !== urlTemplate) cleared.push("the URL user name");
  for (const { match, placeholder } of SECRET_PATH_URLS) {
    const m = match.exec(safe);
    if (m && m[0] !== m[1] + placeholder) {
      safe = m[1] + placeholder + safe.slice(m[0].length);
      cleared.push("the secret part of the URL");
    }
  }
  if (safe.includes(SECRET_MASK)) {
    safe = safe.replaceAll(SECRET_MASK, "");
    cleared.push("a masked part of the URL");
  }
  return withoutSecretQuery(safe, cleared);
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
    const value = h.secret || !keepable(h.name, h.value) ? "" : h.value;
    if (h.value !== "" && value === "") cleared.push(`the value of the header "${h.name}"`);
    // a secret-looking header stays a secret box, so whoever starts from the template types it there
    return { name: h.name, value, secret: secret && value === "" ? true : !!h.secret };
  });
  const fields = webhook.fields.map((f) => {
    if (keepable(f.key, f.value)) return { key: f.key, value: f.type === "json" ? withoutNestedSecrets(f.key, f.value, cleared) : f.value, type: f.type };
    if (f.value !== "") cleared.push(`the value of the data field "${f.key}"`);
    return { key: f.key, value: "", type: f.type };
  });
  return { url, fields, headers, cleared };
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
  let changed = false;
  const safe = value.replace(/"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s,{}\[\]"]+)/g, (pair, name: string, colon: string, v: string) => {
    const text = v.startsWith('"') ? v.slice(1, -1) : v;
    // a list: its quoted items, all of them references or it goes
    if (!looksSecretName(name) || (!text.includes(SECRET_MASK) && onlyReferences(text))) return pair;
    changed = true;
    return `"${name}"${colon}""`;
  });
  if (changed) cleared.push(`secrets inside the data field "${fieldKey}"`);
  return safe;
}
