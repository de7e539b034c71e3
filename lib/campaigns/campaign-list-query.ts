// The campaign list's query string (?page=&status=&q=) and the filters' limits: no database here,
// so the list's client components share them with the server.
import { z } from "zod";
import { CAMPAIGN_STATUSES } from "../delivery/core/states";
import { firstQueryValue as single } from "../http/query-string";

export const CAMPAIGNS_PER_PAGE = 50;
export const MAX_CAMPAIGN_SEARCH = 200;
const LAST_PAGE = 1_000_000;

export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
// A query string's value ("" as left out: an empty form field).
const blankAsMissing = (v: unknown) => (single(v) === "" ? undefined : single(v));
const PAGE_MESSAGE = `The page is a whole number from 1 to ${LAST_PAGE.toLocaleString("en")}`;

export const campaignStatusSchema = z.enum(CAMPAIGN_STATUSES, { error: `The state is one of ${CAMPAIGN_STATUSES.join(", ")}` });
export const campaignSearchSchema = z.string().trim().max(MAX_CAMPAIGN_SEARCH, `Search at most ${MAX_CAMPAIGN_SEARCH} characters of the name`);

/** The list page's query string: `?page=2&status=active&q=welcome`. */
export const campaignListQuerySchema = z.object({
  page: z.preprocess(blankAsMissing, z.coerce.number({ error: PAGE_MESSAGE }).int(PAGE_MESSAGE).min(1, PAGE_MESSAGE).max(LAST_PAGE, PAGE_MESSAGE).default(1)),
  status: z.preprocess(blankAsMissing, campaignStatusSchema.optional()),
  q: z.preprocess(blankAsMissing, campaignSearchSchema.optional()),
});
export type CampaignListQuery = z.infer<typeof campaignListQuerySchema>;

/**
 * The list page's query from its query string. A value that does not parse is left out (the rest
 * still applies) and its message returned, for the page to show above the list.
 */
export function parseCampaignListQuery(searchParams: Record<string, unknown>): { query: CampaignListQuery; problems: string[] } {
  const parsed = campaignListQuerySchema.safeParse(searchParams);
  if (parsed.success) return { query: parsed.data, problems: [] };
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const rest = Object.fromEntries(Object.entries(searchParams).filter(([key]) => !bad.has(key)));
  return { query: campaignListQuerySchema.parse(rest), problems: parsed.error.issues.map((i) => i.message) };
}

