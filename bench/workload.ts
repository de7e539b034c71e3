// The typical action every delivery figure uses: a URL with the user's id in its path, ten templated
// JSON fields and two headers, and the users it is sent to. One definition, so the raw limit, the
// renderer figure and the delivery figures all push the same bytes.
import type { DataField, HeaderField, TemplateContext, WebhookTemplate } from "../lib/webhooks/types";

export const CITIES = ["São Paulo", "Paris", "Lagos", "Osaka", "Toronto", "Zürich", "Mumbai", "Austin"];
export const PLANS = ["free", "pro", "team", "enterprise"];

/** the path is /<kind>/<campaign-or-run>/<user id> so the receiver keys arrivals by user */
export function actionUrl(port: number, kind = "ok", run = "{{campaign.id}}") {
  return `http://127.0.0.1:${port}/${kind}/${run}/{{user.id}}?src=hookline-bench`;
}

export const FIELDS: DataField[] = [
  { key: "user_id", value: "{{user.id}}", type: "text" },
  { key: "email", value: "{{user.email}}", type: "text" },
  { key: "first_name", value: "{{userAttribute.firstName}}", type: "text" },
  { key: "last_name", value: "{{userAttribute.lastName}}", type: "text" },
  { key: "city", value: "{{userAttribute.city}}", type: "text" },
  { key: "plan", value: "{{userAttribute.plan}}", type: "text" },
  { key: "age", value: "{{userAttribute.age}}", type: "number" },
  { key: "vip", value: "{{userAttribute.vip}}", type: "boolean" },
  { key: "greeting", value: "Hello {{userAttribute.firstName}}, welcome to {{campaign.name}}!", type: "text" },
  { key: "source", value: "hookline-bench", type: "text" },
];

export const HEADERS: HeaderField[] = [
  { name: "X-Campaign", value: "{{campaign.name}}" },
  { name: "X-Source", value: "hookline-bench" },
];

export function typicalTemplate(port: number, kind = "ok", run?: string): WebhookTemplate {
  return { method: "POST", url: actionUrl(port, kind, run), contentType: "application/json", fields: FIELDS, headers: HEADERS };
}

export function userAttributes(i: number) {
  return {
    firstName: `Ana${i}`,
    lastName: `O'Neil "${i}"`,
    city: CITIES[i % CITIES.length],
    plan: PLANS[i % PLANS.length],
    age: 18 + (i % 60),
    vip: i % 7 === 0,
  };
}

export function userId(i: number) {
  return `u${String(i).padStart(7, "0")}`;
}

export function benchUser(i: number) {
  return { id: userId(i), email: `user${i}@example.com`, timezone: "Europe/Paris", attributes: userAttributes(i) };
}

export function contextFor(i: number): TemplateContext {
  return {
    user: benchUser(i),
    campaign: { id: "cbench", name: "Bench campaign" },
    action: { id: "abench" },
    event: null,
    now: new Date(),
  };
}
