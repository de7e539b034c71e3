// Imports keep nothing for ever: a finished import's files and entry, or an upload never imported,
// go after the retention or beyond the count, on real files in the data directory; the rejected
// rows of a dropped import say "expired".
import { existsSync, statSync } from "node:fs";
import { chmod, mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { env } from "../../env";
import { waitFor } from "../../delivery/testing/receiver";
import {
  IMPORT_RETENTION_MS,
  importExpired,
  importJob,
  importsToDrop,
  MAX_KEPT_IMPORTS,
  MAX_RUNNING_IMPORTS,
  receiveUpload,
  rejectedRowsDownload,
  startImport,
  sweepImports,
  TooManyImportsError,
  type ImportJob,
} from "./jobs";

const ADMIN = { id: "an-admin", role: "admin" } as const;

const dir = () => path.join(env().dataDir, "imports");
const stream = (text: string) => new Blob([text]).stream();
const HOUR = 3_600_000;

// each upload by a member of its own: the per-member bound (MAX_IMPORTS_PER_MEMBER) is tested in app/api/imports
let uploader = 0;
async function upload(text = "id,email\nu1,a@example.com\nu2,bad\n") {
  return receiveUpload(stream(text), "people.csv", `member-${uploader++}`);
}

async function importDone(text?: string) {
  const job = await upload(text);
  startImport(job.id, { mapping: [{ target: "userId" }, { target: "email" }] }, { id: job.owner, role: "editor" });
  await waitFor(() => importJob(job.id)?.status === "done", 10_000, 10);
  return importJob(job.id)!;
}

const job = (id: string, status: ImportJob["status"], createdAt: number, finishedAt: number | null = null) =>
  ({ id, status, createdAt, finishedAt }) as ImportJob;

describe("importsToDrop", () => {
  it("drops what is not running past the retention, then the oldest beyond the count", () => {
    const now = 100 * HOUR;
    const list = [
      job("old-done", "done", now - 30 * HOUR, now - 25 * HOUR),
      job("old-upload", "uploaded", now - 25 * HOUR),
      job("old-running", "running", now - 48 * HOUR),
      job("recent-failed", "failed", now - 30 * HOUR, now - 2 * HOUR),
      job("a", "done", now - 3 * HOUR, now - 3 * HOUR),
      job("b", "done", now - 1 * HOUR, now - 1 * HOUR),
    ];
    expect(importsToDrop(list, now).sort()).toEqual(["old-done", "old-upload"]);
    // kept at most two: the newest ends (b, recent-failed) stay, a goes; running never counts
    expect(importsToDrop(list, now, { retentionMs: IMPORT_RETENTION_MS, maxKept: 2 }).sort()).toEqual(["a", "old-done", "old-upload"]);
  });

  it("uploads within one millisecond go oldest first, by upload order (a fast machine's; CI dropped the newest)", () => {
    const now = 100 * HOUR;
    const list = ["first", "second", "third", "fourth"].map((id) => job(id, "uploaded", now - HOUR));
    expect(importsToDrop(list, now, { retentionMs: IMPORT_RETENTION_MS, maxKept: 2 }).sort()).toEqual(["first", "second"]);
  });
});

describe("startImport", () => {
  it("runs at most MAX_RUNNING_IMPORTS imports at once in the process, whoever started them; the next waits, ready to start", async () => {
    const mapping = { mapping: [{ target: "userId" as const }, { target: "email" as const }] };
    const uploads = [];
    for (let i = 0; i <= MAX_RUNNING_IMPORTS; i++) uploads.push(await upload(`id,email\nrun-${i},r${i}@example.com\n`));
    const [next, ...first] = uploads.reverse();
    // started in one go, the first are all still running when the next one asks
    for (const j of first) startImport(j.id, mapping, { id: j.owner, role: "editor" });
    expect(() => startImport(next!.id, mapping, { id: next!.owner, role: "editor" })).toThrow(TooManyImportsError);
    expect(() => startImport(next!.id, mapping, { id: next!.owner, role: "editor" })).toThrow(`${MAX_RUNNING_IMPORTS} imports are running on this server; start this one when one of them has finished.`);
    expect(importJob(next!.id)?.status).toBe("uploaded");
    await waitFor(() => first.every((j) => importJob(j.id)?.status === "done"), 10_000, 10);
    startImport(next!.id, mapping, { id: next!.owner, role: "editor" });
    await waitFor(() => importJob(next!.id)?.status === "done", 10_000, 10);
    expect(importJob(next!.id)?.report).toMatchObject({ imported: 1 });
    // the tests below count what a sweep drops
    await sweepImports(Date.now() + 2 * IMPORT_RETENTION_MS);
  });
});

describe("receiveUpload", () => {
  it("keeps the file's name as displayableFileName says, whoever calls it (no right-to-left override, at most 200 characters)", async () => {
    const named = async (name: string) => (await receiveUpload(stream("id\nn1\n"), name, `member-${uploader++}`)).fileName;
    expect(await named("\u202E.csv")).toBe(".csv");
    expect(await named("\n")).toBe("upload.csv");
    expect(await named("é".repeat(300))).toBe("é".repeat(200));
    await sweepImports(Date.now() + 2 * IMPORT_RETENTION_MS);
  });
});

describe("the imports folder's and files' modes", () => {
  const modeOf = (file: string) => statSync(file).mode & 0o777;

  it("keeps uploads and rejected rows (whole rows of user data) 0600 in a 0700 folder, whatever the umask; a folder an older version made 0755 is narrowed", async () => {
    const umask = process.umask(0o022);
    try {
      // an older version created it 0755 (mkdir's default under this umask)
      await mkdir(dir(), { recursive: true });
      await chmod(dir(), 0o755);
      const waiting = await upload();
      expect(modeOf(dir())).toBe(0o700);
      expect(modeOf(path.join(dir(), `${waiting.id}.csv`))).toBe(0o600);

      const done = await importDone();
      expect(done.report).toMatchObject({ rejectedCount: 1 });
      expect(modeOf(path.join(dir(), `${done.id}.rejected.csv`))).toBe(0o600);
      for (const name of await readdir(dir())) expect(modeOf(path.join(dir(), name)), name).toBe(0o600);
      expect(modeOf(dir())).toBe(0o700);
    } finally {
      process.umask(umask);
      // the tests below count what a sweep drops
      await sweepImports(Date.now() + 2 * IMPORT_RETENTION_MS);
    }
  });
});

describe("sweepImports on real files", () => {
  it("drops a finished import's rejected rows and entry after the retention, and says it expired", async () => {
    const done = await importDone();
    expect(done.report).toMatchObject({ imported: 1, rejectedCount: 1 });
    // the upload itself goes when its import ends; the rejected rows stay for the download
    await waitFor(() => !existsSync(path.join(dir(), `${done.id}.csv`)), 5_000, 10);
    expect(existsSync(path.join(dir(), `${done.id}.rejected.csv`))).toBe(true);
    const kept = await rejectedRowsDownload(done.id, { id: done.owner, role: "editor" });
    expect(kept.kind).toBe("file");
    if (kept.kind === "file") kept.stream.destroy();

    expect(await sweepImports(done.finishedAt! + IMPORT_RETENTION_MS - 1)).toMatchObject({ imports: 0 });
    expect(importJob(done.id)).not.toBeNull();

    expect(await sweepImports(done.finishedAt! + IMPORT_RETENTION_MS)).toMatchObject({ imports: 1 });
    expect(existsSync(path.join(dir(), `${done.id}.rejected.csv`))).toBe(false);
    expect(importJob(done.id)).toBeNull();
    expect(importExpired(done.id)).toBe(true);
    expect(await rejectedRowsDownload(done.id, { id: done.owner, role: "editor" })).toEqual({ kind: "expired" });
  });

  it("drops an upload never imported after the retention, its file too", async () => {
    const waiting = await upload();
    const file = path.join(dir(), `${waiting.id}.csv`);
    expect(existsSync(file)).toBe(true);
    await sweepImports(waiting.createdAt + IMPORT_RETENTION_MS);
    expect(existsSync(file)).toBe(false);
    expect(importJob(waiting.id)).toBeNull();
    expect(() => startImport(waiting.id, { mapping: [{ target: "userId" }, { target: "email" }] }, { id: waiting.owner, role: "editor" })).toThrow(/no longer available/);
  });

  it("keeps at most MAX_KEPT_IMPORTS imports: a new upload drops the oldest, files and entries", async () => {
    await sweepImports(Date.now() + 2 * IMPORT_RETENTION_MS);
    const ids: string[] = [];
    for (let i = 0; i < MAX_KEPT_IMPORTS + 3; i++) ids.push((await upload(`id\nu${i}\n`)).id);
    const files = (await readdir(dir())).filter((n) => n.endsWith(".csv"));
    expect(files).toHaveLength(MAX_KEPT_IMPORTS);
    for (const id of ids.slice(0, 3)) {
      expect(importJob(id)).toBeNull();
      expect(files).not.toContain(`${id}.csv`);
    }
    for (const id of ids.slice(3)) expect(importJob(id)).not.toBeNull();
  });

  it("removes files no import names (left by a restart) once older than the retention, not younger ones", async () => {
    await sweepImports(Date.now() + 2 * IMPORT_RETENTION_MS);
    const stale = ["imp_leftover1.csv", "imp_leftover1.rejected.csv"].map((n) => path.join(dir(), n));
    const fresh = path.join(dir(), "imp_beingwritten.csv");
    const unrelated = path.join(dir(), "notes.txt");
    for (const f of [...stale, fresh, unrelated]) await writeFile(f, "id\n");
    const twoDaysAgo = new Date(Date.now() - 2 * IMPORT_RETENTION_MS);
    for (const f of [...stale, unrelated]) await utimes(f, twoDaysAgo, twoDaysAgo);
    // a restart forgot the import: its leftover rejected rows are "expired", not a failed download
    expect(await rejectedRowsDownload("imp_leftover1", ADMIN)).toEqual({ kind: "expired" });

    expect(await sweepImports()).toMatchObject({ files: 2 });
    for (const f of stale) expect(existsSync(f)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    expect(await rejectedRowsDownload("imp_leftover1", ADMIN)).toEqual({ kind: "expired" });
    expect(await rejectedRowsDownload("imp_neverexisted", ADMIN)).toEqual({ kind: "not_found" });
  });

  it("reads no file for an id that is not an import's: a path out of the imports directory is 'not found', whatever is there", async () => {
    // <dataDir>/probe.rejected.csv exists; "../probe" joined into the imports directory would reach it
    await writeFile(path.join(env().dataDir, "probe.rejected.csv"), "line,reason\n");
    for (const id of ["../probe", "imp_x/../../probe", "imp_../../probe"]) expect(await rejectedRowsDownload(id, ADMIN)).toEqual({ kind: "not_found" });
  });
});
