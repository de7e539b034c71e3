"use client";
// CSV import: choose a file (refused past 50 MB before uploading), map its columns, check the first
// rows, run it with a progress bar, and read the report (with the rejected rows as a download).
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useRoleAllows } from "@/components/auth/MemberRole";
import { Button } from "@/components/ui/Button";
import { inputClass } from "@/components/ui/Field";
import { errorMessageOf } from "@/lib/api/error-message";
import { delimiterName, type Delimiter } from "@/lib/audience/import/detect";
import { mappingProblemText } from "@/lib/audience/import/mapping-problems";
import { plural } from "@/lib/text/plural";
import { MappingTable, type Mapping } from "./MappingTable";
import { ImportReportView, type Report } from "./ImportReportView";

const MAX_BYTES = 50 * 1024 * 1024;

type Inspection = { encoding: string; delimiter: Delimiter; headers: string[]; sample: string[][]; bytes: number };
type Upload = { id: string; fileName: string; inspection: Inspection; mapping: Mapping[] };
type Status = { status: "uploaded" | "running" | "done" | "failed"; progress: number; report: Report | null; error: string | null };

const errorOf = (res: Response) => errorMessageOf(res, `The server answered ${res.status}`);

export function CsvImport() {
  const router = useRouter();
  // a viewer only looks: the button says so rather than refusing the file after it is picked (the server refuses too)
  const canImport = useRoleAllows("editor");
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [mapping, setMapping] = useState<Mapping[]>([]);
  const [status, setStatus] = useState<Status | null>(null);

  useEffect(() => {
    if (!upload || status?.status !== "running") return;
    const timer = setInterval(async () => {
      const res = await fetch(`/api/imports/${upload.id}`);
      if (!res.ok) return;
      const next: Status = await res.json();
      setStatus(next);
      if (next.status === "done") router.refresh();
    }, 500);
    return () => clearInterval(timer);
  }, [upload, status?.status, router]);

  async function choose(file: File | undefined) {
    setError(null);
    setUpload(null);
    setStatus(null);
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setError(`The file is ${(file.size / 1024 / 1024).toFixed(0)} MB; the limit is 50 MB. Split it and import the parts.`);
      return;
    }
    setBusy(true);
    try {
      const res = await fetch("/api/imports", { method: "POST", body: file, headers: { "content-type": "text/csv", "x-file-name": encodeURIComponent(file.name) } });
      if (!res.ok) return setError(await errorOf(res));
      const data: Upload = await res.json();
      setUpload(data);
      setMapping(data.mapping);
    } catch {
      setError("The upload failed; check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  async function start() {
    if (!upload) return;
    setError(null);
    const res = await fetch(`/api/imports/${upload.id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ mapping }) });
    if (!res.ok) {
      // a refused mapping is worded by column ("Map one column to the user id"), not by the request's field
      const body = (await res.clone().json().catch(() => null)) as { error?: { details?: unknown } } | null;
      return setError(mappingProblemText(body?.error?.details, upload.inspection.headers) ?? (await errorOf(res)));
    }
    setStatus({ status: "running", progress: 0, report: null, error: null });
  }

  if (!open || !canImport) {
    return (
      <div className="flex flex-col items-end gap-1">
        <Button variant="primary" onClick={() => setOpen(true)} disabled={!canImport} aria-describedby={canImport ? undefined : "csv-import-note"}>
          Import CSV
        </Button>
        {!canImport && (
          <p id="csv-import-note" role="note" className="text-xs text-slate-500">
            Viewers cannot import users
          </p>
        )}
      </div>
    );
  }
  const running = status?.status === "running";
  return (
    <section aria-label="Import CSV" className="w-full space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex items-center justify-between">
        <h2 className="text-base font-semibold">Import users from CSV</h2>
        <Button variant="ghost" size="sm" onClick={() => setOpen(false)} disabled={running}>
          Close
        </Button>
      </div>
      <label className="block text-sm text-slate-700">
        CSV file
        <input type="file" accept=".csv,text/csv,text/plain" className={`${inputClass} mt-1`} disabled={busy || running} onChange={(e) => choose(e.target.files?.[0])} />
        <span className="mt-1 block text-xs text-slate-500">Up to 50 MB. The first row holds the column names. UTF-8 or Latin-1; comma, semicolon, tab or pipe separated.</span>
      </label>
      {busy && <p className="text-sm text-slate-600">Uploading…</p>}
      {error && (
        <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      )}
      {upload && !status && (
        <>
          <p className="text-sm text-slate-600">
            {upload.fileName}: {plural(upload.inspection.headers.length, "column", "columns")}, {upload.inspection.encoding === "latin1" ? "Latin-1" : "UTF-8"},{" "}
            {delimiterName(upload.inspection.delimiter)} separated.
          </p>
          <MappingTable headers={upload.inspection.headers} sample={upload.inspection.sample} mapping={mapping} onChange={setMapping} />
          <Button variant="primary" onClick={start}>
            Start import
          </Button>
        </>
      )}
      {status && (
        <div className="space-y-2">
          <progress aria-label="Import progress" className="h-3 w-full" max={100} value={Math.round(status.progress * 100)} />
          <p className="text-sm text-slate-600" aria-live="polite">
            {status.status === "running" && `Importing… ${Math.round(status.progress * 100)}% (${status.report?.imported.toLocaleString("en-US") ?? 0} rows so far)`}
            {status.status === "failed" && `The import stopped: ${status.error}`}
          </p>
          {status.status === "done" && status.report && upload && <ImportReportView report={status.report} rejectedHref={`/api/imports/${upload.id}/rejected`} />}
        </div>
      )}
    </section>
  );
}
