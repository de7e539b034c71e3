// What an id looks like before it reaches a query: a short non-empty string (cuid, uuid or
// base64url token). Server actions, internal routes and their tests share it.
import { z } from "zod";

// PostgreSQL cannot store U+0000 and no driver can encode a lone UTF-16 surrogate (JSON can carry "\ud800").
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text a query can carry on both databases: no U+0000, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && !LONE_SURROGATE.test(text);
}

export const idSchema = z.string().min(1, "Unknown id").max(64, "Unknown id").refine(isStorableText, "Unknown id");
