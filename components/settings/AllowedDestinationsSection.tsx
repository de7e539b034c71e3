"use client";
// Settings › Allowed destinations: hosts, IPs and CIDR ranges webhooks may reach although private.
// Admins add and remove entries (effective within a second everywhere); HOOKLINE_ALLOWED_HOSTS is shown
// read-only. `?allow=<host>` (the link beside a refused test send) fills in the entry.
import { useRouter, useSearchParams } from "next/navigation";
import { useState, useTransition } from "react";
import { addAllowedDestinationAction, removeAllowedDestinationAction } from "@/app/settings/allowed-destinations-actions";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { DateTime } from "@/components/ui/DateTime";
import { Field } from "@/components/ui/Field";
import { inputClass } from "@/components/ui/input-classes";
import { Table } from "@/components/ui/Table";
import { useUnsavedChangesGuard } from "@/components/useUnsavedChangesGuard";

export type AllowedDestinationRow = { id: string; entry: string; note: string; createdBy: string; createdAt: string };

export function AllowedDestinationsSection({ entries, fromEnv, editable }: { entries: AllowedDestinationRow[]; fromEnv: string[]; editable: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  // what the form opened with (`?allow=`), then blank once an entry is added: typing away from it is unsaved
  const [pristine, setPristine] = useState(params.get("allow") ?? "");
  const [entry, setEntry] = useState(pristine);
  const [note, setNote] = useState("");
  useUnsavedChangesGuard(editable && (entry.trim() !== pristine.trim() || note.trim() !== ""));
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [pending, start] = useTransition();

  const add = () =>
    start(async () => {
      const res = await addAllowedDestinationAction({ entry, note });
      if (!res.ok) return setMessage({ tone: "error", text: res.message });
      setMessage({ tone: "ok", text: `${entry.trim()} is allowed. Webhooks may reach it now.` });
      setEntry("");
      setNote("");
      setPristine("");
      router.refresh();
    });
  const remove = (row: AllowedDestinationRow) =>
    start(async () => {
      const res = await removeAllowedDestinationAction(row.id);
      setMessage(res.ok ? { tone: "ok", text: `${row.entry} is no longer allowed.` } : { tone: "error", text: res.message });
      router.refresh();
    });

  return (
    <div id="allowed-destinations" className="scroll-mt-4">
      <Card
        title="Allowed destinations"
        labelledBy="allowed-destinations-heading"
        description="Webhooks may not reach private addresses (localhost, 10.x, 192.168.x, cloud metadata). List here the hosts, IP addresses or CIDR ranges they may reach anyway, such as a receiver on this machine. Changes hold at once, without a restart, and are in the audit log."
      >
        <div className="space-y-4">
          {entries.length === 0 && fromEnv.length === 0 ? (
            <p className="text-sm text-slate-500">No private destination is allowed.</p>
          ) : (
            <Table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th className="py-2 pr-3">Destination</th>
                  <th className="py-2 pr-3">Note</th>
                  <th className="py-2 pr-3">Added</th>
                  <th className="py-2" />
                </tr>
              </thead>
              <tbody>
                {entries.map((d) => (
                  <tr key={d.id} className="border-t border-slate-100">
                    <td className="py-2 pr-3 font-mono">{d.entry}</td>
                    <td className="py-2 pr-3 text-slate-600">{d.note}</td>
                    <td className="py-2 pr-3 text-slate-600">
                      <DateTime value={d.createdAt} /> by {d.createdBy}
                    </td>
                    <td className="py-2 text-right">
                      {editable && (
                        <Button size="sm" variant="ghost" onClick={() => remove(d)} disabled={pending} aria-label={`Remove ${d.entry}`}>
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
                {fromEnv.map((e) => (
                  <tr key={`env:${e}`} className="border-t border-slate-100">
                    <td className="py-2 pr-3 font-mono">{e}</td>
                    <td className="py-2 pr-3 text-slate-600" colSpan={3}>
                      From HOOKLINE_ALLOWED_HOSTS (change it in the environment)
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {editable ? (
            <form
              className="flex flex-wrap items-end gap-3"
              onSubmit={(e) => {
                e.preventDefault();
                add();
              }}
            >
              <Field label="Host, IP address or CIDR range" className="w-72">
                {(c) => <input {...c} className={`${inputClass} font-mono`} value={entry} placeholder="localhost or 10.1.0.0/16" onChange={(e) => setEntry(e.target.value)} />}
              </Field>
              <Field label="Note (optional)" className="w-72">
                {(c) => <input {...c} className={inputClass} value={note} placeholder="Why it is allowed" onChange={(e) => setNote(e.target.value)} />}
              </Field>
              <Button type="submit" variant="primary" disabled={pending || !entry.trim()}>
                Allow destination
              </Button>
            </form>
          ) : (
            <p className="text-sm text-slate-500">Only admins can change the allowed destinations.</p>
          )}
          {message && (
            <p role={message.tone === "ok" ? "status" : "alert"} className={`text-sm ${message.tone === "ok" ? "text-emerald-700" : "text-red-700"}`}>
              {message.text}
            </p>
          )}
        </div>
      </Card>
    </div>
  );
}
