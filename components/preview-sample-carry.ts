// The preview's sample (user, event parameters, test attributes) of a campaign not saved yet, handed
// to the editor that opens at /campaigns/[id] after its first save, so nothing typed there is lost.
export type PreviewSample = { userId: string; eventText: string; attributesText: string };

let unsaved: PreviewSample | null = null;
let handedTo: string | null = null;

/** The new campaign's preview reports its sample as it changes. */
export function rememberUnsavedSample(sample: PreviewSample) {
  unsaved = sample;
  handedTo = null;
}

/** The first save names the campaign the sample now belongs to. */
export function handOverSample(campaignId: string) {
  handedTo = campaignId;
}

/** The sample handed to this campaign; null for any other. */
export function handedSample(campaignId: string | undefined): PreviewSample | null {
  return campaignId && campaignId === handedTo ? unsaved : null;
}

/** Once the campaign's preview has taken it (an effect: React may run initialisers twice). */
export function forgetHandedSample() {
  unsaved = null;
  handedTo = null;
}
