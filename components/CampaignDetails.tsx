"use client";
import type { FieldErrors } from "@/lib/campaigns/schemas";
import { Card } from "./ui/Card";
import { Field, inputClass } from "./ui/Field";

/** The campaign's name and description. */
export function CampaignDetails({
  name,
  description,
  errors,
  onChange,
}: {
  name: string;
  description: string;
  errors: FieldErrors;
  onChange: (patch: { name?: string; description?: string }) => void;
}) {
  return (
    <Card title="Campaign" labelledBy="campaign-details-title">
      <div className="space-y-4">
        <Field label="Campaign name" error={errors.name}>
          {(c) => <input {...c} data-field="name" className={inputClass} placeholder="Welcome series" value={name} onChange={(e) => onChange({ name: e.target.value })} />}
        </Field>
        <Field label="Description" error={errors.description} hint="Optional: what this campaign is for, for your team.">
          {(c) => <textarea {...c} rows={2} className={inputClass} value={description} onChange={(e) => onChange({ description: e.target.value })} />}
        </Field>
      </div>
    </Card>
  );
}
