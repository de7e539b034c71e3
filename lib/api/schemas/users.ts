// The users API's request and response shapes: one set of zod schemas validating requests, typing
// lib/audience/users.ts and generating the OpenAPI document.
import { canonicalTimezone, isValidTimezone, timezoneHint } from "../../time-zone";
import { z } from "zod";
import { isBuiltInUserVariable } from "../../templating/context";

const MAX_USERS_PER_REQUEST = 1000;
export const MAX_ATTRIBUTE_NAME = 128;
export const MAX_ATTRIBUTES_PER_USER = 500;
/** One user's attributes as JSON, as sent (API) or read from one CSV row. */
export const MAX_ATTRIBUTES_BYTES = 256 * 1024;
const RESERVED_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** Why a user's attributes are too large to store, or null. */
export function attributesSizeProblem(attributes: Record<string, unknown>): string | null {
  return new TextEncoder().encode(JSON.stringify(attributes)).length > MAX_ATTRIBUTES_BYTES ? `A user's attributes can be at most ${MAX_ATTRIBUTES_BYTES / 1024} KiB as JSON` : null;
}

// The fields {{user.*}} and audience conditions read in place of an attribute of the same name
// (isBuiltInUserVariable: id, email, timezone). An attribute of such a name would be stored yet never
// read there: a marketer's mapping to `timezone` would seem to work and change nothing, and the user
// page would show the name twice. userId, createdAt and updatedAt hide nothing (no template or
// condition reads a field of that name): clients sending Segment-style traits (createdAt) keep them.
/** Why an attribute name is refused, or null when it is fine: the one rule of the users API, CSV import and response mappings. */
export function attributeNameProblem(name: string): string | null {
  return storedAttributeNameProblem(name) ?? builtInFieldProblem(name);
}

/** Why a name can never be an attribute's, even one stored before the built-in fields were refused (null removes those). */
function storedAttributeNameProblem(name: string): string | null {
  if (name.trim() === "") return "Attribute names cannot be empty";
  if (name.length > MAX_ATTRIBUTE_NAME) return `Attribute names are at most ${MAX_ATTRIBUTE_NAME} characters`;
  if (RESERVED_NAMES.has(name)) return `"${name}" is reserved and cannot be an attribute name`;
  return null;
}

/** Why a name is a built-in field's (isBuiltInUserVariable), or null. */
export function builtInFieldProblem(name: string): string | null {
  return isBuiltInUserVariable(name) ? `"${name}" is a built-in user field, not an attribute: set the field itself or choose another name` : null;
}

/**
 * The message of a required text field that is missing ("Required: the user's id") or of another JSON type
 * ("Must be a string, not a number"): `{ "userId": 5 }` was told the id was missing.
 */
export function requiredText(what: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? `Required: ${what}` : `Must be a string, not ${jsonTypeOf(issue.input)}`) };
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

const userIdSchema = z.string(requiredText("the user's id")).trim().min(1, "Required: the user's id").max(200, "At most 200 characters");

export const attributeValueSchema = z
  .union([
    z.string().max(10_000, "Text values are at most 10,000 characters"),
    z.number().refine(Number.isFinite, "Numbers must be finite"),
    z.boolean(),
    z.array(z.string().max(1000)).max(1000, "Lists hold at most 1,000 strings"),
    z.null(),
  ], { error: "Use a string, number, boolean, ISO date string, list of strings, or null to remove" })
  .meta({ description: "A string (ISO dates are strings), number, boolean or list of strings; null removes the attribute" });
export type AttributeValue = z.infer<typeof attributeValueSchema>;

// Names are checked on the raw object: `__proto__` would vanish once parsed into a plain object.
export const attributesSchema = z.preprocess(
  (input, ctx) => {
    if (input && typeof input === "object" && !Array.isArray(input)) {
      const names = Object.keys(input);
      if (names.length > MAX_ATTRIBUTES_PER_USER) ctx.addIssue({ code: "custom", message: `At most ${MAX_ATTRIBUTES_PER_USER} attributes per user`, input });
      for (const name of names) {
        // null removes: an attribute stored under a built-in field's name before that was refused can still go
        const problem = (input as Record<string, unknown>)[name] === null ? storedAttributeNameProblem(name) : attributeNameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: problem, path: [name], input });
      }
      const safe: Record<string, unknown> = Object.create(null);
      for (const name of names) if (!RESERVED_NAMES.has(name)) safe[name] = (input as Record<string, unknown>)[name];
      return { ...safe };
    }
    return input;
  },
  z.record(z.string().min(1).max(MAX_ATTRIBUTE_NAME), attributeValueSchema, { error: "Must be an object of attributes" }).superRefine((attributes, ctx) => {
    const problem = attributesSizeProblem(attributes);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
);

// zod's own email pattern is ASCII only (chloé@example.com was refused) and its unicodeEmail takes
// almost anything with an @ ("a@b", "<x>@y.de"): this is the ASCII pattern with letters, marks and
// digits of any script, so an internationalized address passes and what is no address still does not.
const EMAIL = /^(?:[\p{L}\p{M}\p{N}_'+-]+\.)*[\p{L}\p{M}\p{N}_'+-]*[\p{L}\p{M}\p{N}_+-]@(?:[\p{L}\p{N}][\p{L}\p{M}\p{N}-]*\.)+(?:[\p{L}\p{M}]{2,}|[xX][nN]--[A-Za-z0-9-]+)$/u;

/** A user's email: the one rule of the users API and the CSV import (members sign in with ASCII addresses, lib/auth/members.ts). */
export const userEmailSchema = z
  .email({ pattern: EMAIL, error: "Not a valid email address" })
  .max(320)
  // JSON Schema's "email" is ASCII only; "idn-email" takes what this does
  .meta({ format: "idn-email", description: "An email address; letters of any script are fine (chloé@example.com, x@exämple.de)" });

const userInputSchema = z
  .object({
    userId: userIdSchema,
    email: userEmailSchema.nullable().optional(),
    timezone: z
      .string()
      .refine(isValidTimezone, { error: (issue) => `Not an IANA time zone (${timezoneHint(String(issue.input))})` })
      .overwrite(canonicalTimezone)
      .nullable()
      .optional()
      .meta({ description: "IANA time zone such as Europe/Paris; null clears it" }),
    attributes: attributesSchema.optional(),
  })
  .strict()
  .meta({ id: "UserInput" });
export type UserInput = z.infer<typeof userInputSchema>;

const usersBatchSchema = z
  .object({
    users: z
      .array(userInputSchema)
      .min(1, "Send at least one user")
      .max(MAX_USERS_PER_REQUEST, `At most ${MAX_USERS_PER_REQUEST} users per request`),
  })
  .strict();

/** One user, or `{ users: [...] }`, read as a list; errors keep their own paths. */
export const usersBodySchema = z.unknown().transform((input, ctx): UserInput[] => {
  const isBatch = !!input && typeof input === "object" && !Array.isArray(input) && "users" in input;
  const parsed = isBatch ? usersBatchSchema.safeParse(input) : userInputSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path as (string | number)[] });
    return z.NEVER;
  }
  return "users" in parsed.data ? parsed.data.users : [parsed.data as UserInput];
});
/** For the OpenAPI document: what usersBodySchema accepts. */
export const usersBodyDocSchema = z.union([userInputSchema, usersBatchSchema]);

const userSchema = z
  .object({
    userId: z.string(),
    email: z.string().nullable(),
    timezone: z.string().nullable(),
    attributes: z.record(z.string(), attributeValueSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "User" });

const attributeSourceSchema = z
  .object({
    attribute: z.string(),
    campaignId: z.string().nullable().meta({ description: "null when the delivery was deleted since (with its webhook, variant or campaign)" }),
    campaignName: z.string().nullable().meta({ description: "null when the campaign was deleted since" }),
    actionId: z.string().nullable().meta({ description: "null when the delivery was deleted since" }),
    deliveryId: z.string(),
    setAt: z.iso.datetime().nullable().meta({ description: "when the delivery's result was written; null when the delivery was deleted since" }),
  })
  .meta({ id: "AttributeSource", description: "The campaign whose webhook response set the attribute (its response mapping)" });

/** GET one user: the user, and which attributes a campaign's response mapping set. */
export const userWithSourcesSchema = userSchema
  .extend({
    attributeSources: z.record(z.string(), attributeSourceSchema).meta({ description: "By attribute name: the attributes last set from a webhook's response; one set through the API or an import is not listed" }),
  })
  .meta({ id: "UserWithSources" });

export const upsertResultSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    warnings: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe("Values stored as sent that do not read as their attribute's date (at most 20)"),
    warningsCut: z.number().int().optional().describe("How many warnings there were, when more than 20"),
  })
  .meta({ id: "UpsertResult" });

export const listUsersQuerySchema = z
  .object({
    cursor: z.string().max(200).optional().meta({ description: "nextCursor from the previous page" }),
    limit: z.coerce.number().int().min(1, "At least 1").max(1000, "At most 1000").default(100),
  })
  .strict();

export const usersPageSchema = z.object({ users: z.array(userSchema), nextCursor: z.string().nullable() }).meta({ id: "UsersPage" });
