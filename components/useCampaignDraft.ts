"use client";
// The campaign editor's state and what changes it: typing, adding/duplicating webhooks, save, delete.
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import { deleteActionAction, deleteCampaignAction, loadStoredDraftAction, saveCampaignAction } from "@/app/campaigns/actions";
import { mergeCampaign, type CampaignMerge } from "@/lib/campaigns/campaign-merge";
import type { ActionDraftInput, FieldErrors } from "@/lib/campaigns/schemas";
import { copyOfAction, draftOf, newAction, stateFromDraft, type ActionState, type CampaignState, type DraftForEditor } from "./campaign-draft-state";
import { handOverSample } from "./preview-sample-carry";
import type { DeliveryInitial } from "./delivery/delivery-form-state";
import { useLeadToProblem } from "./ui/lead-to-problem";

/**
 * `forFields`: a message about field errors, gone once those errors are fixed.
 * `leadsTo`: the campaign status the outcome it tells of led to (Activate's "active"): it stays when
 * the page follows the campaign there and goes on any other change (statusLineFollows).
 */
export type EditorMessage = { tone: "success" | "error"; text: string; forFields?: boolean; leadsTo?: string; reload?: boolean } | null;

/** A message for the next editor to mount (after a new campaign's first save moves it to its page). */
let flash: EditorMessage = null;

/** Keeps React keys of rows that survived a save, so focus and the active webhook stay put. */
function keepKeys(previous: CampaignState, next: CampaignState): CampaignState {
  return {
    ...next,
    actions: next.actions.map((a, i) => {
      const p = previous.actions[i];
      if (!p) return a;
      return {
        ...a,
        uid: p.uid,
        fields: a.fields.map((f, j) => ({ ...f, uid: p.fields[j]?.uid ?? f.uid })),
        headers: a.headers.map((h, j) => ({ ...h, uid: p.headers[j]?.uid ?? h.uid })),
        variants: a.variants.map((v, k) => {
          const pv = p.variants[k];
          if (!pv) return v;
          return {
            ...v,
            uid: pv.uid,
            fields: v.fields.map((f, j) => ({ ...f, uid: pv.fields[j]?.uid ?? f.uid })),
            headers: v.headers.map((h, j) => ({ ...h, uid: pv.headers[j]?.uid ?? h.uid })),
          };
        }),
      };
    }),
  };
}

/** Drops the save errors of the paths just edited ("actions.0.fields" clears its rows' errors too). */
const withoutErrorsAt = (paths: string[]) => (errors: FieldErrors) =>
  Object.fromEntries(Object.entries(errors).filter(([path]) => !paths.some((p) => path === p || path.startsWith(`${p}.`))));

/** `storedErrors`: what a save would refuse in the campaign as stored (saved before a check existed), shown at once */
export function useCampaignDraft(initial: DraftForEditor, storedErrors?: FieldErrors) {
  const router = useRouter();
  // A new campaign starts with one empty webhook; that is the starting point, not a change.
  const [start] = useState<CampaignState>(() => {
    const s = stateFromDraft(initial);
    return s.actions.length ? s : { ...s, actions: [newAction()] };
  });
  const [state, setState] = useState<CampaignState>(start);
  const [saved, setSaved] = useState<CampaignState>(start);
  // Errors found while typing show at a field once it was left, or everywhere after a save attempt.
  const [saveAttempted, setSaveAttempted] = useState(() => !!storedErrors && Object.keys(storedErrors).length > 0);
  const [errors, setErrors] = useState<FieldErrors>(storedErrors ?? {});
  const [notices, setNotices] = useState<Record<string, string>>({});
  // Read on every render until mounted, cleared once mounted: a render React discards must not use it up.
  const [message, setMessage] = useState<EditorMessage>(() => flash);
  useEffect(() => {
    flash = null;
  }, []);
  const [pending, startTransition] = useTransition();
  // what "Merge their changes" took from the stored campaign and each clash, shown until the next save
  const [merged, setMerged] = useState<Omit<CampaignMerge, "state"> | null>(null);
  // a refused save focuses its first field with an error (Save's, or Activate's save)
  const leadToProblem = useLeadToProblem();

  // the form as last rendered, for what finishes after an await (a merge must not drop the keystrokes typed meanwhile)
  const latest = useRef({ state, saved });
  useEffect(() => {
    latest.current = { state, saved };
  });

  const savedJson = useMemo(() => JSON.stringify(draftOf(saved)), [saved]);
  const dirty = JSON.stringify(draftOf(state)) !== savedJson;

  // "Saved." describes the state before this edit; it gives way to "Unsaved changes".
  const clearSuccess = () => setMessage((m) => (m?.tone === "success" ? null : m));

  function updateCampaign(patch: { name?: string; description?: string }) {
    clearSuccess();
    setState((s) => ({ ...s, ...patch }));
    setErrors(withoutErrorsAt(Object.keys(patch)));
  }

  function updateAction(uid: string, patch: Partial<ActionState>) {
    const index = state.actions.findIndex((a) => a.uid === uid);
    clearSuccess();
    setState((s) => ({ ...s, actions: s.actions.map((a) => (a.uid === uid ? { ...a, ...patch } : a)) }));
    setErrors(withoutErrorsAt(Object.keys(patch).map((key) => `actions.${index}.${key}`)));
  }

  /** Adds a new webhook, or a copy of `copyOf` right after it; returns its uid. */
  function addAction(copyOf?: ActionState): string {
    const added = copyOf ? copyOfAction(copyOf) : newAction(state.actions.length + 1);
    setState((s) => {
      const at = copyOf ? s.actions.findIndex((a) => a.uid === copyOf.uid) + 1 : s.actions.length;
      return { ...s, actions: [...s.actions.slice(0, at), added, ...s.actions.slice(at)] };
    });
    return added.uid;
  }

  /** Adds a webhook started from `draft` (a template's copy), in place of `replaceUid` when given; returns its uid. */
  function addActionFromDraft(draft: ActionDraftInput, replaceUid?: string): string {
    const added = stateFromDraft({ name: "", actions: [draft] }).actions[0]!;
    setState((s) => {
      const at = replaceUid ? s.actions.findIndex((a) => a.uid === replaceUid) : -1;
      return { ...s, actions: at < 0 ? [...s.actions, added] : s.actions.map((a, i) => (i === at ? added : a)) };
    });
    return added.uid;
  }

  /** Says in the header what happened elsewhere on the page (Activate's result): it replaces "Saved." */
  function announce(m: EditorMessage) {
    setMessage(m);
  }

  /** Shows errors found elsewhere (Activate's, at the webhooks' fields) as a save's are shown, until their fields change. */
  function showErrors(found: FieldErrors) {
    if (Object.keys(found).length === 0) return;
    setErrors((e) => ({ ...e, ...found }));
    setSaveAttempted(true);
  }

  /**
   * Saves the campaign, with the page's delivery settings when `with.delivery` gives them (webhooks
   * named by position); `with.onSaved` hears of the saved state (its webhooks have ids then).
   */
  function save(
    with_: {
      delivery?: (actions: ActionState[]) => unknown;
      /**
       * `stopped`: the save cleared a saved secret and `notWhenCleared` was given: no follow-up (Activate).
       * `deliverySaved`: false when the delivery settings were refused (the campaign went active meanwhile): they stay unsaved on screen
       */
      onSaved?: (saved: CampaignState, stopped: boolean, deliverySaved: boolean) => void;
      /** for a follow-up that must not go on when the save cleared a secret: what to say instead */
      notWhenCleared?: string;
      /** said after "Saved." (who a webhook added to a live campaign goes to: lib/campaigns/live-new-webhooks.ts) */
      savedNote?: string | null;
    } = {},
  ) {
    setMessage(null);
    setSaveAttempted(true);
    startTransition(async () => {
      const result = await saveCampaignAction(draftOf(state), with_.delivery?.(state.actions));
      if (!result.ok) {
        setErrors(result.fieldErrors);
        // a conflict (saved elsewhere since): what was typed stays on screen to be copied, Reload shows theirs
        setMessage({ tone: "error", text: result.message, forFields: Object.keys(result.fieldErrors).length > 0, reload: result.conflict });
        leadToProblem();
        return;
      }
      const next = keepKeys(state, stateFromDraft(result.data.draft));
      setMerged(null);
      setState(next);
      setSaved(next);
      setErrors({});
      setSaveAttempted(false);
      setNotices(result.data.notices);
      // a secret the save cleared (its host changed) is typed again before anything goes live without it
      const stopped = !!with_.notWhenCleared && Object.keys(result.data.notices).length > 0;
      const { deliveryProblem } = result.data;
      with_.onSaved?.(next, stopped, !deliveryProblem);
      setMessage(
        stopped
          ? { tone: "error", text: with_.notWhenCleared! }
          : deliveryProblem
            ? { tone: "error", text: `Saved, except the delivery settings (still unsaved below): ${deliveryProblem}` }
            : { tone: "success", text: with_.savedNote ? `Saved. ${with_.savedNote}` : "Saved." },
      );
      if (!state.id) {
        handOverSample(result.data.id);
        // A new campaign moves to its own page (with its Delivery section); the message goes along.
        flash = { tone: "success", text: "Saved." };
        router.replace(`/campaigns/${result.data.id}`);
      } else router.refresh();
    });
  }

  /**
   * After a save lost to another: the campaign as stored now, merged with the form (campaign-merge.ts).
   * The form holds the stored version then, so its next Save is not refused; nothing is saved until it is.
   */
  function mergeTheirs(withDelivery?: (stored: DeliveryInitial) => Partial<Omit<CampaignMerge, "state">>) {
    const id = state.id;
    if (!id) return;
    startTransition(async () => {
      const result = await loadStoredDraftAction(id);
      if (!result.ok) return setMessage({ tone: "error", text: result.message });
      const theirs = stateFromDraft(result.data.draft);
      // the form as it is now, not as it was at the click: what was typed while theirs loaded stays
      const { state: next, ...merge } = mergeCampaign(latest.current.saved, latest.current.state, theirs);
      // the Delivery section is the page's: it says what it took, or its clash
      const section = withDelivery?.(result.data.delivery) ?? {};
      const report = { fromThem: [...merge.fromThem, ...(section.fromThem ?? [])], clashes: [...merge.clashes, ...(section.clashes ?? [])] };
      setState(next);
      // the stored campaign is the one this form was loaded from now (the base of another merge)
      setSaved(theirs);
      setErrors({});
      setMerged(report);
      setMessage({
        tone: report.clashes.length ? "error" : "success",
        text: `Their changes are merged into the form${report.clashes.length ? `, with ${report.clashes.length === 1 ? "1 clash" : `${report.clashes.length} clashes`}` : ""}: nothing is saved until you press Save.`,
      });
    });
  }

  function deleteCampaign(done: () => void) {
    startTransition(async () => {
      const result = state.id ? await deleteCampaignAction(state.id) : { ok: true as const, data: undefined };
      done();
      if (!result.ok) return setMessage({ tone: "error", text: result.message });
      setSaved(state);
      router.push("/campaigns");
    });
  }

  /** Deletes a webhook: from the database when saved, from the form in any case. `capExempt`: the cap exemption the page's box shows (an admin's). */
  function deleteAction(uid: string, done: () => void, capExempt?: boolean) {
    const action = state.actions.find((a) => a.uid === uid);
    startTransition(async () => {
      // the delete moves the campaign's version: the tab holds the one it answers, as after a Save, or
      // its own next Save and Activate would be refused as "changed since you opened it"
      let version = state.version;
      if (action?.id && state.id) {
        const result = await deleteActionAction(state.id, action.id, state.version, capExempt);
        if (!result.ok) {
          done();
          return setMessage({ tone: "error", text: result.message });
        }
        version = result.data.version;
      }
      const drop = (s: CampaignState) => ({ ...s, version, actions: s.actions.filter((a) => a.uid !== uid && (!action?.id || a.id !== action.id)) });
      setState(drop);
      setSaved(drop);
      setErrors({});
      done();
      setMessage({ tone: "success", text: `Deleted “${action?.name ?? "webhook"}”.` });
    });
  }

  /**
   * The version another of the page's actions handed back (Activate's save, the Goal form's), held as a
   * Save's is; never an older one than the tab holds (the second review: a goal saved while a Save was
   * under way answered the version it was sent with, and put the Save's newer one back).
   */
  function holdVersion(version: number) {
    const hold = (s: CampaignState) => ({ ...s, version: s.version !== undefined && s.version > version ? s.version : version });
    setState(hold);
    setSaved(hold);
  }

  return { state, saved, errors, notices, message, merged, dismissMerged: () => setMerged(null), dirty, pending, saveAttempted, mergeTheirs, updateCampaign, updateAction, addAction, addActionFromDraft, save, showErrors, announce, holdVersion, deleteCampaign, deleteAction };
}
