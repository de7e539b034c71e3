import type { DestinationTemplateView } from "@/lib/campaigns/destination-template-schemas";
import { fillInPlaceholders } from "@/lib/campaigns/template-apply";

/** What a template sends, what to fill in and where to find its secret (the picker's right-hand side). */
export function TemplateDetails({ template }: { template: DestinationTemplateView }) {
  const { webhook } = template;
  const fillIn = fillInPlaceholders(webhook.url);
  const secretHeaders = webhook.headers.filter((h) => h.secret).map((h) => h.name);
  return (
    <div className="space-y-4">
      <div>
        <h3 className="font-semibold text-slate-900">{template.name}</h3>
        {template.description && <p className="mt-0.5 text-slate-600">{template.description}</p>}
      </div>
      <dl className="space-y-2">
        <div>
          <dt className="text-xs font-medium text-slate-500 uppercase">Request</dt>
          <dd className="font-mono text-[13px] break-all text-slate-900">
            {webhook.method} {webhook.url}
          </dd>
        </div>
        {webhook.fields.length > 0 && (
          <div>
            <dt className="text-xs font-medium text-slate-500 uppercase">Data</dt>
            <dd className="font-mono text-[13px] text-slate-700">{webhook.fields.map((f) => f.key).join(", ")}</dd>
          </div>
        )}
        {webhook.headers.length > 0 && (
          <div>
            <dt className="text-xs font-medium text-slate-500 uppercase">Headers</dt>
            <dd className="font-mono text-[13px] text-slate-700">{webhook.headers.map((h) => (h.secret ? `${h.name} (secret)` : h.name)).join(", ")}</dd>
          </div>
        )}
      </dl>
      {fillIn.length > 0 && (
        <p className="text-slate-700">
          Replace{" "}
          {fillIn.map((n, i) => (
            <span key={n}>
              {i > 0 && ", "}
              <code className="rounded bg-slate-100 px-1 font-mono text-[13px]">{`{{${n}}}`}</code>
            </span>
          ))}{" "}
          in the URL with your own.
        </p>
      )}
      <section aria-labelledby={`secret-note-${template.id}`} className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5">
        <h4 id={`secret-note-${template.id}`} className="font-medium text-amber-900">
          Where to find the secret
        </h4>
        <p className="mt-1 text-amber-900">{template.secretNote || "No note was saved with this template."}</p>
        {secretHeaders.length > 0 && <p className="mt-1 text-amber-900">Type it in the {secretHeaders.map((n) => `“${n}”`).join(", ")} header: templates never hold secrets.</p>}
      </section>
    </div>
  );
}
