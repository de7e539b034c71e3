// The readable API reference: the same route catalogue and zod schemas as /api/v1/openapi.json.
import { z } from "zod";
import { apiRoutes, errorMeanings, type RouteDoc } from "@/lib/api/catalog";
import { Badge } from "@/components/ui/Badge";
import { Card } from "@/components/ui/Card";

function example(route: RouteDoc) {
  const body = route.body ? JSON.stringify(z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" }), null, 2) : null;
  return body && body.length < 4000 ? body : null;
}

export function ApiReference() {
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold text-slate-900">API reference</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          JSON in and out under <code>/api/v1</code>. Authenticate every request with <code>Authorization: Bearer hk_live_...</code>{" "}
          (create keys in Settings › API keys). Each key may make 100 requests per second with bursts of 200; beyond that the API
          answers 429 with a <code>Retry-After</code> header. Errors look like{" "}
          <code>{'{ "error": { "code", "message", "details" } }'}</code>. The machine-readable document is{" "}
          <a className="text-indigo-700 underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>{" "}
          (OpenAPI 3.1).
        </p>
      </header>
      <Card title="Errors">
        <dl className="grid gap-2 text-sm sm:grid-cols-[4rem_1fr]">
          {Object.entries(errorMeanings).map(([status, meaning]) => (
            <div key={status} className="contents">
              <dt className="font-mono font-semibold">{status}</dt>
              <dd className="text-slate-600">{meaning}</dd>
            </div>
          ))}
        </dl>
      </Card>
      {apiRoutes.map((route) => {
        const schema = example(route);
        return (
          <Card
            key={`${route.method} ${route.path}`}
            title={
              <span className="font-mono">
                {route.method} {route.path}
              </span>
            }
            description={route.summary}
            actions={<Badge tone="indigo">{route.role} or above</Badge>}
          >
            {route.description && <p className="text-sm text-slate-700">{route.description}</p>}
            <p className="mt-2 text-sm text-slate-600">
              Answers {route.response?.status ?? 200}
              {route.response ? ` (${route.response.description})` : ""}; errors {route.errors.join(", ")}.
            </p>
            {schema && (
              <details className="mt-2 text-sm">
                <summary className="cursor-pointer text-slate-700">Request body schema</summary>
                <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs">{schema}</pre>
              </details>
            )}
          </Card>
        );
      })}
    </div>
  );
}
