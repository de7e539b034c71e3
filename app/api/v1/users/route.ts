import { ApiError } from "@/lib/api/errors";
import { withApi } from "@/lib/api/with-api";
import { listUsersQuerySchema, usersBodySchema } from "@/lib/api/schemas/users";
import { listUsers, upsertUsers, UserAttributesTooLargeError } from "@/lib/audience/users";
import { AttributeTypeError } from "@/lib/audience/typed-inputs";

export const dynamic = "force-dynamic";

const MAX_WARNINGS = 20;
const TYPE_NAMES = { number: "a number", boolean: "a true/false", date: "a date" } as const;

/**
 * Upsert one user or up to 1,000: attributes merge, null removes. A date attribute (by the attribute
 * catalogue) written in another form than ISO is stored as the CSV import stores it, one that does not
 * read as a date as sent, with a warning; a user whose merged attributes would be over a user's limits is
 * a 400 naming them, nothing written.
 */
export const POST = withApi({ body: usersBodySchema, role: "editor" }, async ({ body }) => {
  const prefix = (index: number) => (body.length === 1 ? "attributes" : `users.${index}.attributes`);
  try {
    const { created, updated, typeWarnings } = await upsertUsers(body);
    if (!typeWarnings.length) return { created, updated };
    // stored as sent: the catalogue's type is a reading of what users hold, not a rule anyone set
    const warnings = typeWarnings.slice(0, MAX_WARNINGS).map(({ index, userId, attribute, problem }) => ({
      path: `${prefix(index)}.${attribute}`,
      message: `User ${JSON.stringify(userId)}: ${attribute} holds dates (the attribute catalogue): ${problem}; stored as sent`,
    }));
    return { created, updated, warnings, ...(typeWarnings.length > MAX_WARNINGS ? { warningsCut: typeWarnings.length } : {}) };
  } catch (err) {
    if (err instanceof AttributeTypeError) {
      const details = err.problems.slice(0, MAX_WARNINGS).map(({ index, userId, attribute, type, problem }) => ({
        path: `${prefix(index)}.${attribute}`,
        message: `User ${JSON.stringify(userId)}: ${attribute} is ${TYPE_NAMES[type]} attribute (its type in the attribute catalogue): ${problem}`,
      }));
      throw new ApiError(400, "validation_error", `${details[0]!.path}: ${details[0]!.message}`, details);
    }
    if (!(err instanceof UserAttributesTooLargeError)) throw err;
    // the last entry of each such user in the body: where its attributes tipped it over
    const at = (userId: string) => prefix(body.findLastIndex((u) => u.userId === userId));
    const details = err.users.map(({ userId, problem }) => ({ path: at(userId), message: `User ${JSON.stringify(userId)}: ${problem}` }));
    throw new ApiError(400, "validation_error", `${details[0]!.path}: ${details[0]!.message}`, details);
  }
});

/** A page of users ordered by id; pass nextCursor back as ?cursor= for the next one. */
export const GET = withApi({ query: listUsersQuerySchema, role: "viewer" }, async ({ query, principal }) => listUsers(query, principal.role));
