"use client";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import type { SampleRequest } from "@/lib/campaigns/preview-input";
import type { SampleUser } from "@/lib/campaigns/sample-context";
import type { TestSendView } from "@/lib/campaigns/test-sends";
import { parseJsonObject } from "./json-box";
import { rememberUnsavedSample, startUnsavedSample, storedSample, storedSampleText, storeSample, subscribeStoredSamples } from "./preview-sample-carry";
import { RequestPreview } from "./RequestPreview";
import { useNewRows } from "./new-rows";
import { formPath, useTemplateDrafting } from "./template-drafting";
import { TestSendPanel } from "./TestSendPanel";
import { Field, inputClass, monoInputClass, type FieldNotice } from "./ui/Field";
import { useRequestPreview } from "./useRequestPreview";
import { PreviewOutOfDateNotice } from "./PreviewOutOfDateNotice";
import { variantKey } from "@/lib/campaigns/variants";
import { unreadableSample } from "@/lib/campaigns/sample-problem";
import type { RetryPolicy } from "@/lib/delivery/core/retry-policy";

type ActionSample = SampleRequest["action"];


/** The right-hand column: who to preview as, the live request, and the Test send. */
export function PreviewPanel({
  action,
  campaign,
  draftKey,
  draftOwner,
  onDraftSent,
  variant,
  users,
  shownTestSend,
  onShowTestSend,
  onTemplateErrors,
  retryPolicy,
  earlierSteps,
}: {
  action: ActionSample | null;
  campaign: { id?: string; name: string };
  /** the editor page's key, sent with each test send (a send of a webhook not saved yet is this page's draft) */
  draftKey?: string;
  /** the editor's row of the previewed webhook while it is not saved, and what to do with its test sends (TestSendPanel) */
  draftOwner?: string;
  onDraftSent?: (owner: string, send: TestSendView) => void;
  /** a webhook with variants: which one is previewed and test-sent (0 = A), shared with the editor's tabs */
  variant?: { tab: number; count: number; onChange: (tab: number) => void } | null;
  users: SampleUser[];
  shownTestSend: TestSendView | null;
  onShowTestSend: (send: TestSendView | null) => void;
  /**
   * the preview's template errors by form path ("fields.2.value"), to show at the fields too, and its
   * warnings that Activate refuses (`notices`), to note there
   */
  onTemplateErrors: (errors: Record<string, string>, notices: Record<string, FieldNotice>) => void;
  /** the response mappings of the webhooks before this one, as the editor has them (preview-input.ts) */
  earlierSteps?: SampleRequest["earlierSteps"];
  /** the previewed webhook's retry policy (the Delivery section's), for the test send's result */
  retryPolicy: RetryPolicy;
}) {
  // a saved campaign's sample as this tab left it, or as its first save handed it over: a reload or a
  // visit elsewhere loses nothing typed (read after hydration: the server has no sessionStorage)
  const storedText = useSyncExternalStore(subscribeStoredSamples, () => storedSampleText(campaign.id), () => null);
  const stored = useMemo(() => storedSample(storedText), [storedText]);
  // what was chosen or typed on this page (null: nothing yet, the stored or default value shows)
  const [chosenUserId, setUserId] = useState<string | null>(null);
  const [typedEvent, setEventText] = useState<string | null>(null);
  const [typedAttributes, setAttributesText] = useState<string | null>(null);
  const storedUserId = stored && users.some((u) => u.id === stored.userId) ? stored.userId : null;
  const userId = chosenUserId ?? storedUserId ?? users[0]?.id ?? "";
  const eventText = typedEvent ?? stored?.eventText ?? "";
  const attributesText = typedAttributes ?? stored?.attributesText ?? "";
  const unsavedCampaign = !campaign.id;
  useEffect(() => {
    if (unsavedCampaign) startUnsavedSample();
  }, [unsavedCampaign]);
  const changedHere = chosenUserId !== null || typedEvent !== null || typedAttributes !== null;
  useEffect(() => {
    if (unsavedCampaign) rememberUnsavedSample({ userId, eventText, attributesText });
    else if (changedHere && campaign.id) storeSample(campaign.id, { userId, eventText, attributesText });
  }, [unsavedCampaign, changedHere, campaign.id, userId, eventText, attributesText]);
  const event = parseJsonObject(eventText);
  const attributes = parseJsonObject(attributesText);

  const sample: SampleRequest | null = action
    ? { action, ...(earlierSteps?.length ? { earlierSteps } : {}), campaign, userId: userId || null, eventParams: event.value, attributes: attributes.value, ...(variant ? { variant: variantKey(variant.tab) } : {}) }
    : null;
  // a sample box that cannot be read is all the preview says: nothing is rendered from no sample
  const unreadable = unreadableSample({ eventParams: event.error, attributes: attributes.error });
  const { query: preview, current, problem } = useRequestPreview(unreadable ? null : sample);
  // Errors of an earlier value are not shown at the fields: one shown as a field is left would move
  // the page under the pointer (a click on "Add field" lost) and then vanish.
  const templateErrors = current && !unreadable ? preview.data?.errors : undefined;
  const templateWarnings = current && !unreadable ? preview.data?.warnings : undefined;
  useEffect(() => {
    const byPath: Record<string, string> = {};
    for (const e of templateErrors ?? []) {
      const path = formPath(e.field);
      byPath[path] ??= e.line ? `${e.message} (line ${e.line}, column ${e.column ?? 1})` : e.message;
    }
    // a warning Activate refuses (an unset secret header): a note at its field from the start, not an
    // error (the draft saves; the value may come later), and not first at Activate
    const notes: Record<string, FieldNotice> = {};
    // so is one of the webhook itself Activate lets pass (an attribute no user has, a refused address)
    for (const w of templateWarnings ?? []) if (w.blocksActivation || w.atField) notes[formPath(w.field)] ??= w.info ? { text: w.message, info: true } : w.message;
    onTemplateErrors(byPath, notes);
  }, [templateErrors, templateWarnings, onTemplateErrors]);
  // a `{{` being typed with its suggestions open: that field's errors wait until they close
  const drafting = useTemplateDrafting()?.paths;
  // a row just added with "+ Add …" and not left yet: its empty key is a step still to take
  const newRows = useNewRows();
  const user = users.find((u) => u.id === userId);
  const forWhom = attributes.value ? "For the test user attributes" : user ? `For ${user.label}` : "";

  return (
    <div className="space-y-5">
      <div className="grid grid-cols-1 gap-4">
        {variant && (
          <Field label="Variant">
            {(c) => (
              <select {...c} className={inputClass} value={variant.tab} onChange={(e) => variant.onChange(Number(e.target.value))}>
                {Array.from({ length: variant.count }, (_, i) => (
                  <option key={i} value={i}>
                    Variant {variantKey(i)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Preview as" hint={users.length ? undefined : "No users yet: type test user attributes below."}>
          {(c) => (
            <select {...c} className={inputClass} value={userId} onChange={(e) => setUserId(e.target.value)} disabled={!users.length}>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="Sample event parameters" error={event.error} hint="Optional JSON, for {{event.params.…}}">
            {(c) => (
              <textarea {...c} rows={3} spellCheck={false} className={monoInputClass} placeholder='{"orderId": "A-1001"}' value={eventText} onChange={(e) => setEventText(e.target.value)} />
            )}
          </Field>
          <Field label="Test user attributes" error={attributes.error} hint="Optional JSON; replaces the user above">
            {(c) => (
              <textarea
                {...c}
                rows={3}
                spellCheck={false}
                className={monoInputClass}
                placeholder='{"firstName": "Ada", "city": "Lyon"}'
                value={attributesText}
                onChange={(e) => setAttributesText(e.target.value)}
              />
            )}
          </Field>
        </div>
      </div>
      <div className="border-t border-slate-100 pt-5">
        <RequestPreview
          result={unreadable ? undefined : preview.data}
          updating={!unreadable && preview.isFetching}
          failure={unreadable}
          outOfDate={problem && <PreviewOutOfDateNotice problem={problem} shown={!!preview.data} retrying={preview.isFetching} onRetry={() => void preview.refetch()} />}
          forWhom={forWhom}
          urlEmpty={!action?.url.trim()}
          drafting={drafting}
          newRows={newRows}
        />
      </div>
      <div className="border-t border-slate-100 pt-5">
        <TestSendPanel
          sample={sample && draftKey ? { ...sample, draftKey } : sample}
          blockedReason={event.error || attributes.error ? "Fix the JSON above to send a test." : !action ? "Add a webhook first." : undefined}
          shown={shownTestSend}
          onShow={onShowTestSend}
          draftOwner={draftOwner}
          onDraftSent={onDraftSent}
          retryPolicy={retryPolicy}
        />
      </div>
    </div>
  );
}
