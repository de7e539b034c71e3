// The one password rule for members: the schema the owner set-up and invitations parse with, the
// length better-auth enforces, and the line the forms show under a new password. Pure: forms import it.
import { z } from "zod";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** Under a new password's field, before anything is typed: the rule, once. */
export const PASSWORD_RULE = `At least ${PASSWORD_MIN_LENGTH} characters.`;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters`);
