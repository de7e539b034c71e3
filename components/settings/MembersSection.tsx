"use client";
import { useState, useTransition } from "react";
import { changeRoleAction, inviteMemberAction, removeMemberAction, renewInviteAction, revokeInviteAction } from "@/app/settings/actions";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { CopyButton } from "@/components/ui/CopyButton";
import { inputClass } from "@/components/ui/Field";
import { RoleField, RoleSelect } from "@/components/auth/RoleSelect";

type Member = { id: string; email: string; name: string; role: string };
type Invite = { id: string; email: string; role: string; expiresAt: string };

export function MembersSection({ members, invites, selfId }: { members: Member[]; invites: Invite[]; selfId: string | null }) {
  const [inviting, setInviting] = useState(false);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("editor");
  const [error, setError] = useState<string | null>(null);
  // the newest link made here and whom it is for (links are shown once: only their hash is stored)
  const [link, setLink] = useState<{ path: string; email: string } | null>(null);
  const [pending, start] = useTransition();
  // the link is made in the browser after an invitation, so window is there whenever it is shown
  const fullLink = link && (typeof window === "undefined" ? link.path : `${window.location.origin}${link.path}`);

  const run = (action: () => Promise<{ ok: boolean; message?: string }>) =>
    start(async () => {
      setError(null);
      const res = await action();
      if (!res.ok) setError(res.message ?? "That did not work");
    });

  return (
    <Card
      title="Members"
      labelledBy="members-heading"
      description="Admins manage everything, including keys and members; editors change campaigns and users; viewers only look."
      actions={
        <Button variant="primary" onClick={() => setInviting(true)}>
          Invite member
        </Button>
      }
    >
      {fullLink && (
        <div role="status" className="mb-4 space-y-1 rounded-lg bg-emerald-50 p-3 text-sm">
          <p className="font-medium text-emerald-900">
            Send this invitation link to {link.email} (valid for 7 days, works once; shown only now: for another, use New link):
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code aria-label="Invitation link" className="block min-w-0 flex-1 break-all rounded bg-white p-2 font-mono text-xs">
              {fullLink}
            </code>
            {/* not "…Invitation link": that names the link itself */}
            <CopyButton text={fullLink} label="Copy invite link" />
          </div>
        </div>
      )}
      {inviting && (
        <form
          className="mb-4 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            start(async () => {
              setError(null);
              const res = await inviteMemberAction({ email, role });
              if (!res.ok) return setError(res.message);
              setLink({ path: res.data.link, email: res.data.email });
              setInviting(false);
              setEmail("");
            });
          }}
        >
          <label className="text-sm">
            Email
            <input type="email" className={`${inputClass} mt-1 w-64`} value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <RoleField value={role} onChange={setRole} />
          <Button type="submit" variant="primary" disabled={pending}>
            Create invitation
          </Button>
          <Button variant="ghost" onClick={() => setInviting(false)}>
            Cancel
          </Button>
        </form>
      )}
      {error && (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {error}
        </p>
      )}
      <ul className="divide-y divide-slate-100 text-sm">
        {members.map((m) => (
          <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>
              {m.name} <span className="text-slate-500">{m.email}</span>
            </span>
            {m.role === "owner" || m.id === selfId ? (
              <span className="text-slate-600">{m.role}</span>
            ) : (
              <span className="flex items-center gap-2">
                <RoleSelect aria-label={`Role of ${m.email}`} value={m.role} disabled={pending} onChange={(e) => run(() => changeRoleAction(m.id, e.target.value))} />
                <Button size="sm" variant="danger" aria-label={`Remove ${m.email}`} disabled={pending} onClick={() => run(() => removeMemberAction(m.id))}>
                  Remove
                </Button>
              </span>
            )}
          </li>
        ))}
        {invites.map((i) => (
          <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-slate-500">
            <span>
              {i.email} (invited, link valid until {i.expiresAt.slice(0, 10)})
            </span>
            <span className="flex items-center gap-2">
              <span>{i.role}</span>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`New link for ${i.email}`}
                disabled={pending}
                onClick={() =>
                  start(async () => {
                    setError(null);
                    const res = await renewInviteAction(i.id);
                    if (!res.ok) return setError(res.message ?? "That did not work");
                    setLink({ path: res.data.link, email: res.data.email });
                  })
                }
              >
                New link
              </Button>
              <Button size="sm" variant="danger" aria-label={`Withdraw the invitation for ${i.email}`} disabled={pending} onClick={() => run(() => revokeInviteAction(i.id))}>
                Withdraw
              </Button>
            </span>
          </li>
        ))}
        {members.length === 0 && invites.length === 0 && <li className="py-2 text-slate-500">No members yet.</li>}
      </ul>
    </Card>
  );
}
