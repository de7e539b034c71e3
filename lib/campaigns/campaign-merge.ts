// "Merge their changes": the editor's save was refused because someone saved the campaign since it
// loaded (campaign-conflict.ts). A three-way merge of the editor's draft: BASE (what the editor loaded
// or last saved), MINE (the form now), THEIRS (the campaign as stored now). Per field, mine where only I
// changed it, theirs where only they did; where both changed the same thing differently, a clash: mine
// is kept and the clash says what theirs was. Pure and client-safe: the editor runs it on what it holds.
//
// Secrets: every side is a draft as the editor reads it (actionToDraft), so a stored secret is "••••"
// on all three and the browser never holds its plaintext. "••••" left as it is keeps the stored secret,
// whoever set it last, so an untouched secret takes theirs; one typed in the form is mine. What theirs
// was is said masked as a viewer reads it (credential parts too), never a value.
import type { ActionState, CampaignState, FieldRow, HeaderRow, MappingRow, VariantState } from "./editor-state";
import { SECRET_MASK } from "./limits";
import { variantKey } from "./variants";
import { maskCredentialFields, maskCredentialHeaders, maskCredentialUrl } from "../webhooks/credential-parts";

/** Both changed `label` differently: `text` says so ("…: yours kept; theirs was …"); `theirs` is what theirs was, masked. */
export type MergeClash = { label: string; theirs: string; text: string };
/** The merged form (holding the stored version, so its Save is not refused again), what came from them, and each clash. */
export type CampaignMerge = { state: CampaignState; fromThem: string[]; clashes: MergeClash[] };

type Report = { fromThem: string[]; clashes: MergeClash[] };

const MAX_SHOWN = 120;
const EMPTY = "(empty)";
const shownText = (value: string) => (value === "" ? EMPTY : value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);

/** `said`: the clash in words when it is not "yours kept; theirs was …" (a row one side removed). */
function clash(report: Report, label: string, theirs: string, said = `yours kept; theirs was ${theirs}`) {
  report.clashes.push({ label, theirs, text: `Both changed ${label}: ${said}` });
}

/** One value, three ways: mine where I changed it, else theirs; a clash when both changed it differently. */
function mergeValue<T>(report: Report, label: string | null, base: T, mine: T, theirs: T, show: (v: T) => string): T {
  if (mine === base || mine === theirs) {
    if (theirs !== base && mine !== theirs && label) report.fromThem.push(label);
    return theirs;
  }
  if (theirs !== base && label) clash(report, label, show(theirs));
  return mine;
}

// ---- rows (data fields, headers, response mapping): matched by their key, the nth of a repeated key with the nth

/** `order`: how the rows' order is named ("Webhook 1 data fields order") when it comes from them or clashes. */
type RowSpec<R> = { keyOf: (r: R) => string; parts: readonly (keyof R)[]; label: (r: R) => string; show: (r: R) => string; order: string };

const sameParts = <R>(parts: readonly (keyof R)[], a: R, b: R) => parts.every((p) => a[p] === b[p]);

/** Each row under its key, a repeated key numbered ("plan", "plan#2"). */
function keyed<R>(rows: R[], keyOf: (r: R) => string): Map<string, R> {
  const seen = new Map<string, number>();
  const out = new Map<string, R>();
  for (const r of rows) {
    const k = keyOf(r);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    out.set(n > 1 ? `${k}#${n}` : k, r);
  }
  return out;
}

/** Where a row theirs added goes: after the row it follows in theirs, or first when it follows none. */
function placeAfter(order: [string, unknown][], theirsOrder: string[], key: string): number {
  const before = theirsOrder.slice(0, theirsOrder.indexOf(key)).reverse().find((k) => order.some(([o]) => o === k));
  return before === undefined ? 0 : order.findIndex(([o]) => o === before) + 1;
}

/** Whether `b` puts the keys it shares with `a` in another order than `a` does. */
function reordered(a: string[], b: string[]): boolean {
  const [inA, inB] = [new Set(a), new Set(b)];
  const [x, y] = [a.filter((k) => inB.has(k)), b.filter((k) => inA.has(k))];
  return x.some((k, i) => k !== y[i]);
}

/**
 * The order of the merged rows (`merged`, in mine's order with theirs added placed): theirs when I did
 * not reorder (mine's own new ones after the row they follow here, or last); mine, said as a clash, when we both did.
 */
function mergeOrder<R>(report: Report, label: string, base: string[], mine: string[], theirs: string[], merged: [string, R][]): [string, R][] {
  if (reordered(base, mine)) {
    if (reordered(base, theirs) && reordered(mine, theirs)) clash(report, label, "reordered", "both reordered them; your order kept");
    return merged;
  }
  if (!reordered(mine, theirs)) return merged;
  const byKey = new Map(merged);
  const out: [string, R][] = theirs.flatMap((k) => (byKey.has(k) ? [[k, byKey.get(k)!] as [string, R]] : []));
  const mergedOrder = merged.map(([k]) => k);
  // one added at the end stays at the end, another after the row it follows here
  const atEnd = (key: string) => !mergedOrder.slice(mergedOrder.indexOf(key) + 1).some((k) => theirs.includes(k));
  for (const entry of merged) if (!theirs.includes(entry[0])) out.splice(atEnd(entry[0]) ? out.length : placeAfter(out, mergedOrder, entry[0]), 0, entry);
  report.fromThem.push(label);
  return out;
}

function mergeRows<R>(report: Report, base: R[], mine: R[], theirs: R[], spec: RowSpec<R>): R[] {
  const [b, m, t] = [keyed(base, spec.keyOf), keyed(mine, spec.keyOf), keyed(theirs, spec.keyOf)];
  const kept: [string, R][] = [];
  for (const [key, row] of m) {
    const was = b.get(key);
    const now = t.get(key);
    if (!was) {
      // added by me (and by them too: the same row is one; a different one keeps mine)
      if (now && !sameParts(spec.parts, row, now)) clash(report, spec.label(row), spec.show(now));
      kept.push([key, row]);
    } else if (!now) {
      // removed by them: gone unless I changed it
      if (sameParts(spec.parts, row, was)) report.fromThem.push(`${spec.label(row)} (removed)`);
      else {
        clash(report, spec.label(row), "removed", "they removed it; yours kept");
        kept.push([key, row]);
      }
    } else {
      const merged = { ...row };
      let theirsTaken = false;
      let clashed = false;
      for (const p of spec.parts) {
        if (now[p] === was[p] || now[p] === row[p]) continue;
        if (row[p] === was[p]) {
          merged[p] = now[p];
          theirsTaken = true;
        } else clashed = true;
      }
      if (clashed) clash(report, spec.label(row), spec.show(now));
      else if (theirsTaken) report.fromThem.push(spec.label(row));
      kept.push([key, merged]);
    }
  }
  const added: [string, R][] = [];
  for (const [key, row] of t) {
    if (m.has(key)) continue;
    const was = b.get(key);
    if (!was) {
      added.push([key, row]);
      report.fromThem.push(`${spec.label(row)} (added)`);
    } else if (!sameParts(spec.parts, row, was)) clash(report, spec.label(row), spec.show(row), `you removed it; theirs was ${spec.show(row)}`);
  }
  for (const entry of added) kept.splice(placeAfter(kept, [...t.keys()], entry[0]), 0, entry);
  return mergeOrder(report, spec.order, [...b.keys()], [...m.keys()], [...t.keys()], kept).map(([, r]) => r);
}

const fieldSpec = (at: string): RowSpec<FieldRow> => ({
  keyOf: (f) => f.key,
  parts: ["value", "type"],
  order: `${at} data fields order`,
  label: (f) => `${at} data field ${f.key || EMPTY}`,
  show: (f) => shownText(maskCredentialFields([f])[0]!.value),
});
const headerSpec = (at: string): RowSpec<HeaderRow> => ({
  keyOf: (h) => h.name.toLowerCase(),
  parts: ["name", "value", "secret"],
  order: `${at} headers order`,
  label: (h) => `${at} header ${h.name || EMPTY}`,
  // a secret header's value is never shown, typed or stored
  show: (h) => (h.secret ? (h.value ? SECRET_MASK : EMPTY) : shownText(maskCredentialHeaders([h])[0]!.value)),
});
const mappingSpec = (at: string): RowSpec<MappingRow> => ({
  keyOf: (r) => r.attribute,
  parts: ["path", "type"],
  order: `${at} response mapping order`,
  label: (r) => `${at} response mapping to ${r.attribute || EMPTY}`,
  show: (r) => `${shownText(r.path)}${r.type ? ` (${r.type})` : ""}`,
});

// ---- a webhook's content (its own, or a variant's), then its settings

type Content = Omit<VariantState, "uid" | "splitPercent">;

function mergeContent<C extends Content>(report: Report, at: string, base: C, mine: C, theirs: C): C {
  const v = <K extends keyof Content>(key: K, label: string | null, show: (x: C[K]) => string = (x) => shownText(String(x ?? ""))) =>
    mergeValue(report, label && `${at} ${label}`, base[key], mine[key], theirs[key], show);
  return {
    ...mine,
    // the one it was started from: none of the marketer's business, and never a clash
    copiedFrom: v("copiedFrom", null),
    templateId: v("templateId", null),
    name: v("name", "name"),
    method: v("method", "method"),
    url: v("url", "URL", (u) => shownText(maskCredentialUrl(u))),
    contentType: v("contentType", "content type"),
    fields: mergeRows(report, base.fields, mine.fields, theirs.fields, fieldSpec(at)),
    headers: mergeRows(report, base.headers, mine.headers, theirs.headers, headerSpec(at)),
  };
}

/** A webhook or variant kept from my side after they deleted it: a new one (its saved secrets go with the deleted row). */
function asNew<C extends { id?: string; copiedFrom?: string; variants?: VariantState[] }>(c: C): C {
  // no signing state either: the deleted row's secret went with it
  return { ...c, id: undefined, copiedFrom: undefined, ...(c.variants ? { variants: c.variants.map(asNew), signing: undefined } : {}) };
}

/** Matches by id; mine without an id (new in this form) are mine alone. */
function byId<R extends { id?: string; uid: string }>(rows: R[]): Map<string, R> {
  return new Map(rows.map((r) => [r.id ?? `new:${r.uid}`, r]));
}

type Side<R> = { base: R[]; mine: R[]; theirs: R[] };

/**
 * Webhooks or variants: matched by id; theirs added come along; one they deleted goes unless I changed
 * it (a clash: kept as a new one); one I removed stays removed. `merge` merges a pair present on all three sides.
 */
function mergeById<R extends { id?: string; uid: string; copiedFrom?: string }>(
  report: Report,
  sides: Side<R>,
  labelAt: (position: number) => string,
  merge: (at: string, base: R, mine: R, theirs: R) => R,
  changed: (a: R, b: R) => boolean,
  orderLabel: string,
): R[] {
  const [b, m, t] = [byId(sides.base), byId(sides.mine), byId(sides.theirs)];
  const order: [string, null][] = [...m.keys()].map((k) => [k, null]);
  for (const [key] of t) if (!m.has(key) && !b.has(key)) order.splice(placeAfter(order, [...t.keys()], key), 0, [key, null]);
  const keyedOut: [string, R][] = [];
  for (const [key] of order) {
    const [was, mineRow, now] = [b.get(key), m.get(key), t.get(key)];
    const at = labelAt(keyedOut.length);
    if (mineRow && now && was) keyedOut.push([key, merge(at, was, mineRow, now)]);
    else if (mineRow && !was) keyedOut.push([key, mineRow]); // new in this form
    else if (mineRow && was) {
      // deleted by them
      if (changed(was, mineRow)) {
        clash(report, at, "deleted", "they deleted it; yours kept as a new one (type its saved secrets again)");
        keyedOut.push([key, asNew(mineRow)]);
      } else report.fromThem.push(`${at} (deleted)`);
    } else if (now) {
      keyedOut.push([key, now]);
      report.fromThem.push(`${at} (added)`);
    }
  }
  const out = mergeOrder(report, orderLabel, [...b.keys()], [...m.keys()], [...t.keys()], keyedOut).map(([, r]) => r);
  // one I removed that they changed: my removal stands, said as a clash
  for (const [key, now] of t) {
    const was = b.get(key);
    if (!m.has(key) && was && changed(was, now)) {
      const at = labelAt(sides.base.indexOf(was));
      clash(report, at, "changed", "you removed it; they changed it");
    }
  }
  return out;
}

const contentJson = (a: object) => JSON.stringify(a, (k, v) => (k === "uid" || k === "signing" ? undefined : v));
const differs = (a: object, b: object) => contentJson(a) !== contentJson(b);

function mergeAction(report: Report, at: string, base: ActionState, mine: ActionState, theirs: ActionState): ActionState {
  const content = mergeContent(report, at, base, mine, theirs);
  const v = <K extends "timeoutSeconds" | "splitPercent" | "controlPercent">(key: K, label: string, unit: string) =>
    mergeValue(report, `${at} ${label}`, base[key], mine[key], theirs[key], (x) => `${shownText(x)}${unit}`);
  return {
    ...content,
    timeoutSeconds: v("timeoutSeconds", "timeout", " s"),
    splitPercent: v("splitPercent", "split", "%"),
    controlPercent: v("controlPercent", "control group", "%"),
    // changed by its own buttons, saved at once: the stored state is the true one
    signing: theirs.signing,
    variants: mergeById(
      report,
      { base: base.variants, mine: mine.variants, theirs: theirs.variants },
      (k) => `${at} variant ${variantKey(k + 1)}`,
      (vat, vb, vm, vt) => ({ ...mergeContent(report, vat, vb, vm, vt), splitPercent: mergeValue(report, `${vat} split`, vb.splitPercent, vm.splitPercent, vt.splitPercent, (x) => `${shownText(x)}%`) }),
      differs,
      `${at} variants order`,
    ),
    responseMapping: mergeRows(report, base.responseMapping, mine.responseMapping, theirs.responseMapping, mappingSpec(at)),
  };
}

/**
 * The three-way merge. `base`: the campaign as this form loaded or last saved it; `mine`: the form now;
 * `theirs`: the campaign as stored now (its version is the merged form's, so its Save is not refused).
 */
export function mergeCampaign(base: CampaignState, mine: CampaignState, theirs: CampaignState): CampaignMerge {
  const report: Report = { fromThem: [], clashes: [] };
  const state: CampaignState = {
    ...mine,
    version: theirs.version,
    name: mergeValue(report, "Campaign name", base.name, mine.name, theirs.name, shownText),
    description: mergeValue(report, "Description", base.description, mine.description, theirs.description, shownText),
    actions: mergeById(report, { base: base.actions, mine: mine.actions, theirs: theirs.actions }, (i) => `Webhook ${i + 1}`, (at, b, m, t) => mergeAction(report, at, b, m, t), differs, "Webhooks order"),
  };
  return { state, ...report };
}
