"use client";
// A webhook's A/B test, under its request: a split in percent per variant, an optional control group,
// and what is wrong with the splits as they are typed. The tabs choosing which variant the request
// fields edit are VariantTabs, above those fields.
import { MAX_CONTROL_PERCENT, MAX_EXTRA_VARIANTS, splitProblems, userShares, variantKey } from "@/lib/campaigns/variants";
import type { ActionState } from "./campaign-draft-state";
import { Button } from "./ui/Button";
import { Field, FieldMessage, inputClass } from "./ui/Field";
import { withNewVariant, withoutVariant } from "./variant-state";

const asPercent = (typed: string) => (typed.trim() === "" ? NaN : Number(typed));

export function VariantControls({
  action,
  tab,
  onTab,
  onChange,
  errorAt,
  readOnly = false,
}: {
  action: ActionState;
  tab: number;
  onTab: (tab: number) => void;
  onChange: (patch: Partial<ActionState>) => void;
  /** the save's errors at the webhook's paths ("splitPercent", "variants.0.splitPercent", "controlPercent") */
  errorAt: (path: string) => string | undefined;
  /** a viewer's: the tabs still switch, the splits cannot change */
  readOnly?: boolean;
}) {
  const keys = [0, ...action.variants.map((_, i) => i + 1)].map(variantKey);
  const splits = [action.splitPercent, ...action.variants.map((v) => v.splitPercent)];
  const setSplit = (i: number, value: string) =>
    onChange(i === 0 ? { splitPercent: value } : { variants: action.variants.map((v, j) => (j === i - 1 ? { ...v, splitPercent: value } : v)) });
  const typedProblems = action.variants.length
    ? splitProblems({ controlPercent: asPercent(action.controlPercent), variants: splits.map((s, i) => ({ key: keys[i]!, splitPercent: asPercent(s) })) })
    : [];
  const sumProblem = typedProblems.find((p) => p.message.includes("add up"))?.message ?? errorAt("splitPercent");
  // each split is a share of the users the control group leaves: 50 + 50 + control 20 read as 120% without "= 40% of users"
  const control = asPercent(action.controlPercent);
  const typedControl = Number.isInteger(control) && control >= 0 && control <= MAX_CONTROL_PERCENT ? control : null;
  const shares =
    action.variants.length && typedControl !== null && !typedProblems.length
      ? userShares({ controlPercent: typedControl, variants: splits.map((s, i) => ({ key: keys[i]!, splitPercent: asPercent(s) })) }).variants
      : null;

  function add() {
    const patch = withNewVariant(action, tab);
    if (!patch) return;
    onChange(patch);
    onTab(action.variants.length + 1);
  }

  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 px-3 py-3">
      <legend className="px-1 text-sm font-medium text-slate-700">Variants and control group</legend>
      <fieldset disabled={readOnly} className="flex min-w-0 flex-wrap items-end gap-3">
        {action.variants.length > 0 &&
          keys.map((key, i) => (
            <Field key={key} label={`Split ${key} (%)`} className="w-28" hint={shares ? `= ${shares[i]!.percent}% of users` : undefined} error={i === 0 ? undefined : errorAt(`variants.${i - 1}.splitPercent`)}>
              {(c) => <input {...c} type="number" min={1} max={99} inputMode="numeric" className={inputClass} value={splits[i]} onChange={(e) => setSplit(i, e.target.value)} />}
            </Field>
          ))}
        <Field label="Control group (%)" className="w-36" hint={typedControl ? `${typedControl}% of users get nothing` : undefined} error={errorAt("controlPercent")}>
          {(c) => (
            <input
              {...c}
              type="number"
              min={0}
              max={MAX_CONTROL_PERCENT}
              inputMode="numeric"
              className={inputClass}
              value={action.controlPercent}
              onChange={(e) => onChange({ controlPercent: e.target.value })}
            />
          )}
        </Field>
        {!readOnly && (
          <Button size="sm" onClick={add} disabled={action.variants.length >= MAX_EXTRA_VARIANTS}>
            <span aria-hidden>+</span> Add variant
          </Button>
        )}
        {!readOnly && tab > 0 && (
          <Button size="sm" variant="ghost" className="text-red-700 hover:bg-red-50" onClick={() => { onChange(withoutVariant(action, tab)); onTab(tab - 1); }}>
            Remove variant {keys[tab]}
          </Button>
        )}
      </fieldset>
      {sumProblem && <FieldMessage tone="error">{sumProblem}</FieldMessage>}
      {typedControl ? <p className="text-sm text-slate-700">Held out of this webhook and every later one.</p> : null}
      <p className="text-xs text-slate-500">
        Each user gets the same variant every time (a hash of campaign, webhook and user). The control group is sent nothing; the splits share the rest and add up to 100%.
      </p>
    </fieldset>
  );
}
