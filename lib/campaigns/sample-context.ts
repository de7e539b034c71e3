// The TemplateContext for a preview or a test send: a stored user ("Preview as"), or ad-hoc
// attributes typed by the marketer, plus optional sample event parameters.
import { attributesAsReadBy } from "../audience/attribute-secrets";
import { usersById, type Attributes } from "../audience/users";
import { effectiveRole, type MemberRole } from "../auth/roles";
import { db } from "../db";
import type { TemplateContext } from "../webhooks/types";
import { sampleObjectProblem } from "./preview-input";

export type SampleUser = { id: string; email: string | null; label: string };

/**
 * How a sample user is named wherever the editor names one ("Preview as", "For …" over the preview,
 * a test send's "as …"): "Mary Smith (user-1001) · mary@example.com", the id alone where there is no
 * name. A stored user's id is always said: a demo user and an imported one may share a name and an
 * email, and which one was previewed or test-sent must be told apart (the id before the email, which a
 * phone's picker cuts first). Typed test user attributes (`typed`) have no stored id to tell apart.
 */
export function sampleUserLabel(user: { id: string; email?: string | null; attributes?: unknown }, options: { typed?: boolean } = {}): string {
  const name = nameOf(user);
  const who = !name ? user.id : options.typed || name === user.id ? name : `${name} (${user.id})`;
  return [who, user.email].filter(Boolean).join(" · ");
}

function nameOf(user: { attributes?: unknown }): string {
  const attrs = (user.attributes ?? {}) as Record<string, unknown>;
  return [attrs.firstName, attrs.lastName].filter((x) => typeof x === "string" && x).join(" ");
}

/** The sample user as a sentence names them: "Mary", else their id ("the test user" for typed attributes without a name). */
export function sampleUserName(user: { id: string; attributes?: unknown }, options: { typed?: boolean } = {}): string {
  return nameOf(user) || (options.typed ? "the test user" : user.id);
}

/** The users the "Preview as" picker offers: the first stored ones, in a stable order. */
export async function listSampleUsers(limit = 50): Promise<SampleUser[]> {
  const users = await db().user.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit });
  return users.map((u) => ({ id: u.id, email: u.email, label: sampleUserLabel(u) }));
}

export type SampleInput = {
  userId?: string | null;
  /** ad-hoc attributes ("Test user attributes"); when given, no stored user is used */
  attributes?: Record<string, unknown> | null;
  eventParams?: Record<string, unknown> | null;
  campaign: { id?: string | null; name: string };
  actionId?: string | null;
  /**
   * who the sample is rendered for: a viewer's stored user has their secret-looking attributes masked
   * (attribute-secrets.ts), as the Users page shows them, or a draft of {{user.password}} would read it
   */
  reader: MemberRole;
};

/** No user to render for (or, below, typed sample data over its bounds): shown at the preview's "user". */
export class SampleUserMissingError extends Error {}
class SampleTooLargeError extends SampleUserMissingError {}

async function sampleUser(input: SampleInput): Promise<TemplateContext["user"]> {
  if (input.attributes) {
    const { id, email, timezone, ...attributes } = input.attributes;
    return {
      id: typeof id === "string" || typeof id === "number" ? String(id) : "test-user",
      email: typeof email === "string" ? email : null,
      timezone: typeof timezone === "string" ? timezone : null,
      // id, email and timezone are the built-in fields only, as a stored user has them (a delivery's userAttribute.email is empty)
      attributes,
    };
  }
  // by id through the raw handle: the live preview asks on every keystroke, and a Prisma query compiles on the event loop
  const user = input.userId
    ? ((await usersById(db(), [input.userId])).get(input.userId) ?? null)
    : await db().user.findFirst({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  if (!user) {
    throw new SampleUserMissingError(
      input.userId ? `No user "${input.userId}" exists any more; pick another in "Preview as".` : "There are no users yet: add one, or type test user attributes.",
    );
  }
  const attributes = attributesAsReadBy((user.attributes ?? {}) as Attributes, effectiveRole(input.reader));
  return { id: user.id, email: user.email, timezone: user.timezone, attributes };
}

export async function sampleContext(input: SampleInput, now = new Date()): Promise<TemplateContext> {
  // the schema of the routes refuses these first; checked here too for any other caller
  const problem = (input.attributes && sampleObjectProblem(input.attributes, "Test user attributes")) || (input.eventParams && sampleObjectProblem(input.eventParams, "Sample event parameters"));
  if (problem) throw new SampleTooLargeError(problem);
  return {
    user: await sampleUser(input),
    event: input.eventParams && Object.keys(input.eventParams).length ? { name: "sample_event", params: input.eventParams } : null,
    campaign: { id: input.campaign.id ?? "new-campaign", name: input.campaign.name },
    action: { id: input.actionId ?? "new-action" },
    now,
  };
}
