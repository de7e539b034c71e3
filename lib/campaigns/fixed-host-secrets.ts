// THE rule for where a stored literal secret may go: a URL password (or a user name that is the
// credential) and a secret header's value are kept only for a URL whose origin (scheme, host, port) is
// fixed (urlOrigin), and are sent only to that origin. A templated host is chosen by data (a user's
// attribute, filled by imports, API keys and other webhooks' response mappings): a stored secret sent
// there goes wherever the data says. The signing secret follows the same rule (signing-secrets.ts).
// The save refuses (sealActionDraft), activation refuses (check-action.ts), and every request is built
// under it (render-request.ts), so a campaign saved before the rule sends no secret to such a host
// either. A value that is itself a template of the data ("Bearer {{user.token}}") is no stored secret.
// Client-safe: pure.
import { onlyReferences } from "../templating/references";
import type { FieldErrors } from "./schemas";
import { sealedAsSecret } from "./sealed-secret";
import { queryKeyName, repeatsName, urlOrigin } from "./url-origin";
import { splitUrlPassword } from "./url-password";

type Webhook = { url: string; headers: readonly { name: string; value: string; secret?: boolean }[] };

/** A stored literal secret a URL with a templated host may not carry: `field` as the renderer names it ("url", "headers[0].value"). */
export type SecretAtTemplatedHost = { field: string; message: string };

const FIX = "Give the URL a fixed host (https://api.example.com/…), or take the value from the user's data ({{user.token}}) instead of storing it";

function urlSecretMessage(): string {
  return `A password in the URL is kept only for a fixed host: this URL's scheme, host or port is a template, so a user's data would choose where the password goes. ${FIX}.`;
}

function headerSecretMessage(name: string): string {
  return `The secret header "${name}" keeps its value only for a fixed host: this URL's scheme, host or port is a template, so a user's data would choose where the value goes. ${FIX}.`;
}

/** Whether a stored secret holds something literal of its own (not only {{ }} references to the data). */
const isLiteral = (value: string) => value.trim() !== "" && !onlyReferences(value);

/**
 * The literal secrets the webhook would store or send (URL credentials, secret headers' values, a
 * header sealed by its name included) that its URL may not carry because its origin is not fixed;
 * [] when the origin is fixed or nothing literal is secret. Masked values ("••••") must be resolved
 * first (secret-resolver.ts; a templated host never reuses a stored secret, so they resolve to none).
 */
export function secretsAtTemplatedHost(webhook: Webhook): SecretAtTemplatedHost[] {
  return urlOrigin(webhook.url) === null ? literalSecrets(webhook) : [];
}

function pathMessage(what: string): string {
  return `The rendered URL leaves the path before its first template (a dot segment such as /../ after it), so ${what} is not sent there: keep the path under its fixed part.`;
}

/**
 * The webhook's literal secrets, each with what to say of it where its URL's host is not fixed, or
 * (`why` "path") where the rendered URL climbed out of its fixed part's path (render-request.ts asks per request).
 */
export function literalSecrets(webhook: Webhook, why: "host" | "path" = "host"): SecretAtTemplatedHost[] {
  const literal = isLiteral;
  const found: SecretAtTemplatedHost[] = [];
  const password = splitUrlPassword(webhook.url).password;
  if (password !== null && literal(password.replace(/^\u0000/, ""))) found.push({ field: "url", message: why === "path" ? pathMessage("its password") : urlSecretMessage() });
  webhook.headers.forEach((h, i) => {
    if (sealedAsSecret(h) && literal(h.value)) found.push({ field: `headers[${i}].value`, message: why === "path" ? pathMessage(`the secret header "${h.name.trim()}"`) : headerSecretMessage(h.name.trim()) });
  });
  return found;
}

/**
 * What render-request.ts says when a request goes under its fixed part but names a parameter of the
 * fixed query again (url-origin.ts whereSent "repeated"): a receiver reading the last "id" of
 * "?id=victim&id=attacker" serves another endpoint, so the webhook's stored secrets and its signature
 * are not sent there. Said at each data field whose key (`keys`: a GET's, appended to the query; another
 * method's, in its body, which many receivers read before the query) is such a parameter, or at the URL
 * when the repeat comes from what it renders; [] when nothing stored would go.
 */
export function repeatedQueryKeyProblems(webhook: Webhook & { method?: string }, keys: readonly string[], fixedKeys: ReadonlyMap<string, number>, signed: boolean): SecretAtTemplatedHost[] {
  const stored = literalSecrets(webhook).map((s) => (s.field === "url" ? "the URL's password" : `the secret header "${webhook.headers[Number(/\d+/.exec(s.field)![0])]!.name.trim()}"`));
  if (signed) stored.push("the signature");
  if (!stored.length) return [];
  const what = stored.length === 1 ? stored[0]! : `${stored.slice(0, -1).join(", ")} and ${stored.at(-1)}`;
  const found: SecretAtTemplatedHost[] = [];
  keys.forEach((key, i) => {
    if (repeatsName(fixedKeys, queryKeyName(key))) {
      const where = webhook.method === "GET" ? "a GET adds its data to the query, where" : "many receivers (PHP, Laravel, ASP.NET) read a body's value before the query's, so";
      found.push({ field: `fields[${i}].key`, message: `The key "${key}" is a parameter of the URL's query already, and ${where} the receiver may read this value instead: so ${what} ${stored.length === 1 ? "is" : "are"} not sent. Rename the key, or take the parameter out of the URL.` });
    }
  });
  if (!found.length) found.push({ field: "url", message: `The rendered URL names a parameter of its fixed query again (after its first template), and the receiver may read that value instead: so ${what} ${stored.length === 1 ? "is" : "are"} not sent there.` });
  return found;
}

/** Thrown where an action is stored (sealActionDraft): `fieldErrors` keyed like the form ("actions.0.headers.1.value"). */
export class SecretHostError extends Error {
  constructor(readonly fieldErrors: FieldErrors) {
    super(Object.values(fieldErrors)[0]);
  }
}

/** Throws SecretHostError for the webhook's literal secrets its templated host may not carry; `prefix` as the form names the webhook ("actions.0."). */
export function assertSecretsAtFixedHost(webhook: Webhook, prefix: string): void {
  const found = secretsAtTemplatedHost(webhook);
  if (!found.length) return;
  throw new SecretHostError(Object.fromEntries(found.map((f) => [prefix + f.field.replace(/\[(\d+)\]/g, ".$1"), f.message])));
}
