// The preview's sample (user, event parameters, test attributes): what the marketer typed to preview
// with, kept so that nothing typed there is lost. A saved campaign's sample is kept for this browser tab
// (sessionStorage: a reload, or a visit to Settings and back, finds it; closing the tab forgets it). A
// campaign not saved yet keeps it in memory; its first save hands it to the campaign's id, and what is
// typed while its page opens (the new page renders while the old one still takes input) goes there too.
export type PreviewSample = { userId: string; eventText: string; attributesText: string };

let unsaved: PreviewSample | null = null;
let handedTo: string | null = null;

/** A new campaign's preview opens: what it types belongs to no campaign yet. */
export function startUnsavedSample() {
  unsaved = null;
  handedTo = null;
}

/** The new campaign's preview reports its sample as it changes. */
export function rememberUnsavedSample(sample: PreviewSample) {
  unsaved = sample;
  if (handedTo) storeSample(handedTo, sample);
}

/** The first save names the campaign the sample now belongs to. */
export function handOverSample(campaignId: string) {
  handedTo = campaignId;
  if (unsaved) storeSample(campaignId, unsaved);
}

const storageKey = (campaignId: string) => `hookline:preview-sample:${campaignId}`;

/** A saved campaign's stored sample as text (a stable snapshot for useSyncExternalStore); null when none. */
export function storedSampleText(campaignId: string | undefined): string | null {
  if (!campaignId) return null;
  try {
    return window.sessionStorage.getItem(storageKey(campaignId));
  } catch {
    return null;
  }
}

/** The sample that text holds; null when none. */
export function storedSample(stored: string | null): PreviewSample | null {
  try {
    const value = JSON.parse(stored ?? "null") as Partial<PreviewSample> | null;
    if (!value || typeof value !== "object") return null;
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    return { userId: text(value.userId), eventText: text(value.eventText), attributesText: text(value.attributesText) };
  } catch {
    return null;
  }
}

// The previews reading stored samples: told when one is stored, since the browser's `storage` event
// reaches other tabs only. What the old page takes while the new one opens is stored after the new page
// read its sample, and nothing else may render it again.
const listeners = new Set<() => void>();

/** For useSyncExternalStore: `listener` runs whenever a sample is stored in this tab. */
export function subscribeStoredSamples(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Keeps a saved campaign's sample for this tab (the user chosen too, with no JSON typed). */
export function storeSample(campaignId: string, sample: PreviewSample) {
  try {
    window.sessionStorage.setItem(storageKey(campaignId), JSON.stringify(sample));
  } catch {
    // storage full or disabled: the sample lives as long as the page, as before
    return;
  }
  for (const listener of listeners) listener();
}
