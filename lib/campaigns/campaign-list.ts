// The campaign list, a page at a time: newest edited first, filtered by status and by a piece of
// the name, in the database. The list page asks for numbered pages of 50, the API for pages after a
// cursor; both read only their page's campaigns, and the figures beside them (campaign-overview.ts)
// are computed for those campaigns only. Reading every campaign with its webhooks and every figure
// on each load took minutes of CPU once an install had thousands of campaigns.
import { db } from "../db";
import { tableName } from "../db/bulk-insert";
import { containsTextSql, likeContaining } from "../db/dialect";
import { numberOf, SqlParams } from "../db/raw-sql";
import { CAMPAIGNS_PER_PAGE, type CampaignListQuery, type CampaignStatus } from "./campaign-list-query";
import { campaignOverviews, type CampaignOverview } from "./campaign-overview";
import { urlTemplateHost } from "./url-password";
import { nextSendsOf, type NextSend } from "../delivery/store/next-send";

export type CampaignFilter = { status?: CampaignStatus; search?: string };

export type CampaignSummary = {
  id: string;
  name: string;
  description: string;
  status: string;
  actionCount: number;
  /** the hosts its webhooks go to, in action order */
  destinations: string[];
  updatedAt: Date;
};

/** Where a page of the API's list ends: the last campaign's edit time and id, opaque to callers. */
type Position = { updatedAt: Date; id: string };

export function encodeCampaignCursor(p: Position): string {
  return Buffer.from(`${p.updatedAt.toISOString()} ${p.id}`).toString("base64url");
}

/** The position a cursor names, or null when it is not one this list gave out. */
export function decodeCampaignCursor(cursor: string): Position | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S{1,200})$/.exec(Buffer.from(cursor, "base64url").toString());
  const updatedAt = m ? new Date(m[1]!) : null;
  return m && updatedAt && !Number.isNaN(updatedAt.getTime()) ? { updatedAt, id: m[2]! } : null;
}

export class CampaignCursorError extends Error {
  constructor() {
    super("Not a cursor from this list: pass nextCursor back as it came");
  }
}

function whereSql(filter: CampaignFilter, params: SqlParams, after?: Position): string {
  const conditions: string[] = [];
  if (filter.status) conditions.push(`"status" = ${params.add("text", filter.status)}`);
  const search = filter.search?.trim();
  if (search) conditions.push(containsTextSql('"name"', params.add("text", likeContaining(search))));
  if (after) {
    const at = params.add("date", after.updatedAt);
    conditions.push(`("updatedAt" < ${at} OR ("updatedAt" = ${params.add("date", after.updatedAt)} AND "id" < ${params.add("text", after.id)}))`);
  }
  return conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
}

/** The ids of the campaigns in list order (newest edit first, then id), `limit` of them from `offset` or after `after`. */
async function campaignIds(filter: CampaignFilter, window: { limit: number; offset?: number; after?: Position }): Promise<string[]> {
  const params = new SqlParams();
  const where = whereSql(filter, params, window.after);
  const sql = `SELECT "id" FROM ${tableName("Campaign")} ${where} ORDER BY "updatedAt" DESC, "id" DESC LIMIT ${params.add("int", window.limit)} OFFSET ${params.add("int", window.offset ?? 0)}`;
  const rows = await db().$queryRawUnsafe<{ id: string }[]>(sql, ...params.values);
  return rows.map((r) => r.id);
}

/** How many campaigns the filter keeps. */
export async function countCampaigns(filter: CampaignFilter = {}): Promise<number> {
  const params = new SqlParams();
  const rows = await db().$queryRawUnsafe<{ n: unknown }[]>(`SELECT COUNT(*) AS "n" FROM ${tableName("Campaign")} ${whereSql(filter, params)}`, ...params.values);
  return numberOf(rows[0]?.n ?? 0);
}

/** These campaigns, in this order, with the hosts of their webhooks. */
async function summaries(ids: string[]): Promise<CampaignSummary[]> {
  if (!ids.length) return [];
  const rows = await db().campaign.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      name: true,
      description: true,
      status: true,
      updatedAt: true,
      actions: { where: { variantOfId: null }, select: { urlTemplate: true }, orderBy: { position: "asc" } },
    },
  });
  const byId = new Map(rows.map(({ actions, ...c }) => [
    c.id,
    { ...c, actionCount: actions.length, destinations: [...new Set(actions.map((a) => urlTemplateHost(a.urlTemplate)).filter((h): h is string => !!h))] },
  ]));
  // one deleted between the two reads is left out
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The API's list: `limit` campaigns after `cursor` (nextCursor of the page before), and the cursor of the next page, null on the last. */
export async function listCampaigns(options: CampaignFilter & { cursor?: string; limit?: number } = {}): Promise<{ campaigns: CampaignSummary[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.floor(options.limit ?? 100), 1), 1000);
  const after = options.cursor ? decodeCampaignCursor(options.cursor) : undefined;
  if (after === null) throw new CampaignCursorError();
  const ids = await campaignIds(options, { limit: limit + 1, after });
  const campaigns = await summaries(ids.slice(0, limit));
  const last = campaigns[campaigns.length - 1];
  return { campaigns, nextCursor: ids.length > limit && last ? encodeCampaignCursor(last) : null };
}

/** nextSend: an active campaign's next planned send (lib/delivery/store/next-send.ts), else null */
export type CampaignListRow = CampaignSummary & { overview: CampaignOverview; nextSend: NextSend | null };
export type CampaignListPage = { campaigns: CampaignListRow[]; page: number; pageCount: number; total: number; perPage: number };

/**
 * One numbered page of the list with each campaign's figures. `overviews` computes the figures of
 * the campaigns it is given (campaignOverviews; a test passes one that records what it was asked).
 */
export async function listCampaignPage(
  query: CampaignListQuery,
  options: { perPage?: number; overviews?: (ids: string[]) => Promise<Map<string, CampaignOverview>> } = {},
): Promise<CampaignListPage> {
  const perPage = options.perPage ?? CAMPAIGNS_PER_PAGE;
  const filter = { status: query.status, search: query.q };
  const [total, ids] = await Promise.all([countCampaigns(filter), campaignIds(filter, { limit: perPage, offset: (query.page - 1) * perPage })]);
  const [campaigns, overviews, nextSends] = await Promise.all([summaries(ids), ids.length ? (options.overviews ?? campaignOverviews)(ids) : new Map<string, CampaignOverview>(), nextSendsOf(ids)]);
  const none: CampaignOverview = { audience: 0, delivered: 0, failed: 0, retrying: 0, lastSentAt: null };
  return {
    campaigns: campaigns.map((c) => ({ ...c, overview: overviews.get(c.id) ?? none, nextSend: nextSends.get(c.id) ?? null })),
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / perPage)),
    total,
    perPage,
  };
}
