"use client";
// The live count of users an audience being edited matches (POST /api/audience/count), shared by the
// Audience fields and Activate's confirmation: one query key, so both read the same answer.
import { useQuery } from "@tanstack/react-query";
import { errorMessageOf } from "@/lib/api/error-message";
import { countableAudience } from "@/lib/audience/count-line";
import { useDebouncedValue } from "../useDebouncedValue";
import type { AudienceForm } from "./AudienceFields";
import type { ZoneCount } from "@/lib/audience/count";

/** The count's refusal of the audience as typed (4xx): asking again gets the same answer. */
class CountRefused extends Error {}

async function count(audience: AudienceForm): Promise<{ matching: number; total: number }> {
  const res = await fetch("/api/audience/count", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(audience) });
  if (!res.ok) {
    const message = await errorMessageOf(res, "Could not count");
    throw res.status < 500 ? new CountRefused(message) : new Error(message);
  }
  return res.json();
}

/**
 * `current`: the count is of the audience as it is now (not of an earlier edit, still shown while typing).
 * An audience with a condition not completed yet is not counted (the count would refuse it).
 */
export function useAudienceCount(audience: AudienceForm) {
  const debounced = useDebouncedValue(audience, 400);
  const counted = useQuery({
    queryKey: ["audience", "count", debounced],
    queryFn: () => count(debounced),
    enabled: countableAudience(debounced),
    placeholderData: (p) => p,
    retry: (failures, error) => !(error instanceof CountRefused) && failures < 3,
  });
  return { data: counted.data, error: counted.error, current: debounced === audience && !counted.isPlaceholderData && counted.data !== undefined };
}

type ZonesAnswer = { matching: number; zones: ZoneCount[] | null };

/**
 * The audience's users by time zone (POST /api/audience/count?zones=1), asked only while `enabled`
 * (Activate's confirmation of a send in each user's zone). null while it is not known.
 */
export function useAudienceZones(audience: AudienceForm, enabled: boolean): ZonesAnswer | null {
  const zones = useQuery({
    queryKey: ["audience", "zones", audience],
    enabled,
    queryFn: async (): Promise<ZonesAnswer> => {
      const res = await fetch("/api/audience/count?zones=1", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(audience) });
      if (!res.ok) throw new Error(await errorMessageOf(res, "Could not count"));
      return res.json();
    },
  });
  return enabled && zones.data ? zones.data : null;
}
