// The readable API reference: the same route catalogue and zod schemas as /api/v1/openapi.json, with
// the descriptions rendered from Markdown, and per route an example request, its answer and a curl line.
import { marked } from "marked";
import { z } from "zod";
import { apiRoutes, errorCodes, errorMeanings, rateLimitText, type RouteDoc } from "@/lib/api/catalog";
import { curlExample, exampleOf } from "@/lib/api/examples";
import { Badge } from "@/components/ui/Badge";
import { Card } from "@/components/ui/Card";

function schemaOf(route: RouteDoc) {
  const body = route.body ? JSON.stringify(z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" }), null, 2) : null;
  return body && body.length < 4000 ? body : null;
}

/** Our own catalogue's Markdown (no user input), as HTML. */
function Markdown({ text, className }: { text: string; className?: string }) {
  const html = marked.parse(text, { async: false, gfm: true });
  const look = "space-y-2 [&_a]:text-indigo-700 [&_a]:underline [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-[13px]";
  return <div className={`${look} ${className ?? ""}`} dangerouslySetInnerHTML={{ __html: html }} />;
}

const codeBlock = "mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs";

export function ApiReference({ origin }: { origin: string }) {
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold text-slate-900">API reference</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          JSON in and out under <code>/api/v1</code>. Authenticate every request with <code>Authorization: Bearer hk_live_...</code>{" "}
          (create keys in Settings › API keys). {rateLimitText()}; beyond that the API
          answers 429 with a <code>Retry-After</code> header. Errors look like{" "}
          <code>{'{ "error": { "code", "message", "details" } }'}</code>. The machine-readable document is{" "}
          <a className="text-indigo-700 underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>{" "}
          (OpenAPI 3.1). The curl lines read the key from <code>$HOOKLINE_API_KEY</code>.
        </p>
      </header>
      <Card title="Errors">
        <dl className="grid gap-2 text-sm sm:grid-cols-[4rem_1fr]">
          {Object.entries(errorMeanings).map(([status, meaning]) => (
            <div key={status} className="contents">
              <dt className="font-mono font-semibold">{status}</dt>
              <dd className="text-slate-600">
                {meaning} (code {errorCodes[Number(status)]?.map((c) => <code key={c} className="mx-0.5">{c}</code>)})
              </dd>
            </div>
          ))}
        </dl>
      </Card>
      {apiRoutes.map((route) => {
        const schema = schemaOf(route);
        const example = exampleOf(route);
        const curl = curlExample(route, origin);
        const name = `${route.method} ${route.path}`;
        return (
          <Card
            key={name}
            title={<span className="font-mono [overflow-wrap:anywhere]">{name}</span>}
            description={route.summary}
            actions={<Badge tone="indigo">{route.role} or above</Badge>}
          >
            <section aria-label={name} className="space-y-3 text-sm">
              {route.description && <Markdown className="text-slate-700" text={route.description} />}
              <p className="text-slate-600">
                Answers {route.response?.status ?? 200}
                {route.response ? ` (${route.response.description})` : ""}; errors {route.errors.join(", ")}.
              </p>
              <div>
                <h3 className="text-xs font-semibold text-slate-700 uppercase">curl</h3>
                <pre className={`${codeBlock} whitespace-pre-wrap break-all`}>{curl}</pre>
              </div>
              {example.request !== undefined && (
                <div>
                  <h3 className="text-xs font-semibold text-slate-700 uppercase">Example request</h3>
                  <pre className={codeBlock}>{JSON.stringify(example.request, null, 2)}</pre>
                </div>
              )}
              <div>
                <h3 className="text-xs font-semibold text-slate-700 uppercase">Example response ({route.response?.status ?? 200})</h3>
                {example.response !== undefined ? <pre className={codeBlock}>{JSON.stringify(example.response, null, 2)}</pre> : <p className="mt-1 text-slate-600">No body.</p>}
              </div>
              {schema && (
                <details>
                  <summary className="cursor-pointer text-slate-700">Request body schema (JSON Schema)</summary>
                  <pre className={codeBlock}>{schema}</pre>
                </details>
              )}
            </section>
          </Card>
        );
      })}
    </div>
  );
}
