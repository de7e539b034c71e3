// A line that tells of the campaign's status (Activate's "Active: 3 deliveries planned.", Pause's
// "Paused: ...") holds while the campaign is where it said; the campaign page follows the status live,
// so the editor's header and the Delivery section drop the line once it moves on.

/**
 * Whether a line still holds once the status has changed to `status`: only the change it told of
 * (`leadsTo`, "active" as the page turns active after Activate), not the next one (finished by
 * itself, paused in another window). A line without `leadsTo` (an error, "Saved.") goes on any change.
 */
export function statusLineFollows(line: { leadsTo?: string } | null, status: string): boolean {
  return !!line?.leadsTo && line.leadsTo === status;
}
