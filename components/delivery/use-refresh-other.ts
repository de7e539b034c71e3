"use client";
// Two polls of one campaign's sends on their own beats (the delivery log's each second, the outcomes'
// each 3 s while live) read the same deliveries: when one reads a change, the other is read again at
// once, so the log's "Delivered 10" and the Outcomes' "10 of 10 delivered" agree within one poll. A read
// the other asked for does not ask back (else the two would chase each other while a send goes on), and
// a fetch restarts its query's own interval (react-query), so no poll is added: only a seen change
// moves the other's next read earlier.
import { useQueryClient, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

/** The views (by name) whose next reading the other view asked for, per query client. */
const askedFor = new WeakMap<QueryClient, Set<string>>();
function asked(client: QueryClient): Set<string> {
  let names = askedFor.get(client);
  if (!names) askedFor.set(client, (names = new Set()));
  return names;
}

/** A view's latest reading: `value` compared as text, within `scope` (a log filter: a new one is no change), `at` its dataUpdatedAt. */
export type PollReading = { scope: string; value: string; at: number };

/**
 * Refetches `other.queryKey` when this view (`self`, a name such as "log:<campaignId>") reads a value
 * unlike its last in the same scope, unless this reading is one the other asked for. `reading` null
 * (nothing read, a placeholder, no campaign) changes nothing.
 */
export function useRefreshOtherOnChange(reading: PollReading | null, self: string, other: { name: string; queryKey: QueryKey }) {
  const client = useQueryClient();
  const last = useRef<PollReading | null>(null);
  const { scope, value, at } = reading ?? { scope: "", value: "", at: -1 };
  const otherKey = JSON.stringify(other.queryKey);
  useEffect(() => {
    if (at < 0) return;
    const before = last.current;
    if (before?.at === at && before.scope === scope) return;
    last.current = { scope, value, at };
    const answered = asked(client).delete(self);
    if (!before || before.scope !== scope || before.value === value || answered) return;
    asked(client).add(other.name);
    void client.invalidateQueries({ queryKey: JSON.parse(otherKey) as QueryKey });
  }, [client, scope, value, at, self, other.name, otherKey]);
}
