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
let supportedByLowerCase: Map<string, string> | null = null;

/**
 * The zone's name as the IANA database spells it ("europe/paris" is Europe/Paris): stored so, a
 * segment on the time zone or a user's page reads one name for one zone. An invalid name is left as
 * it is. Only the case is fixed: the runtime's own canonical name is CLDR's, which keeps old names
 * (Asia/Kolkata is "Asia/Calcutta", Europe/Kyiv "Europe/Kiev") and changes with the Node version,
 * so a name spelt right is kept, and a segment on Asia/Kolkata still finds the users sent so.
 */
export function canonicalTimezone(name: string): string {
  let spelled = canonical.get(name);
  if (spelled === undefined) {
    if (!isValidTimezone(name)) return name;
    spelled = spellingOf(name);
    if (canonical.size < 10_000) canonical.set(name, spelled);
  }
  return spelled;
}

function spellingOf(name: string): string {
  const lower = name.toLowerCase();
  supportedByLowerCase ??= new Map(Intl.supportedValuesOf("timeZone").map((z) => [z.toLowerCase(), z]));
  const listed = supportedByLowerCase.get(lower);
  if (listed) return listed;
  const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  if (resolved.toLowerCase() === lower) return resolved;
  // an alias the runtime lists under another name: kept as written unless written all in one case,
  // where the other name at least is spelt right
  return name === lower || name === name.toUpperCase() ? resolved : name;
}
