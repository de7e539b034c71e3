import Link from "next/link";
import type { CampaignListQuery } from "@/lib/campaigns/campaign-list-query";
import { campaignListHref } from "@/lib/campaigns/list-view";
import { plural } from "@/lib/text/plural";
import { buttonClass } from "./ui/Button";

/** "51–100 of 120 campaigns", Previous and Next: links, so each page has its own address. */
export function CampaignPager({ query, page, pageCount, total, shown, perPage }: { query: CampaignListQuery; page: number; pageCount: number; total: number; shown: number; perPage: number }) {
  const first = (page - 1) * perPage + 1;
  const range = shown ? `${first.toLocaleString("en")}–${(first + shown - 1).toLocaleString("en")} of ${plural(total, "campaign", "campaigns")}` : plural(total, "campaign", "campaigns");
  const link = (to: number, label: string, rel: string) => (
    <Link href={campaignListHref({ ...query, page: to })} rel={rel} className={buttonClass("secondary", "sm")}>
      {label}
    </Link>
  );
  return (
    <nav aria-label="Pages" className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      <p>
        {range}
        {pageCount > 1 && <span> · page {page.toLocaleString("en")} of {pageCount.toLocaleString("en")}</span>}
      </p>
      {pageCount > 1 && (
        <div className="flex gap-2">
          {page > 1 && link(Math.min(page - 1, pageCount), "Previous page", "prev")}
          {page < pageCount && link(page + 1, "Next page", "next")}
        </div>
      )}
    </nav>
  );
}
