// A member's name, however it is set (owner set-up, an invitation accepted, better-auth's update-user):
// trimmed, 1-100 characters, no control characters. It is shown on every page of the app and in the
// audit log, and had no bound (a viewer stored a 60,000-character one).

/** The longest name, in UTF-16 units as the form's maxLength counts them. */
export const MEMBER_NAME_MAX_LENGTH = 100;

// C0, DEL and C1: a line break or an escape in a name would split or colour the places it is shown
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// bidirectional overrides and isolates: "\u202Enimda" shows as "admin" reversed in the members list and the audit log
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
// something to see: a name of zero-width spaces alone reads as no name
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;

/** The name as it is stored (trimmed), or why it cannot be. */
export function checkMemberName(name: string): { ok: true; name: string } | { ok: false; message: string } {
  const trimmed = name.trim();
  if (!trimmed) return { ok: false, message: "A name cannot be empty" };
  if (trimmed.length > MEMBER_NAME_MAX_LENGTH) return { ok: false, message: `A name is at most ${MEMBER_NAME_MAX_LENGTH} characters` };
  if (CONTROL.test(trimmed)) return { ok: false, message: "A name cannot contain a control character (a line break, a tab)" };
  if (BIDI_CONTROL.test(trimmed)) return { ok: false, message: "A name cannot contain a text direction override (U+202A-U+202E, U+2066-U+2069)" };
  if (!VISIBLE.test(trimmed)) return { ok: false, message: "A name needs at least one visible letter, digit or sign" };
  return { ok: true, name: trimmed };
}
