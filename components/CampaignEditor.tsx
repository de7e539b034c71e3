"use client";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useState, useTransition, type ReactNode } from "react";
import { deleteActionAction, deleteCampaignAction, saveCampaignAction } from "@/app/campaigns/actions";
import type { SampleUser } from "@/lib/campaigns/sample-context";
import type { FieldErrors } from "@/lib/campaigns/schemas";
import type { TestSendView } from "@/lib/campaigns/test-sends";
import { ActionEditor } from "./ActionEditor";
import {
  actionDraftOf,
  copyOfAction,
  draftOf,
  newAction,
  stateFromDraft,
  type ActionState,
  type CampaignState,
  type DraftForEditor,
} from "./campaign-draft-state";
import { CampaignDetails } from "./CampaignDetails";
import { EditorHeader } from "./EditorHeader";
import { PreviewPanel } from "./PreviewPanel";
import { TestSendHistory } from "./TestSendHistory";
import { Button } from "./ui/Button";
import { ConfirmDialog } from "./ui/ConfirmDialog";
import { useUnsavedChangesGuard } from "./useUnsavedChangesGuard";

type Confirming = { kind: "campaign" } | { kind: "action"; uid: string } | null;
type Message = { tone: "success" | "error"; text: string } | null;

/** A message for the next editor to mount (after a new campaign's first save moves it to its page). */
let flash: Message = null;

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
      };
    }),
  };
}

/** The campaign screen: details and webhooks on the left, the live preview and Test send on the right. */
export function CampaignEditor({
  initial,
  status,
  users,
  deliverySection,
}: {
  initial: DraftForEditor;
  status?: string;
  users: SampleUser[];
  /** issue 4's Delivery section, rendered under the webhooks */
  deliverySection?: ReactNode;
}) {
  const router = useRouter();
  const [state, setState] = useState<CampaignState>(() => {
    const s = stateFromDraft(initial);
    return s.actions.length ? s : { ...s, actions: [newAction()] };
  });
  const [saved, setSaved] = useState<CampaignState>(() => stateFromDraft(initial));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notices, setNotices] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<Message>(() => {
    const m = flash;
    flash = null;
    return m;
  });
  const [activeUid, setActiveUid] = useState(state.actions[0]?.uid);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [shownTestSend, setShownTestSend] = useState<TestSendView | null>(null);
  const [pending, startTransition] = useTransition();
  // The preview's template errors for the active webhook, shown at its fields as well.
  const [liveErrors, setLiveErrors] = useState<Record<string, string>>({});
  const onTemplateErrors = useCallback((e: Record<string, string>) => setLiveErrors(e), []);

  const savedJson = useMemo(() => JSON.stringify(draftOf(saved)), [saved]);
  const dirty = JSON.stringify(draftOf(state)) !== savedJson;
  useUnsavedChangesGuard(dirty);

  const activeIndex = Math.max(0, state.actions.findIndex((a) => a.uid === activeUid));
  const active = state.actions[activeIndex] ?? null;
  const savedUrls = new Map(saved.actions.filter((a) => a.id).map((a) => [a.id!, a.url]));

  function updateAction(uid: string, patch: Partial<ActionState>) {
    const index = state.actions.findIndex((a) => a.uid === uid);
    setState((s) => ({ ...s, actions: s.actions.map((a) => (a.uid === uid ? { ...a, ...patch } : a)) }));
    // An edited part no longer shows the error the last save gave it.
    const stale = Object.keys(patch).map((key) => `actions.${index}.${key}`);
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([path]) => !stale.some((p) => path === p || path.startsWith(`${p}.`)))));
  }

  function activate(uid: string) {
    if (uid !== activeUid) setShownTestSend(null);
    setActiveUid(uid);
  }

  function save() {
    setMessage(null);
    startTransition(async () => {
      const result = await saveCampaignAction(draftOf(state));
      if (!result.ok) {
        setErrors(result.fieldErrors);
        setMessage({ tone: "error", text: result.message });
        return;
      }
      const next = keepKeys(state, stateFromDraft(result.data.draft));
      setState(next);
      setSaved(next);
      setErrors({});
      setNotices(result.data.notices);
      setMessage({ tone: "success", text: "Saved." });
      if (!state.id) {
        // A new campaign moves to its own page (with its Delivery section); the message goes along.
        flash = { tone: "success", text: "Saved." };
        router.replace(`/campaigns/${result.data.id}`);
      } else router.refresh();
    });
  }

  function confirmDelete() {
    const target = confirming;
    if (!target) return;
    if (target.kind === "campaign") {
      startTransition(async () => {
        const result = state.id ? await deleteCampaignAction(state.id) : { ok: true as const, data: undefined };
        setConfirming(null);
        if (result.ok) {
          setSaved(state);
          router.push("/campaigns");
        } else setMessage({ tone: "error", text: result.message });
      });
      return;
    }
    const action = state.actions.find((a) => a.uid === target.uid);
    startTransition(async () => {
      if (action?.id && state.id) {
        const result = await deleteActionAction(state.id, action.id);
        if (!result.ok) {
          setConfirming(null);
          setMessage({ tone: "error", text: result.message });
          return;
        }
      }
      const drop = (s: CampaignState) => ({ ...s, actions: s.actions.filter((a) => a.uid !== target.uid && (!action?.id || a.id !== action.id)) });
      setState(drop);
      setSaved(drop);
      setErrors({});
      setConfirming(null);
      setMessage({ tone: "success", text: `Deleted “${action?.name ?? "webhook"}”.` });
    });
  }

  const confirmingAction = confirming?.kind === "action" ? state.actions.find((a) => a.uid === confirming.uid) : undefined;

  return (
    <div className="space-y-6">
      <EditorHeader
        title={state.id ? saved.name || state.name || "Untitled campaign" : "New campaign"}
        status={status}
        dirty={dirty}
        saving={pending}
        message={message}
        saved={!!state.id}
        onSave={save}
        onDelete={() => setConfirming({ kind: "campaign" })}
      />
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="min-w-0 space-y-6 lg:col-start-1">
          <CampaignDetails
            name={state.name}
            description={state.description}
            errors={errors}
            onChange={(patch) => {
              setState((s) => ({ ...s, ...patch }));
              setErrors((e) => Object.fromEntries(Object.entries(e).filter(([path]) => !(path in patch))));
            }}
          />
          <div className="space-y-4">
            <div className="flex items-center justify-between gap-3">
              <h2 className="text-lg font-semibold text-slate-900">Webhooks</h2>
              <Button
                size="sm"
                onClick={() => {
                  const added = newAction(state.actions.length + 1);
                  setState((s) => ({ ...s, actions: [...s.actions, added] }));
                  activate(added.uid);
                }}
              >
                <span aria-hidden>+</span> Add webhook
              </Button>
            </div>
            {errors.actions && <p className="text-sm text-red-700">{errors.actions}</p>}
            {state.actions.length === 0 && (
              <p className="rounded-xl border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600">
                No webhooks yet. Add one to compose the request this campaign sends.
              </p>
            )}
            {state.actions.map((action, i) => (
              <ActionEditor
                key={action.uid}
                action={action}
                campaignId={state.id}
                index={i}
                active={state.actions.length > 1 && action.uid === active?.uid}
                savedUrl={action.id ? savedUrls.get(action.id) : undefined}
                errorAt={(p) => errors[`actions.${i}.${p}`] ?? (action.uid === active?.uid ? liveErrors[p] : undefined)}
                noticeAt={(p) => notices[`actions.${i}.${p}`]}
                onChange={(patch) => updateAction(action.uid, patch)}
                onActivate={() => activate(action.uid)}
                onDuplicate={() => {
                  const copy = copyOfAction(action);
                  setState((s) => ({ ...s, actions: [...s.actions.slice(0, i + 1), copy, ...s.actions.slice(i + 1)] }));
                  activate(copy.uid);
                }}
                onDelete={() => setConfirming({ kind: "action", uid: action.uid })}
              />
            ))}
          </div>
          {/* Delivery section (issue 4): passed in by app/campaigns/[id]/page.tsx */}
          {deliverySection}
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
            campaign={{ id: state.id, name: state.name || "Untitled campaign" }}
            users={users}
            shownTestSend={shownTestSend}
            onShowTestSend={setShownTestSend}
            onTemplateErrors={onTemplateErrors}
          />
        </aside>
        {active?.id && (
          <div className="min-w-0 lg:col-start-1">
            <TestSendHistory actionId={active.id} actionName={active.name} onSelect={setShownTestSend} />
          </div>
        )}
      </div>
      <ConfirmDialog
        open={!!confirming}
        title={confirming?.kind === "campaign" ? "Delete this campaign?" : "Delete this webhook?"}
        confirmLabel="Delete"
        busy={pending}
        onCancel={() => setConfirming(null)}
        onConfirm={confirmDelete}
      >
        {confirming?.kind === "campaign"
          ? `“${saved.name || state.name || "This campaign"}” and its webhooks, test sends and delivery history will be deleted. This cannot be undone.`
          : `“${confirmingAction?.name ?? "This webhook"}” will be removed from the campaign${confirmingAction?.id ? ", with its test sends and delivery history" : ""}. This cannot be undone.`}
      </ConfirmDialog>
    </div>
  );
}
