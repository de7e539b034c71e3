"use client";
import { useQueryClient } from "@tanstack/react-query";
import { DateTime } from "./ui/DateTime";
import { useState, useTransition } from "react";
import { removeSigningSecretAction, rotateSigningSecretAction } from "@/app/campaigns/signing-actions";
import { campaignKeys } from "@/lib/campaigns/query-keys";
import type { SigningState } from "@/lib/campaigns/signing-secrets";
import { Button } from "./ui/Button";
import { CopyButton } from "./ui/CopyButton";

/**
 * The webhook's Standard Webhooks signing secret: generate (shown once), rotate with 24 h overlap, remove.
 * One secret per webhook: `actionId` is the webhook's (variant A's), and on a variant's tab (`variant`,
 * "B") the field shows the webhook's state and its one-time box without buttons of its own.
 */
export function SigningSecretField({
  campaignId,
  actionId,
  state,
  variant,
  onChange,
}: {
  campaignId?: string;
  actionId?: string;
  state?: SigningState;
  /** the variant whose tab shows it (B, C, ...); absent on the webhook's own (A) */
  variant?: string;
  onChange: (state: SigningState) => void;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const saved = !!campaignId && !!actionId;
  const queryClient = useQueryClient();
  // The preview's request body does not carry the secret: ask it again, so webhook-signature shows.
  const refreshPreview = () => queryClient.invalidateQueries({ queryKey: campaignKeys.previews });

  function rotate() {
    startTransition(async () => {
      const result = await rotateSigningSecretAction(campaignId!, actionId!);
      if (!result.ok) return setMessage(result.message);
      setSecret(result.data.secret);
      setMessage(null);
      onChange(result.data.state);
      await refreshPreview();
    });
  }
  function remove() {
    startTransition(async () => {
      const result = await removeSigningSecretAction(campaignId!, actionId!);
      if (!result.ok) return setMessage(result.message);
      setSecret(null);
      setMessage("Requests are no longer signed.");
      onChange({ enabled: false, previousValidUntil: null });
      await refreshPreview();
    });
  }

  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">Signing secret</legend>
      <p className="mt-0.5 text-xs text-slate-500">
        Signs every request per Standard Webhooks (webhook-signature) so the receiver can check it came from Hookline.
      </p>
      {variant ? (
        <p className="mt-3 text-sm text-slate-600">
          {state?.enabled ? (
            <span className="text-emerald-700">Variant {variant}&apos;s requests are signed with the webhook&apos;s secret while its URL stays under the webhook&apos;s host and path (the preview says when it does not).</span>
          ) : (
            <>Variant {variant} is signed with the webhook&apos;s secret: generate it on variant A, and it signs every variant.</>
          )}
        </p>
      ) : (
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {!saved && <p className="text-sm text-slate-600">Save the webhook to give it a signing secret.</p>}
        {saved && !state?.enabled && (
          <Button size="sm" onClick={rotate} disabled={pending}>
            Generate signing secret
          </Button>
        )}
        {saved && state?.enabled && (
          <>
            <span className="text-sm text-emerald-700">Requests are signed.</span>
            <Button size="sm" onClick={rotate} disabled={pending}>
              Rotate secret
            </Button>
            <Button size="sm" variant="ghost" className="text-red-700 hover:bg-red-50" onClick={remove} disabled={pending}>
              Stop signing
            </Button>
          </>
        )}
      </div>
      )}
      {state?.previousValidUntil && (
        <p className="mt-2 text-xs text-slate-500">The previous secret stays valid until <DateTime value={state.previousValidUntil} />.</p>
      )}
      {secret && (
        <div className="mt-3 rounded-lg border border-amber-200 bg-amber-50 p-3">
          <label htmlFor={`secret-${actionId}`} className="text-sm font-medium text-amber-900">
            New signing secret: copy it now, it is shown only once
          </label>
          <div className="mt-1.5 flex flex-wrap items-center gap-2">
            <input
              id={`secret-${actionId}`}
              readOnly
              value={secret}
              onFocus={(e) => e.target.select()}
              className="block min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-2 py-1.5 font-mono text-xs text-slate-900"
            />
            <CopyButton text={secret} label="Copy signing secret" />
          </div>
        </div>
      )}
      {message && (
        <p role="status" className="mt-2 text-sm text-slate-600">
          {message}
        </p>
      )}
    </fieldset>
  );
}
