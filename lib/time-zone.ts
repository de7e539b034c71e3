// Whether a name is an IANA time zone: the one check for rules, users, the API, the CSV import and
// the engine.
import { IANAZone } from "luxon";

/**
 * `compute`, kept per name: zone names are checked for every delivery and every imported row, and
 * each check builds an Intl.DateTimeFormat (luxon's check alone was a fifth of the engine's CPU).
 * Bounded: names come from users, so at most 10,000 are kept, and none longer than `longest`.
 */
function remembered<T>(compute: (name: string) => T, longest = Infinity): (name: string) => T {
  const known = new Map<string, T>();
  return (name) => {
    let value = known.get(name);
    if (value !== undefined || known.has(name)) return value as T;
    value = compute(name);
    if (known.size < 10_000 && name.length <= longest) known.set(name, value);
    return value;
  };
}

/** Whether `name` is an IANA time zone (the API, the CSV import and the engine ask here). */
export const isValidTimezone: (name: string) => boolean = remembered((name) => IANAZone.isValidZone(name));

let supportedByLowerCase: Map<string, string> | null = null;

/**
 * The one lookup behind both names below: `name`'s spelling in the runtime's list of zones, else the
 * runtime's own name for it when that differs from `name` only in case; an alias the runtime lists
 * under another name is kept as written when `keepsAlias` says so, and is the runtime's name otherwise.
 * Null when `name` is no zone.
 */
function zoneSpelling(name: string, keepsAlias: (name: string) => boolean): string | null {
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
  return keepsAlias(name) ? name : runtimeName;
}

/**
 * What to write instead of `name`, which is no zone, in the words after "Not an IANA time zone": the
 * zone a city's name alone names ("paris", "New York": did you mean Europe/Paris?), else an example.
 */
export function timezoneHint(name: string): string {
  const city = name.trim().split("/").pop()!.replace(/\s+/g, "_").toLowerCase();
  supportedByLowerCase ??= new Map(Intl.supportedValuesOf("timeZone").map((z) => [z.toLowerCase(), z]));
  if (city && city.length <= MAX_ZONE_NAME) {
    for (const [lower, zone] of supportedByLowerCase) if (lower.endsWith(`/${city}`)) return `did you mean ${zone}?`;
  }
  return "for example Europe/Paris";
}

/**
 * The zone's name as the IANA database spells it ("europe/paris" is Europe/Paris): stored so, a
 * segment on the time zone or a user's page reads one name for one zone. An invalid name is left as
 * it is. Only the case is fixed: the runtime's own canonical name is CLDR's, which keeps old names
 * (Asia/Kolkata is "Asia/Calcutta", Europe/Kyiv "Europe/Kiev") and changes with the Node version,
 * so a name spelt right is kept, and a segment on Asia/Kolkata still finds the users sent so.
 */
export const canonicalTimezone: (name: string) => string = remembered(
  (name) =>
    (isValidTimezone(name) &&
      // an alias the runtime lists under another name: kept as written unless written all in one
      // case, where the other name at least is spelt right
      zoneSpelling(name, (alias) => alias !== alias.toLowerCase() && alias !== alias.toUpperCase())) ||
    name,
);

// An alias as IANA writes it ("Asia/Kolkata", "Port-au-Prince"): a capital after each "/" and a
// lowercase run after it. Few spellings of one name fit (a "_" or "-" may start a capital or not).
const TITLE_CASE = /^[A-Z][a-z]*(?:[_-][A-Za-z][a-z]*)*(?:\/[A-Z][a-z]*(?:[_-][A-Za-z][a-z]*)*)*$/;

// The longest IANA name is 32 characters (America/Argentina/ComodRivadavia): a longer text is none,
// and is not kept either
const MAX_ZONE_NAME = 64;

/**
 * The name to hand luxon for a zone named by data (a template's `date` zone, a date's "Europe/Paris" or
 * "[Europe/Paris]", a receiver's Retry-After), or null when it names no zone. Luxon keeps every zone
 * name it is given for ever, each valid spelling with an Intl.DateTimeFormat of its own (about 25 KB):
 * "europe/paris", "EUROPE/paris", ... are thousands of names for one zone, and a preview iterating over
 * them grew the server by tens of MB each time. So luxon only ever sees a few hundred names: the zone's
 * spelling in the runtime's list, the runtime's own name for an alias (Asia/Calcutta), or an alias
 * written as IANA writes it (Asia/Kolkata). Not luxon's words for the server's zone ("local", "system").
 */
export const luxonZoneName: (name: string) => string | null = remembered(
  (name) => (!name || name.length > MAX_ZONE_NAME ? null : zoneSpelling(name, (alias) => TITLE_CASE.test(alias))),
  MAX_ZONE_NAME,
);
