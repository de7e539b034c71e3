"use client";
import { DateTime } from "../ui/DateTime";
import { useState, useTransition } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/settings/actions";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { CopyButton } from "@/components/ui/CopyButton";
import { inputClass } from "@/components/ui/Field";
import { RoleField } from "@/components/auth/RoleSelect";
import { Table } from "@/components/ui/Table";

type Key = { id: string; name: string; role: string; prefix: string; lastUsedAt: string | null; revokedAt: string | null; createdAt: string; createdBy: string | null };

export function ApiKeysSection({ keys }: { keys: Key[] }) {
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [role, setRole] = useState("editor");
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const submit = () =>
    start(async () => {
      setError(null);
      const res = await createApiKeyAction({ name, role });
      if (!res.ok) return setError(res.message);
      setCreated(res.data.key);
      setCreating(false);
      setName("");
    });

  return (
    <Card
      title="API keys"
      labelledBy="api-keys-heading"
      description="Keys authenticate calls to /api/v1 as Authorization: Bearer <key>. A key is shown once, when it is created."
      actions={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create API key
        </Button>
      }
    >
      {created && (
        <div role="status" className="mb-4 space-y-1 rounded-lg bg-emerald-50 p-3 text-sm">
          <p className="font-medium text-emerald-900">Copy this key now: it will not be shown again.</p>
          <div className="flex flex-wrap items-center gap-2">
            <code aria-label="New API key" className="block min-w-0 flex-1 break-all rounded bg-white p-2 font-mono text-xs">
              {created}
            </code>
            <CopyButton text={created} label="Copy API key" />
          </div>
        </div>
      )}
      {creating && (
        <form
          className="mb-4 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label className="text-sm">
            Key name
            <input className={`${inputClass} mt-1 w-56`} value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required />
          </label>
          <RoleField value={role} onChange={setRole} />
          <Button type="submit" variant="primary" disabled={pending}>
            Create key
          </Button>
          <Button variant="ghost" onClick={() => setCreating(false)}>
            Cancel
          </Button>
        </form>
      )}
      {error && (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {error}
        </p>
      )}
      {keys.length === 0 ? (
        <p className="text-sm text-slate-500">No API keys yet.</p>
      ) : (
        <Table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 pr-3">Name</th>
              <th className="py-2 pr-3">Key</th>
              <th className="py-2 pr-3">Role</th>
              <th className="py-2 pr-3">Created by</th>
              <th className="py-2 pr-3">Last used</th>
              <th className="py-2" />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} className={`border-t border-slate-100 ${k.revokedAt ? "text-slate-400" : ""}`}>
                <td className="py-2 pr-3">{k.name}</td>
                <td className="py-2 pr-3 font-mono">{k.prefix}…</td>
                <td className="py-2 pr-3">{k.role}</td>
                <td className="py-2 pr-3 break-all">{k.createdBy ?? "—"}</td>
                <td className="py-2 pr-3">{k.lastUsedAt ? <DateTime value={k.lastUsedAt} /> : "never"}</td>
                <td className="py-2 text-right">
                  {k.revokedAt ? (
                    <Badge>revoked</Badge>
                  ) : (
                    <Button size="sm" variant="danger" aria-label={`Revoke ${k.name}`} disabled={pending} onClick={() => start(async () => void (await revokeApiKeyAction(k.id)))}>
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
