"use client";
// Settings › Delivery limits: the install-wide frequency cap. Admins change it; others see it.
import { useState, useTransition } from "react";
import { saveFrequencyCapAction } from "@/app/settings/actions";
import { frequencyCapWarnings, type FrequencyCapForm, type FrequencyCapFormErrors } from "@/lib/delivery/forms/frequency-cap-form";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { Field, inputClass } from "@/components/ui/Field";
import { useUnsavedChangesGuard } from "@/components/useUnsavedChangesGuard";

const FIELDS: { key: keyof FrequencyCapForm; label: string }[] = [
  { key: "perDay", label: "Webhook sends per user per day" },
  { key: "perWeek", label: "Webhook sends per user per week" },
];

export function DeliveryLimitsSection({ initial, editable }: { initial: FrequencyCapForm; editable: boolean }) {
  const [form, setForm] = useState(initial);
  const [saved, setSaved] = useState(initial);
  // limits typed and not saved are not lost to a link or a reload without asking (the campaign editor's guard)
  useUnsavedChangesGuard(editable && FIELDS.some(({ key }) => form[key] !== saved[key]));
  const [errors, setErrors] = useState<FrequencyCapFormErrors>({});
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [pending, start] = useTransition();
  // as typed and once saved: a daily cap the weekly one makes unreachable is said at its field (saved all the same)
  const warnings = frequencyCapWarnings(form);

  const save = () =>
    start(async () => {
      setMessage(null);
      const res = await saveFrequencyCapAction(form);
      if (!res.ok) {
        setErrors(res.fieldErrors ?? {});
        setMessage({ tone: "error", text: res.message });
        return;
      }
      setErrors({});
      setForm(res.data);
      setSaved(res.data);
      setMessage({ tone: "ok", text: "Delivery limits saved." });
    });

  return (
    <Card
      title="Delivery limits"
      labelledBy="delivery-limits-heading"
      description="At most this many webhook sends reach one user, across all campaigns, in any rolling day or week. Leave a box blank for no cap. Campaigns marked exempt in their Delivery section neither count nor stop."
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <div className="grid max-w-2xl gap-4 sm:grid-cols-2">
          {FIELDS.map(({ key, label }) => (
            <Field key={key} label={label} hint="Blank: no cap" error={errors[key]} notice={warnings[key]}>
              {(c) => (
                <input
                  {...c}
                  className={inputClass}
                  inputMode="numeric"
                  placeholder="No cap"
                  value={form[key]}
                  readOnly={!editable}
                  onChange={(e) => setForm({ ...form, [key]: e.target.value })}
                />
              )}
            </Field>
          ))}
        </div>
        {editable ? (
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="primary" disabled={pending}>
              Save limits
            </Button>
            {message && (
              <p role={message.tone === "ok" ? "status" : "alert"} className={`text-sm ${message.tone === "ok" ? "text-emerald-700" : "text-red-700"}`}>
                {message.text}
              </p>
            )}
          </div>
        ) : (
          <p className="text-sm text-slate-500">Only admins can change the delivery limits.</p>
        )}
      </form>
    </Card>
  );
}
