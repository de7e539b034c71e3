"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { DELIVERY_ERROR_PREFIX } from "@/lib/campaigns/delivery-refs";
import { saveProblems, webhookProblemPlace } from "@/lib/campaigns/problem-labels";
import { focusFieldAt } from "./ui/lead-to-problem";
import type { SampleUser } from "@/lib/campaigns/sample-context";
import type { TestSendView } from "@/lib/campaigns/test-sends";
import { ActionEditor } from "./ActionEditor";
import { useRoleAllows } from "./auth/MemberRole";
import { actionDraftOf, type CampaignState, type DraftForEditor } from "./campaign-draft-state";
import { CampaignDetails } from "./CampaignDetails";
import { useHoldsCampaignVersion } from "./CampaignVersionScope";
import { useLiveCampaignStatus } from "./outcomes/CampaignLiveStatus";
import { DeliveryForm } from "./delivery/DeliveryForm";
import { storedDeliveryDiffers, type DeliveryInitial } from "./delivery/delivery-form-state";
import { useDeliveryDraft } from "./delivery/useDeliveryDraft";
import { EditorHeader } from "./EditorHeader";
import { PreviewPanel } from "./PreviewPanel";
import { SaveAsTemplateButton } from "./templates/SaveAsTemplateButton";
import { useTemplateStart } from "./templates/useTemplateStart";
import { TemplatePicker } from "./templates/TemplatePicker";
import { TemplateStartNote } from "./templates/TemplateStartNote";
import { TestSendHistory } from "./TestSendHistory";
import { Button } from "./ui/Button";
import { ConfirmDialog } from "./ui/ConfirmDialog";
import { ErrorRevealScope, type FieldNotice } from "./ui/Field";
import { useCampaignDraft } from "./useCampaignDraft";
import { useDraftTestSends } from "./useDraftTestSends";
import { statusLineFollows } from "@/lib/campaigns/status-line";
import { useLeaveGuard } from "./useLeaveGuard";
import { LeaveGuardDialog } from "./LeaveGuardDialog";
import { MergeNotice } from "./MergeNotice";
import { VariantControls } from "./VariantControls";
import { VariantTabs } from "./VariantTabs";
import { contentOf, patchAt } from "./variant-state";
import { variantKey } from "@/lib/campaigns/variants";
import { newWebhooksReach } from "@/lib/campaigns/live-new-webhooks";

type Confirming = { kind: "campaign" } | { kind: "action"; uid: string } | null;

// what a live campaign's edits do: its webhooks' content applies as it is saved; how it delivers is locked until it is paused (lib/delivery/forms/settings.ts)
const LIVE_NOTE = "This campaign is live: webhook changes apply to the next deliveries; pause it to change how it delivers";
const VIEWER_NOTE = "You can view this campaign; editing needs the editor role";

/** The campaign screen: details and webhooks on the left, the live preview and Test send on the right. */
export function CampaignEditor({
  initial,
  status: renderedStatus,
  users,
  delivery: deliveryInitial,
  stored,
}: {
  initial: DraftForEditor;
  status?: string;
  users: SampleUser[];
  /** the stored delivery settings (a new campaign's defaults): the Delivery section under the webhooks */
  delivery: DeliveryInitial;
  /** what a save would refuse in the campaign as stored (saved before a check existed), at its fields, and the words over it */
  stored?: { errors: Record<string, string>; message: string | null };
}) {
  // A viewer gets the same screen read-only (the server refuses their changes in any case); the preview stays theirs.
  const canEdit = useRoleAllows("editor");
  // as it is now (a campaign finishes by itself once every delivery is final), not as first rendered
  const status = useLiveCampaignStatus(renderedStatus);
  const editor = useCampaignDraft(initial, stored?.errors);
  const { state, saved, notices } = editor;
  // the Goal form saves with the version this editor holds, and hands it the next
  useHoldsCampaignVersion(state.version, editor.holdVersion);
  const delivery = useDeliveryDraft(deliveryInitial, state.actions);
  const dirty = editor.dirty || delivery.dirty;
  // the delivery settings as stored when this page last read them (its props after a save, or a merge's)
  const [deliveryBase, setDeliveryBase] = useState({ seen: deliveryInitial, stored: deliveryInitial });
  if (deliveryBase.seen !== deliveryInitial) setDeliveryBase({ seen: deliveryInitial, stored: deliveryInitial });
  // "Merge their changes": an unedited Delivery section shows theirs; an edited one merges field by field
  // (yours where only you changed, theirs where only they did), on the section as it is once theirs has
  // loaded, not as it was at the click (what was typed meanwhile stays).
  const latestDelivery = useRef({ delivery, base: deliveryBase.stored, actions: state.actions });
  useEffect(() => {
    latestDelivery.current = { delivery, base: deliveryBase.stored, actions: state.actions };
  });
  const mergeTheirs = () =>
    editor.mergeTheirs((stored) => {
      const { delivery: now, base, actions } = latestDelivery.current;
      const changed = storedDeliveryDiffers(base, stored);
      setDeliveryBase((b) => ({ ...b, stored }));
      if (!changed) return {};
      if (!now.dirty) {
        now.showStored(stored);
        return { fromThem: ["Delivery settings"] };
      }
      return now.mergeStored(base, stored, (id) => `Webhook ${actions.findIndex((a) => a.id === id) + 1}`);
    });
  const leaveGuard = useLeaveGuard(dirty);
  // The save's errors: the delivery settings' go to the Delivery section ("rule.sendAt").
  const errors = Object.fromEntries(Object.entries(editor.errors).filter(([p]) => !p.startsWith(DELIVERY_ERROR_PREFIX)));
  const deliveryErrors = Object.fromEntries(
    Object.entries(editor.errors).flatMap(([p, m]) => (p.startsWith(DELIVERY_ERROR_PREFIX) ? [[p.slice(DELIVERY_ERROR_PREFIX.length), m]] : [])),
  );
  const campaignStatus = status ?? "draft";
  // The header's line tells of a status ("Active: 3 deliveries planned."): it goes once the campaign moves on from it.
  const [statusSeen, setStatusSeen] = useState(campaignStatus);
  if (statusSeen !== campaignStatus) {
    setStatusSeen(campaignStatus);
    if (editor.message && !statusLineFollows(editor.message, campaignStatus)) editor.announce(null);
  }
  const [activeUid, setActiveUid] = useState(state.actions[0]?.uid);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [confirmingLiveSave, setConfirmingLiveSave] = useState(false);
  const live = status === "active";
  const [shownTestSend, setShownTestSend] = useState<TestSendView | null>(null);
  // The preview's template errors for the active webhook, shown at its fields as well.
  const [liveErrors, setLiveErrors] = useState<Record<string, string>>({});
  // and its warnings Activate refuses (an unset secret header), noted at their fields
  const [liveNotices, setLiveNotices] = useState<Record<string, FieldNotice>>({});
  const onTemplateErrors = useCallback((e: Record<string, string>, n: Record<string, FieldNotice>) => {
    setLiveErrors(e);
    setLiveNotices(n);
  }, []);

  // the variant tab shown per webhook (0 = A, the webhook itself)
  const [tabs, setTabs] = useState<Record<string, number>>({});
  const tabOf = (a: { uid: string; variants: unknown[] }) => Math.min(tabs[a.uid] ?? 0, a.variants.length);
  const setTab = (uid: string, tab: number) => setTabs((t) => ({ ...t, [uid]: tab }));

  const templateStart = useTemplateStart(editor, activate);
  const activeIndex = Math.max(0, state.actions.findIndex((a) => a.uid === activeUid));
  const active = state.actions[activeIndex] ?? null;
  const activeTab = active ? tabOf(active) : 0;
  const draftTestSends = useDraftTestSends(state.id, state.actions);
  const showTestSend = (send: TestSendView | null) => setShownTestSend(send);
  const savedUrls = new Map(saved.actions.flatMap((a) => [a, ...a.variants]).filter((a) => a.id).map((a) => [a.id!, a.url]));

  function activate(uid: string) {
    if (uid !== activeUid) setShownTestSend(null);
    setActiveUid(uid);
  }

  function confirmDelete() {
    if (confirming?.kind === "campaign") editor.deleteCampaign(() => setConfirming(null));
    // the exemption its box shows (an admin's): the delete hands the tab the next version only if it is the stored one
    else if (confirming?.kind === "action") editor.deleteAction(confirming.uid, () => setConfirming(null), delivery.settings().capExempt);
  }

  // A running campaign sends what is saved from its next delivery on: ask first.
  // One Save for the page: the delivery settings go along unless the campaign is running.
  // `then` hears of a successful save (Activate goes on from there).
  const saveAll = (then?: (saved: CampaignState) => void, notWhenCleared?: string) => {
    const running = campaignStatus === "active" || campaignStatus === "finished";
    editor.save({
      savedNote: live ? addedReach : null,
      delivery: running ? undefined : (actions) => delivery.settings(actions),
      onSaved: (next, stopped, deliverySaved) => {
        // refused settings stay unsaved on screen (and Activate does not go on with them)
        if (!running && deliverySaved) delivery.markSaved(next.actions);
        if (!stopped && (running || deliverySaved)) then?.(next);
      },
      notWhenCleared,
    });
  };
  // a webhook added to a live campaign is in none of the deliveries it already planned: Save says who it goes to
  const addedReach = live ? newWebhooksReach(deliveryInitial.rule, state.actions.flatMap((a, i) => (a.id ? [] : [`Webhook ${i + 1} (${a.name || "Untitled"})`]))) : null;
  function save() {
    if (live) setConfirmingLiveSave(true);
    else saveAll();
  }
  // Activate is offered on a draft only, so no live-campaign question comes between it and this save.
  const saveBeforeActivate = dirty
    ? (then: (saved: CampaignState["actions"], version?: number) => void) =>
        saveAll((next) => then(next.actions, next.version), "Saved, but not activated: the save cleared a saved secret (see the field). Type it again, then activate.")
    : undefined;

  // "A template has a syntax error" goes once no field error is left to fix.
  const fieldErrorsLeft = Object.keys(editor.errors).length > 0 || Object.keys(liveErrors).length > 0;
  const message = editor.message?.forFields && !fieldErrorsLeft ? null : editor.message;

  const confirmingAction = confirming?.kind === "action" ? state.actions.find((a) => a.uid === confirming.uid) : undefined;

  return (
    <div className="space-y-6">
      <EditorHeader
        title={state.id ? saved.name || state.name || "Untitled campaign" : "New campaign"}
        status={status}
        dirty={dirty}
        saving={editor.pending}
        message={message}
        problems={message?.tone === "error" && message.forFields ? saveProblems(editor.errors, state.actions).map((p) => ({ label: p.label, onGo: () => focusFieldAt(p.path) })) : []}
        saved={!!state.id}
        editable={canEdit}
        onSave={save}
        onDelete={() => setConfirming({ kind: "campaign" })}
        onMerge={mergeTheirs}
      />
      {editor.merged && <MergeNotice {...editor.merged} onDismiss={editor.dismissMerged} />}
      {stored?.message && (
        <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          {stored.message}
        </p>
      )}
      {!canEdit && (
        <p role="note" className="rounded-lg border border-slate-200 bg-slate-100 px-4 py-3 text-sm text-slate-700">
          {VIEWER_NOTE}
        </p>
      )}
      {/* how edits apply: for those who may edit (the header's badge says Active to everyone) */}
      {live && canEdit && (
        <p role="note" className="rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm font-medium text-emerald-900">
          {LIVE_NOTE}
        </p>
      )}
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="min-w-0 space-y-6 lg:col-start-1">
          {/* Errors found while typing wait for the field to be left; the Delivery section's come from its buttons. */}
          <ErrorRevealScope revealed={editor.saveAttempted}>
            <fieldset disabled={!canEdit} className="min-w-0">
              <CampaignDetails name={state.name} description={state.description} errors={errors} onChange={editor.updateCampaign} />
            </fieldset>
            <div className="space-y-4">
              <div className="flex flex-wrap items-center justify-between gap-3">
                <h2 className="text-lg font-semibold text-slate-900">Webhooks</h2>
                {canEdit && (
                  <div className="flex flex-wrap gap-2">
                    <TemplatePicker onPick={templateStart.start} />
                    <Button size="sm" onClick={() => activate(editor.addAction())}>
                      <span aria-hidden>+</span> Add webhook
                    </Button>
                  </div>
                )}
              </div>
              {errors.actions && <p className="text-sm text-red-700">{errors.actions}</p>}
              {state.actions.length === 0 && (
                <p className="rounded-xl border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600">
                  No webhooks yet. Add one to compose the request this campaign sends.
                </p>
              )}
              {state.actions.map((action, i) => {
                const tab = tabOf(action);
                const view = contentOf(action, tab);
                // the fields edit the chosen variant: their errors and notices are under its path
                const content = tab ? `actions.${i}.variants.${tab - 1}.` : `actions.${i}.`;
                // the response mapping is the webhook's, not a variant's: its errors are under the webhook's path on every tab
                const at = (p: string) => `${p.startsWith("responseMapping") ? `actions.${i}.` : content}${p}`;
                const startNote = templateStart.noteOf(action.uid);
                return (
                  <ActionEditor
                    key={action.uid}
                    action={view}
                    webhookId={action.id}
                    variant={tab ? variantKey(tab) : undefined}
                    campaignId={state.id}
                    index={i}
                    active={state.actions.length > 1 && action.uid === active?.uid}
                    savedUrl={view.id ? savedUrls.get(view.id) : undefined}
                    errorAt={(p) => errors[at(p)] ?? (action.uid === active?.uid ? liveErrors[p] : undefined)}
                    noticeAt={(p) => notices[at(p)] ?? (action.uid === active?.uid ? liveNotices[p] : undefined)}
                    onChange={(patch) => editor.updateAction(action.uid, patchAt(action, tab, patch))}
                    onActivate={() => activate(action.uid)}
                    onDuplicate={() => activate(editor.addAction(action))}
                    onDelete={() => setConfirming({ kind: "action", uid: action.uid })}
                    headerActions={<SaveAsTemplateButton action={action} />}
                    note={startNote && <TemplateStartNote {...startNote} webhook={`Webhook ${i + 1}`} onDismiss={() => templateStart.dismiss(action.uid)} />}
                    readOnly={!canEdit}
                    variantTabs={action.variants.length > 0 && <VariantTabs count={action.variants.length + 1} tab={tab} onTab={(t) => setTab(action.uid, t)} readOnly={!canEdit} />}
                    variantControls={
                      <VariantControls
                        action={action}
                        tab={tab}
                        onTab={(t) => setTab(action.uid, t)}
                        onChange={(patch) => editor.updateAction(action.uid, patch)}
                        errorAt={(p) => errors[`actions.${i}.${p}`]}
                        readOnly={!canEdit}
                      />
                    }
                  />
                );
              })}
            </div>
          </ErrorRevealScope>
          <DeliveryForm
            campaignId={state.id}
            status={campaignStatus}
            delivery={delivery}
            missed={deliveryInitial.missedWhilePaused ?? null}
            nextSend={deliveryInitial.nextSend ?? null}
            responseMappings={new Map(state.actions.map((a) => [a.uid, a.responseMapping]))}
            saveErrors={deliveryErrors}
            onWebhookErrors={editor.showErrors}
            problemPlace={(e) => webhookProblemPlace(e, state.actions)}
            saveFirst={saveBeforeActivate}
            version={state.version}
            onVersion={editor.holdVersion}
            saving={editor.pending}
            onOutcome={editor.announce}
          />
        </div>
        <aside
          aria-label="Preview and test"
          className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 lg:sticky lg:top-24 lg:col-start-2 lg:row-span-2 lg:row-start-1 lg:max-h-[calc(100vh-7rem)] lg:overflow-y-auto"
        >
          {state.actions.length > 1 && active && (
            <p className="mb-4 text-sm text-slate-600">
              Previewing webhook {activeIndex + 1}: <span className="font-medium text-slate-900">{active.name}</span>
            </p>
          )}
          <PreviewPanel
            action={active ? actionDraftOf(active) : null}
            variant={active?.variants.length ? { tab: activeTab, count: active.variants.length + 1, onChange: (t) => setTab(active.uid, t) } : null}
            campaign={{ id: state.id, name: state.name || "Untitled campaign" }}
            // what the webhooks before it save from their responses, as typed: known to it ("Set from Webhook 1's response")
            earlierSteps={state.actions.slice(0, Math.max(0, state.actions.findIndex((a) => a.uid === active?.uid))).map((a) => ({ responseMappings: [a.responseMapping] }))}
            draftKey={draftTestSends.draftKey}
            // a test send of a webhook not saved yet (of any of its variants) joins its history once it is saved
            draftOwner={active && !active.id ? active.uid : undefined}
            onDraftSent={(uid, send) => draftTestSends.remember(uid, send.id)}
            users={users}
            shownTestSend={shownTestSend}
            onShowTestSend={showTestSend}
            onTemplateErrors={onTemplateErrors}
            // the Retries choice of this webhook in the Delivery section (its timings are keyed by row uid)
            retryPolicy={delivery.form.actions.find((a) => a.id === active?.uid)?.retryPolicy ?? "default"}
          />
        </aside>
        {/* the webhook's history, whichever variant's tab is open: each send says its variant */}
        {active?.id && (
          <div className="min-w-0 lg:col-start-1">
            <TestSendHistory actionId={active.id} actionName={active.name} onSelect={setShownTestSend} />
          </div>
        )}
      </div>
      <ConfirmDialog
        open={confirmingLiveSave}
        title="Save changes to a live campaign?"
        confirmLabel="Save changes"
        busy={editor.pending}
        onCancel={() => setConfirmingLiveSave(false)}
        onConfirm={() => {
          setConfirmingLiveSave(false);
          saveAll();
        }}
      >
        <p>{`${LIVE_NOTE}. The change is recorded in the audit log.`}</p>
        {addedReach && <p className="mt-2 font-medium">{addedReach}</p>}
      </ConfirmDialog>
      <ConfirmDialog
        open={!!confirming}
        title={confirming?.kind === "campaign" ? "Delete this campaign?" : "Delete this webhook?"}
        confirmLabel="Delete"
        busy={editor.pending}
        onCancel={() => setConfirming(null)}
        onConfirm={confirmDelete}
      >
        {confirming?.kind === "campaign"
          ? `“${saved.name || state.name || "This campaign"}” and its webhooks, test sends and delivery history will be deleted. This cannot be undone.`
          : `“${confirmingAction?.name ?? "This webhook"}” will be removed from the campaign${confirmingAction?.id ? ", with its test sends and delivery history" : ""}. This cannot be undone.`}
      </ConfirmDialog>
      <LeaveGuardDialog guard={leaveGuard}>
        {saved.name || state.name ? `Your changes to “${saved.name || state.name}” will be lost.` : "Your changes to this new campaign will be lost."}
      </LeaveGuardDialog>
    </div>
  );
}
