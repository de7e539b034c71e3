// How the campaign list words a status: "Draft", "Active". Times go through components/ui/DateTime.
export type StatusTone = "slate" | "green" | "amber" | "red" | "indigo";

export const STATUS_LABELS: Record<string, { label: string; tone: StatusTone }> = {
  draft: { label: "Draft", tone: "slate" },
  active: { label: "Active", tone: "green" },
  paused: { label: "Paused", tone: "amber" },
  finished: { label: "Finished", tone: "indigo" },
};

export function statusLabel(status: string) {
  return STATUS_LABELS[status] ?? { label: status, tone: "slate" as const };
}
