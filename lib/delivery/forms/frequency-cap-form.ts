// The Settings form of the install-wide frequency cap: two text boxes, blank for no cap, checked by
// the engine's own schema (frequency-cap.ts) so the form cannot accept what the engine would not.
import { z } from "zod";
import { capIsSet, frequencyCapSchema, type FrequencyCap } from "../core/frequency-cap";

export type FrequencyCapForm = { perDay: string; perWeek: string };
export type FrequencyCapFormErrors = Partial<Record<keyof FrequencyCapForm, string>>;

const formShape = z.object({ perDay: z.string().max(40), perWeek: z.string().max(40) });

/** What the form shows for a stored cap. */
export function frequencyCapForm(cap: FrequencyCap | null): FrequencyCapForm {
  return { perDay: cap?.perDay ? String(cap.perDay) : "", perWeek: cap?.perWeek ? String(cap.perWeek) : "" };
}

function messageFor(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_small") return `At least ${Number(issue.minimum).toLocaleString("en")}, or blank for no cap`;
  if (issue.code === "too_big") return `At most ${Number(issue.maximum).toLocaleString("en")}`;
  return "A whole number, or blank for no cap";
}

/** The cap the form asks for (null: no cap at all), or an error per field. */
export function parseFrequencyCapForm(input: unknown): { ok: true; cap: FrequencyCap | null } | { ok: false; fieldErrors: FrequencyCapFormErrors } {
  const form = formShape.safeParse(input);
  if (!form.success) return { ok: false, fieldErrors: { perDay: "A whole number, or blank for no cap", perWeek: "A whole number, or blank for no cap" } };
  const number = (text: string) => {
    const t = text.trim();
    return t === "" ? null : /^\d+$/.test(t) ? Number(t) : t;
  };
  const parsed = frequencyCapSchema.safeParse({ perDay: number(form.data.perDay), perWeek: number(form.data.perWeek) });
  if (!parsed.success) {
    const fieldErrors: FrequencyCapFormErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof FrequencyCapForm;
      fieldErrors[field] ??= messageFor(issue);
    }
    return { ok: false, fieldErrors };
  }
  return { ok: true, cap: capIsSet(parsed.data) ? { perDay: parsed.data.perDay ?? null, perWeek: parsed.data.perWeek ?? null } : null };
}

/**
 * What the form warns of as typed and after a save, though it saves it: a daily cap above the weekly
 * one can never be reached (the week's stops a user first). Not refused: a marketer lowering the
 * weekly cap for a while may mean to put it back, and the engine applies both whatever they are.
 */
export function frequencyCapWarnings(form: FrequencyCapForm): FrequencyCapFormErrors {
  const parsed = parseFrequencyCapForm(form);
  const cap = parsed.ok ? parsed.cap : null;
  if (!cap?.perDay || !cap.perWeek || cap.perDay <= cap.perWeek) return {};
  return { perDay: `Never reached: the weekly cap of ${cap.perWeek} stops a user first. Lower this to ${cap.perWeek} or less, or leave it blank.` };
}
