// The API's error envelope: { "error": { "code", "message", "details" } } with the right status.
import type { ZodError } from "zod";
import type { UnstorableText } from "../db/storable-text";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function errorResponse(err: ApiError): Response {
  return Response.json(
    { error: { code: err.code, message: err.message, details: err.details ?? null } },
    { status: err.status, headers: err.headers },
  );
}

/** Where a request's input came from, named when a problem is about the whole of it (an unknown key). */
export type InputPart = "(body)" | "(query)" | "(path)";

// A body of 100,000 wrong items has 100,000 issues: listed each, the refusal was 8 MB of JSON built and sent
// back; a person fixes the first few, a client reads the first
export const MAX_ERROR_DETAILS = 50;

/** A 400 that names each offending field ("events[3].userId: Required"), the first MAX_ERROR_DETAILS of them; a problem of the whole input names its part. */
export function validationError(error: ZodError, part: InputPart = "(body)"): ApiError {
  const details = error.issues.slice(0, MAX_ERROR_DETAILS).map((i) => ({ path: i.path.map(String).join(".") || part, message: i.message }));
  const more = error.issues.length - details.length;
  if (more > 0) details.push({ path: part, message: `and ${more.toLocaleString("en-US")} more problems like these` });
  const first = details[0];
  return new ApiError(400, "validation_error", first ? `${first.path}: ${first.message}` : "Invalid request", details);
}

/** A 400 naming where the text neither database can store is ("cursor: text may not contain the NUL character (U+0000)"). */
export function unstorableTextError(bad: UnstorableText): ApiError {
  const path = bad.path || "(body)";
  return new ApiError(400, "validation_error", `${path}: text may not contain ${bad.problem}`, [{ path, message: `contains ${bad.problem}` }]);
}

/**
 * What a request that lost a race answers (a row deleted or created meanwhile: Prisma's P2025, P2003,
 * P2002), the same at every door: withApi and withInternal as a 404/409, server actions (defineAction)
 * with the message. Before, the two route wrappers answered these with a 500.
 */
export const RACE_ERRORS: Record<string, { status: 404 | 409; code: string; message: string }> = {
  P2025: { status: 404, code: "not_found", message: "This no longer exists; it may have been deleted. Reload the page." },
  P2003: { status: 409, code: "conflict", message: "This refers to something that no longer exists. Reload the page." },
  P2002: { status: 409, code: "conflict", message: "This already exists." },
};

/** The race `err` lost (RACE_ERRORS) as the envelope, or null when it is something else. */
export function raceErrorToApi(err: unknown): ApiError | null {
  const code = (err as { code?: unknown } | null)?.code;
  const race = typeof code === "string" && Object.hasOwn(RACE_ERRORS, code) ? RACE_ERRORS[code]! : null;
  return race ? new ApiError(race.status, race.code, race.message) : null;
}
