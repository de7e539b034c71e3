// Whether a name is an IANA time zone: the one check for rules, users, the API, the CSV import and
// the engine.
import { IANAZone } from "luxon";

// Zone names checked so far: checked for every delivery and every imported row, and luxon's check
// builds an Intl.DateTimeFormat each time (a fifth of the engine's CPU). Bounded: names come from users.
const zoneValidity = new Map<string, boolean>();

/** Whether `name` is an IANA time zone (the API, the CSV import and the engine ask here). */
export function isValidTimezone(name: string): boolean {
  let valid = zoneValidity.get(name);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(name);
    if (zoneValidity.size < 10_000) zoneValidity.set(name, valid);
  }
  return valid;
}

const canonical = new Map<string, string>();

/**
 * The zone as the IANA database spells it ("europe/paris" is Europe/Paris): stored so, a segment on
 * the time zone or a user's page reads one name for one zone. An invalid name is left as it is.
 */
export function canonicalTimezone(name: string): string {
  let spelled = canonical.get(name);
  if (spelled === undefined) {
    if (!isValidTimezone(name)) return name;
    spelled = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    if (canonical.size < 10_000) canonical.set(name, spelled);
  }
  return spelled;
}
