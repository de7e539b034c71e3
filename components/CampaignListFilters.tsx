"use client";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { MAX_CAMPAIGN_SEARCH } from "@/lib/campaigns/campaign-list-query";
import { STATUS_LABELS } from "@/lib/campaigns/list-labels";
import { campaignListHref } from "@/lib/campaigns/list-view";
import { buttonClass } from "./ui/Button";
import { inputClass } from "./ui/Field";

/**
 * Search by name and filter by state, on the server: they go into the address (back to page 1), so
 * a reload or the back button shows the same list. Choosing a state applies it at once; the search
 * applies on Enter or Search. Without JavaScript the form's own GET does the same.
 */
export function CampaignListFilters({ q, status }: { q: string; status: string }) {
  const router = useRouter();
  const go = (form: HTMLFormElement) => {
    const data = new FormData(form);
    router.push(campaignListHref({ q: String(data.get("q") ?? "").trim(), status: String(data.get("status") ?? "") as never }));
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    go(e.currentTarget);
  };
  return (
    // keyed by what it shows, so going back to another address shows that one's values
    <form key={`${status}\n${q}`} action="/campaigns" onSubmit={submit} role="search" aria-label="Find campaigns" className="mb-3 grid items-end gap-2 sm:grid-cols-[minmax(0,1fr)_10rem_auto]">
      <label className="text-sm">
        <span className="mb-1 block font-medium text-slate-700">Search campaigns</span>
        <input type="search" name="q" maxLength={MAX_CAMPAIGN_SEARCH} className={inputClass} defaultValue={q} placeholder="Name" />
      </label>
      <label className="text-sm">
        <span className="mb-1 block font-medium text-slate-700">State</span>
        <select name="status" className={inputClass} defaultValue={status} onChange={(e) => e.currentTarget.form && go(e.currentTarget.form)}>
          <option value="">All states</option>
          {Object.entries(STATUS_LABELS).map(([key, { label }]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className={buttonClass("secondary")}>
        Search
      </button>
    </form>
  );
}
