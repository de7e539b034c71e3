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

/** A 400 that names each offending field ("events[3].userId: Required"); a problem of the whole input names its part. */
export function validationError(error: ZodError, part: InputPart = "(body)"): ApiError {
  const details = error.issues.map((i) => ({ path: i.path.map(String).join(".") || part, message: i.message }));
  const first = details[0];
  return new ApiError(400, "validation_error", first ? `${first.path}: ${first.message}` : "Invalid request", details);
}

/** A 400 naming where the text neither database can store is ("cursor: text may not contain the NUL character (U+0000)"). */
export function unstorableTextError(bad: UnstorableText): ApiError {
  const path = bad.path || "(body)";
  return new ApiError(400, "validation_error", `${path}: text may not contain ${bad.problem}`, [{ path, message: `contains ${bad.problem}` }]);
}
