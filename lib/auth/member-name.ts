// A member's name, however it is set (owner set-up, an invitation accepted, better-auth's update-user):
// trimmed, 1-100 characters, no control characters. It is shown on every page of the app and in the
// audit log, and had no bound (a viewer stored a 60,000-character one).

/** The longest name, in UTF-16 units as the form's maxLength counts them. */
export const MEMBER_NAME_MAX_LENGTH = 100;

// C0, DEL and C1: a line break or an escape in a name would split or colour the places it is shown
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The name as it is stored (trimmed), or why it cannot be. */
export function checkMemberName(name: string): { ok: true; name: string } | { ok: false; message: string } {
  const trimmed = name.trim();
  if (!trimmed) return { ok: false, message: "A name cannot be empty" };
  if (trimmed.length > MEMBER_NAME_MAX_LENGTH) return { ok: false, message: `A name is at most ${MEMBER_NAME_MAX_LENGTH} characters` };
  if (CONTROL.test(trimmed)) return { ok: false, message: "A name cannot contain a control character (a line break, a tab)" };
  return { ok: true, name: trimmed };
}
