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

const luxonNames = new Map<string, string | null>();
// An alias as IANA writes it ("Asia/Kolkata", "Port-au-Prince"): a capital after each "/" and a
// lowercase run after it. Few spellings of one name fit (a "_" or "-" may start a capital or not).
const TITLE_CASE = /^[A-Z][a-z]*(?:[_-][A-Za-z][a-z]*)*(?:\/[A-Z][a-z]*(?:[_-][A-Za-z][a-z]*)*)*$/;

/**
 * The name to hand luxon for a zone named by data (a template's `date` zone, a date's "Europe/Paris" or
 * "[Europe/Paris]", a receiver's Retry-After), or null when it names no zone. Luxon keeps every zone
 * name it is given for ever, each valid spelling with an Intl.DateTimeFormat of its own (about 25 KB):
 * "europe/paris", "EUROPE/paris", ... are thousands of names for one zone, and a preview iterating over
 * them grew the server by tens of MB each time. So luxon only ever sees a few hundred names: the zone's
 * spelling in the runtime's list, the runtime's own name for an alias (Asia/Calcutta), or an alias
 * written as IANA writes it (Asia/Kolkata). Not luxon's words for the server's zone ("local", "system").
 */
export function luxonZoneName(name: string): string | null {
  let resolved = luxonNames.get(name);
  if (resolved === undefined) {
    resolved = oneNameFor(name);
    if (luxonNames.size < 10_000 && name.length <= MAX_ZONE_NAME) luxonNames.set(name, resolved);
  }
  return resolved;
}

// The longest IANA name is 32 characters (America/Argentina/ComodRivadavia): a longer text is none,
// and is not kept in the map above either
const MAX_ZONE_NAME = 64;

function oneNameFor(name: string): string | null {
  if (!name || name.length > MAX_ZONE_NAME) return null;
  let runtimeName: string;
  try {
    runtimeName = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  const lower = name.toLowerCase();
  supportedByLowerCase ??= new Map(Intl.supportedValuesOf("timeZone").map((z) => [z.toLowerCase(), z]));
  const listed = supportedByLowerCase.get(lower);
  if (listed) return listed;
  if (runtimeName.toLowerCase() === lower) return runtimeName;
  return TITLE_CASE.test(name) ? name : runtimeName;
}
