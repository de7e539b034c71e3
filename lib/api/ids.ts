// What an id looks like before it reaches a query: a short non-empty string (cuid, uuid or
// base64url token). Server actions, internal routes and their tests share it.
import { z } from "zod";

// A lone UTF-16 surrogate (JSON can carry "\ud800") cannot be encoded for the database driver.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const idSchema = z
  .string()
  .min(1, "Unknown id")
  .max(64, "Unknown id")
  .refine((id) => !LONE_SURROGATE.test(id), "Unknown id");
