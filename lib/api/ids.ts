// What an id looks like before it reaches a query: a short non-empty string (cuid, uuid or
// base64url token). Server actions, internal routes and their tests share it.
import { z } from "zod";
import { isStorableText } from "../db/storable-text";

export const idSchema = z.string().min(1, "Unknown id").max(64, "Unknown id").refine(isStorableText, "Unknown id");
