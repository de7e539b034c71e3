import { DateTime } from "@/components/ui/DateTime";
import Link from "next/link";
import type { UserActivity } from "@/lib/audience/user-activity";
import type { UserRecord } from "@/lib/audience/users";
import type { AttributeSource } from "@/lib/audience/attribute-sources";
import { Card } from "@/components/ui/Card";
import { Badge } from "@/components/ui/Badge";
import { isBuiltInUserVariable } from "@/lib/templating/context";
import { calendarDateText, dateTimeAttributeText } from "@/lib/date-input";

export function UserDetails({ user, activity, sources = {} }: { user: UserRecord; activity: UserActivity; sources?: Record<string, AttributeSource> }) {
  return (
    <div className="space-y-6">
      <div>
        <Link href="/users" className="text-sm text-indigo-700 hover:underline">
          ← Users
        </Link>
        <h1 className="mt-1 font-mono text-2xl font-semibold text-slate-900">{user.userId}</h1>
        <p className="text-sm text-slate-600">
          {user.email ?? "No email"} · {user.timezone ?? "No time zone"} · updated <DateTime value={user.updatedAt} />
        </p>
      </div>
      <Card title="Attributes">
        {Object.keys(user.attributes).length === 0 ? (
          <p className="text-sm text-slate-500">No attributes.</p>
        ) : (
          <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
            {Object.entries(user.attributes).map(([name, value]) => (
              <div key={name} className="contents">
                <dt className="truncate font-mono text-slate-600">{name}</dt>
                <dd className="break-all">
                  {Array.isArray(value) ? value.join(", ") : (calendarDateText(value) ?? dateTimeAttributeText(value, user.timezone) ?? String(value))}
                  {sources[name] && <SetBy source={sources[name]} />}
                  {isBuiltInUserVariable(name) && <ShadowedNote name={name} />}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Recent events">
          {activity.events.length === 0 ? (
            <p className="text-sm text-slate-500">No events.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {activity.events.map((e) => (
                <li key={e.id} className="flex justify-between gap-3">
                  <span className="font-mono">{e.name}</span>
                  <DateTime className="text-slate-500" value={e.time} />
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Recent deliveries">
          {activity.deliveries.length === 0 ? (
            <p className="text-sm text-slate-500">No deliveries.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {activity.deliveries.map((d) => (
                <li key={d.id} className="flex justify-between gap-3">
                  <Link href={`/campaigns/${d.campaignId}`} className="truncate text-indigo-700 hover:underline">
                    {d.campaign}
                  </Link>
                  <span className="flex shrink-0 items-center gap-2">
                    <Badge tone={d.state === "delivered" ? "green" : d.state === "failed" ? "red" : "slate"}>{d.state}</Badge>
                    <DateTime className="text-slate-500" value={d.plannedAt} style="date" />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}

/**
 * An attribute stored under a built-in field's name before such names were refused: templates and audience
 * conditions read the field, so the page says so rather than showing two values of one name as equals.
 */
function ShadowedNote({ name }: { name: string }) {
  return (
    <span role="note" className="ml-2 text-xs text-amber-800">
      not read as {`{{user.${name}}}`} or by audience conditions: the built-in field is; send it as null to remove it
    </span>
  );
}

/** "set by campaign X": the attribute came from that campaign's webhook response (its response mapping). */
function SetBy({ source }: { source: AttributeSource }) {
  return (
    <span className="ml-2 text-xs text-slate-500">
      set by{" "}
      {source.campaignId === null ? (
        "a webhook deleted since"
      ) : source.campaignName === null ? (
        "a deleted campaign"
      ) : (
        <Link href={`/campaigns/${source.campaignId}`} className="text-indigo-700 hover:underline">
          campaign {source.campaignName}
        </Link>
      )}
      {source.setAt && (
        <>
          {" "}
          · <DateTime value={source.setAt} />
        </>
      )}
    </span>
  );
}
