import { rm } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getUser, upsertUsers } from "@/lib/audience/users";
import { catalogueReading } from "@/lib/audience/catalogue-reading";
import { env } from "@/lib/env";
import { IMPORT_RETENTION_MS, importJob, MAX_RUNNING_IMPORTS, sweepImports } from "@/lib/audience/import/jobs";
import { sessionCookie } from "@/test/sessions";
import { acceptInvite, createOwner, inviteMember, type Member } from "@/lib/auth/members";
import { POST as upload } from "./route";
import { GET as status, POST as start } from "./[id]/route";
import { GET as rejected } from "./[id]/rejected/route";

const base = "http://127.0.0.1/api/imports";
let owner: Member;
let session: Record<string, string> = {};

const signIn = async (email: string, password: string) => ({ cookie: await sessionCookie(email, password), origin: "http://127.0.0.1" });

beforeAll(async () => {
  owner = await createOwner({ email: "o@example.com", password: "owner-password" });
  session = await signIn("o@example.com", "owner-password");
});

const send = (body: BodyInit, headers: Record<string, string> = session) => upload(new Request(base, { method: "POST", body, headers: { "content-type": "text/csv", ...headers } }));
const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function waitDone(id: string) {
  for (let i = 0; i < 200; i++) {
    const body = await (await status(new Request(`${base}/${id}`, { headers: session }), params(id))).json();
    if (body.status !== "running") return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("import did not finish");
}

describe("CSV import routes", () => {
  it("uploads, guesses the mapping, imports and serves the rejected rows", async () => {
    const res = await send("email,id,score\na@example.com,i1,3\nbad,i2,4\n,i3,x\n");
    expect(res.status).toBe(200);
    const { id, inspection, mapping } = await res.json();
    expect(inspection).toMatchObject({ delimiter: ",", encoding: "utf-8", headers: ["email", "id", "score"] });
    expect(mapping).toEqual([{ target: "email" }, { target: "userId" }, { target: "attribute", name: "score", type: "string" }]);
    // a column whose first rows all read as numbers, or as ISO dates, is guessed so ("x" above keeps score text)
    const typed = await (await send("id,seats,signed_up\nr1,3,2026-03-01\nr2,12,2026-04-15\n")).json();
    expect(typed.mapping).toEqual([{ target: "userId" }, { target: "attribute", name: "seats", type: "number" }, { target: "attribute", name: "signed_up", type: "date" }]);
    const bad = await start(new Request(`${base}/${id}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping: [{ target: "email" }, { target: "skip" }, { target: "skip" }] }) }), params(id));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/user id/);
    mapping[2].type = "number";
    const started = await start(new Request(`${base}/${id}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping }) }), params(id));
    expect(started.status).toBe(202);
    const done = await waitDone(id);
    expect(done).toMatchObject({ status: "done", progress: 1, report: { rows: 3, imported: 1, created: 1, rejectedCount: 2 } });
    expect(done.report.rejected).toEqual([
      { line: 3, reason: '"bad" is not a valid email address' },
      { line: 4, reason: 'score: "x" is not a number' },
    ]);
    const again = await start(new Request(`${base}/${id}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping }) }), params(id));
    expect(again.status).toBe(409);
    const csv = await (await rejected(new Request(`${base}/${id}/rejected`, { headers: session }), params(id))).text();
    expect(csv).toBe('line,reason,row\n3,"""bad"" is not a valid email address","bad,i2,4"\n4,"score: ""x"" is not a number",",i3,x"\n');
    expect((await status(new Request(`${base}/nope`, { headers: session }), params("nope"))).status).toBe(404);
  });

  it("guesses the catalogue's attribute for a column named like it, so the import fills firstName instead of making 'first name' beside it", async () => {
    await upsertUsers([{ userId: "known-1", attributes: { firstName: "Ada", seats: 3 } }]);
    // the guess reads the catalogue's shared reading (30 s): the upload above read it before firstName was there
    await catalogueReading({ maxAgeMs: 0 });
    const res = await send("id,First Name,e-mail,seats\nk2,Grace,g@example.com,n/a\n");
    expect((await res.json()).mapping).toEqual([
      { target: "userId" },
      { target: "attribute", name: "firstName", type: "string" },
      { target: "email" },
      { target: "attribute", name: "seats", type: "number" },
    ]);
  });

  it("refuses a mapped attribute name longer than the attribute catalogue allows (128 characters), naming the column, and imports nothing", async () => {
    const { id } = await (await send("id,plan\nnamed-cap,pro\n")).json();
    const post = (name: string) =>
      start(new Request(`${base}/${id}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping: [{ target: "userId" }, { target: "attribute", name, type: "string" }] }) }), params(id));
    const users = await db().user.count();
    for (const name of ["p".repeat(129), "p".repeat(1_000_000)]) {
      const res = await post(name);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error.message).toBe("mapping.1.name: Attribute names are at most 128 characters");
      expect(JSON.stringify(body).length).toBeLessThan(2_000);
    }
    expect(importJob(id)?.status).toBe("uploaded");
    expect((await post("p".repeat(128))).status).toBe(202);
    await waitDone(id);
    expect(await db().user.count()).toBe(users + 1);
    expect((await db().user.findUniqueOrThrow({ where: { id: "named-cap" } })).attributes).toEqual({ ["p".repeat(128)]: "pro" });
    // the tests below count the users
    await db().user.delete({ where: { id: "named-cap" } });
  });

  it("refuses a 100 MB upload, a 10,000-column file and a binary file, importing nothing", async () => {
    const users = await db().user.count();
    const huge = await send("x", { ...session, "content-length": String(100 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.message).toMatch(/the limit is 50 MB/);
    const streamed = await send(new Blob([new Uint8Array(51 * 1024 * 1024).fill(97)]));
    expect(streamed.status).toBe(413);
    const wide = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(",");
    const tooWide = await send(`${wide}\n${wide}\n`);
    expect(tooWide.status).toBe(400);
    expect((await tooWide.json()).error.message).toBe("The file has 10,000 columns; at most 1,000 can be imported.");
    expect((await send(new Uint8Array([0x50, 0x4b, 0, 0]))).status).toBe(400);
    expect(await db().user.count()).toBe(users);
  });

  it("shows the file's name without the characters that would make it display as another name (a right-to-left override), bounded", async () => {
    const named = async (header: string) => (await (await send("id\nn1\n", { ...session, "x-file-name": header })).json()).fileName;
    expect(await named("%E2%80%AE.csv")).toBe(".csv");
    expect(await named("invoice%E2%80%AEvsc.exe")).toBe("invoicevsc.exe");
    expect(await named("%E2%80%AE%E2%80%8B")).toBe("upload.csv");
    expect(await named("Kunden%20M%C3%A4rz%20%D0%BA%D0%BB%D0%B8%D0%B5%D0%BD%D1%82%D1%8B.csv")).toBe("Kunden März клиенты.csv");
    expect(await named("a".repeat(1000))).toBe("a".repeat(200));
  });

  it("answers a sample of the first rows with each cell capped (a 1 MB cell is not sent back whole); the import reads the file's full values", async () => {
    const long = "y".repeat(300);
    const huge = "x".repeat(1024 * 1024);
    const res = await send(`id,notes\ncap1,${long}\ncap2,${huge}\ncap3,short\n`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(5_000);
    const { id, inspection, mapping } = JSON.parse(text);
    expect(inspection.sample).toEqual([
      ["cap1", `${"y".repeat(199)}…`],
      ["cap2", `${"x".repeat(199)}…`],
      ["cap3", "short"],
    ]);
    expect(mapping).toEqual([{ target: "userId" }, { target: "attribute", name: "notes", type: "string" }]);
    const started = await start(new Request(`${base}/${id}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping }) }), params(id));
    expect(started.status).toBe(202);
    const done = await waitDone(id);
    // as before: the row over 1,000,000 characters stops the import there; the row before it keeps its whole value
    expect(done).toMatchObject({ status: "done", report: { rows: 1, imported: 1, rejectedCount: 0 } });
    expect(done.report.stopped).toMatch(/^Line 3 is over 1,000,000 characters, so the import stopped there/);
    expect((await getUser("cap1", "admin"))?.attributes).toMatchObject({ notes: long });
    expect(await getUser("cap2", "admin")).toBeNull();
  });

  // Next.js hands a route behind proxy.ts only the part of a body it copied (10 MB by default), with a console
  // warning: a 12.5 MB CSV was imported as its first 10 MB, the last row cut mid-field, reported as a clean
  // success. The route is kept out of the proxy now; the upload still refuses a body shorter than it declared.
  it("refuses an upload that holds fewer bytes than its Content-Length declares, keeping nothing", async () => {
    const csv = "email,id\na@example.com,cut1\n";
    const res = await send(csv, { ...session, "content-length": String(csv.length + 1000) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "invalid_csv", message: `Only ${csv.length} of the file's ${csv.length + 1000} bytes arrived; nothing was kept. Upload it again.` });
  });

  it("refuses anyone not signed in (401) and a viewer (403)", async () => {
    const anonymous = await send("id\nx\n", { origin: "http://127.0.0.1" });
    expect(anonymous.status).toBe(401);
    const { token } = await inviteMember({ email: "v@example.com", role: "viewer" }, owner);
    await acceptInvite(token, { name: "V", password: "viewer-password" });
    const res = await send("id\nx\n", await signIn("v@example.com", "viewer-password"));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  });

  it("shows a 100 KB header name cut to 200 characters, as a sample cell is; the guess skips the column (no attribute name is that long)", async () => {
    const name = "n".repeat(100 * 1024);
    const res = await send(`id,${name},plan\nh1,x,pro\n`);
    expect(res.status).toBe(200);
    const { inspection, mapping } = await res.json();
    expect(inspection.headers).toEqual(["id", `${"n".repeat(199)}…`, "plan"]);
    expect(mapping).toEqual([{ target: "userId" }, { target: "skip" }, { target: "attribute", name: "plan", type: "string" }]);
  });

  it("says a rejected-rows download has expired (410) once the sweep dropped it or its file is gone, never a 500", async () => {
    const importWithRejections = async () => {
      const { id } = await (await send("id,email\nr1,r1@example.com\nr2,bad\n")).json();
      const body = JSON.stringify({ mapping: [{ target: "userId" }, { target: "email" }] });
      expect((await start(new Request(`${base}/${id}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body }), params(id))).status).toBe(202);
      expect(await waitDone(id)).toMatchObject({ status: "done", report: { rejectedCount: 1 } });
      return id as string;
    };
    const download = (id: string) => rejected(new Request(`${base}/${id}/rejected`, { headers: session }), params(id));

    // the file removed by something else (a cleaner of the data directory)
    const removed = await importWithRejections();
    await rm(path.join(env().dataDir, "imports", `${removed}.rejected.csv`));
    const gone = await download(removed);
    expect(gone.status).toBe(410);
    expect((await gone.json()).error).toMatchObject({ code: "expired", message: expect.stringMatching(/no longer kept \(imports are kept for 24 hours.*Import the file again/) });

    // the sweep a day later: the download and the progress both say so
    const swept = await importWithRejections();
    expect((await download(swept)).status).toBe(200);
    await sweepImports(importJob(swept)!.finishedAt! + IMPORT_RETENTION_MS);
    expect((await download(swept)).status).toBe(410);
    const progress = await status(new Request(`${base}/${swept}`, { headers: session }), params(swept));
    expect(progress.status).toBe(410);
    expect((await progress.json()).error.message).toMatch(/no longer kept/);
  });

  it("runs at most MAX_RUNNING_IMPORTS imports at once: the next start is a 429 and its upload stays ready to start", async () => {
    const ids: string[] = [];
    for (let i = 0; i <= MAX_RUNNING_IMPORTS; i++) {
      const rows = Array.from({ length: 5_000 }, (_, n) => `cap${i}-${n},cap${i}-${n}@example.com`);
      ids.push((await (await send(["id,email", ...rows].join("\n") + "\n")).json()).id);
    }
    const startIt = (id: string) => start(new Request(`${base}/${id}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping: [{ target: "userId" }, { target: "email" }] }) }), params(id));
    for (const id of ids.slice(0, MAX_RUNNING_IMPORTS)) expect((await startIt(id)).status).toBe(202);
    const refused = await startIt(ids.at(-1)!);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error).toMatchObject({ code: "too_many_imports", message: `${MAX_RUNNING_IMPORTS} imports are running on this server; start this one when one of them has finished.` });
    for (const id of ids.slice(0, MAX_RUNNING_IMPORTS)) expect((await waitDone(id)).status).toBe("done");
    expect((await startIt(ids.at(-1)!)).status).toBe(202);
    expect((await waitDone(ids.at(-1)!)).report).toMatchObject({ imported: 5_000 });
  }, 120_000);
});

// An import was anybody's: any editor could start another's upload with their own mapping, and any
// viewer download any import's rejected rows (whole rows of someone else's file). Now its uploader's:
// they alone start it; its progress, report and rejected rows are theirs and the admins'.
describe("an import belongs to the member who uploaded it", () => {
  const join = async (email: string, role: "admin" | "editor" | "viewer") => {
    const { token } = await inviteMember({ email, role }, owner);
    await acceptInvite(token, { name: email.split("@")[0]!, password: `${role}-password-1` });
    return signIn(email, `${role}-password-1`);
  };
  const startAs = (id: string, who: Record<string, string>, mapping: unknown) =>
    start(new Request(`${base}/${id}`, { method: "POST", headers: { ...who, "content-type": "application/json" }, body: JSON.stringify({ mapping }) }), params(id));

  it("only its uploader starts it; another editor, a viewer or an admin is refused (403) and it stays unstarted", async () => {
    const uploader = await join("up1@example.com", "editor");
    const other = await join("other1@example.com", "editor");
    const viewer = await join("view1@example.com", "viewer");
    const admin = await join("adm1@example.com", "admin");
    const { id } = await (await send("id,email\nu1,a@example.com\n", uploader)).json();
    for (const who of [other, admin]) {
      const res = await startAs(id, who, [{ target: "userId" }, { target: "skip" }]);
      expect(res.status).toBe(403);
      expect((await res.json()).error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/uploaded it/) });
    }
    expect((await startAs(id, viewer, [{ target: "userId" }, { target: "skip" }])).status).toBe(403);
    expect(importJob(id)!.status).toBe("uploaded");
    expect((await status(new Request(`${base}/${id}`, { headers: other }), params(id))).status).toBe(403);
    expect((await startAs(id, uploader, [{ target: "userId" }, { target: "email" }])).status).toBe(202);
  });

  it("its report and rejected rows are read by its uploader and admins, not by another editor or a viewer", async () => {
    const uploader = await join("up2@example.com", "editor");
    const other = await join("other2@example.com", "editor");
    const viewer = await join("view2@example.com", "viewer");
    const admin = await join("adm2@example.com", "admin");
    const { id } = await (await send("id,email\nu2,not-an-email\n", uploader)).json();
    expect((await startAs(id, uploader, [{ target: "userId" }, { target: "email" }])).status).toBe(202);
    for (let i = 0; i < 200 && importJob(id)!.status === "running"; i++) await new Promise((r) => setTimeout(r, 50));
    const download = (who: Record<string, string>) => rejected(new Request(`${base}/${id}/rejected`, { headers: who }), params(id));
    const report = (who: Record<string, string>) => status(new Request(`${base}/${id}`, { headers: who }), params(id));
    for (const who of [other, viewer]) {
      const res = await download(who);
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
      expect((await report(who)).status).toBe(403);
    }
    for (const who of [uploader, admin, session]) {
      expect(await (await download(who)).text()).toContain("not-an-email");
      expect((await (await report(who)).json()).report.rejectedCount).toBe(1);
    }
  });
});

describe("what a member's uploads keep on disk", () => {
  const filesOf = async (ids: string[]) => {
    const { readdir } = await import("node:fs/promises");
    const { env } = await import("@/lib/env");
    const path = await import("node:path");
    const names = new Set(await readdir(path.join(env().dataDir, "imports")));
    return ids.filter((id) => names.has(`${id}.csv`) || names.has(`${id}.rejected.csv`));
  };

  it("uploads never imported (and finished imports' rejected rows) do not pile up: a member keeps the last 5, the older ones are deleted", async () => {
    const ids: string[] = [];
    // one finished import with a rejected row, then uploads that are never started
    const first = await (await send("email,id\nbad,i1\n")).json();
    const started = await start(new Request(`${base}/${first.id}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping: first.mapping }) }), params(first.id));
    expect(started.status).toBe(202);
    expect((await waitDone(first.id)).report.rejectedCount).toBe(1);
    ids.push(first.id);
    for (let i = 0; i < 12; i++) {
      const res = await send(`id,n\nu${i},${"x".repeat(1000)}\n`);
      expect(res.status).toBe(200);
      ids.push((await res.json()).id);
    }
    // without a bound every one of them stays on disk until the data directory is full
    expect(await filesOf(ids)).toEqual(ids.slice(-5));
    expect((await status(new Request(`${base}/${ids[0]}`, { headers: session }), params(ids[0]!))).status).toBe(404);
    expect((await rejected(new Request(`${base}/${ids[0]}/rejected`, { headers: session }), params(ids[0]!))).status).toBe(404);
    const old = await start(new Request(`${base}/${ids[3]}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping: [{ target: "userId" }, { target: "skip" }] }) }), params(ids[3]!));
    expect(old.status).toBe(409);
    expect((await old.json()).error.message).toMatch(/upload the file again/);
    // the newest still import
    const last = ids.at(-1)!;
    const ok = await start(new Request(`${base}/${last}`, { method: "POST", headers: { ...session, "content-type": "application/json" }, body: JSON.stringify({ mapping: [{ target: "userId" }, { target: "skip" }] }) }), params(last));
    expect(ok.status).toBe(202);
    expect((await waitDone(last)).status).toBe("done");
  });

  it("uploads sent at once are bounded too: with 5 still arriving, the next is refused with 429 before it is written", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // a body that sends its header row, then waits: the upload is in flight until released
    const slow = (i: number) =>
      new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode("id\n"));
          await released;
          controller.enqueue(new TextEncoder().encode(`slow${i}\n`));
          controller.close();
        },
      });
    const inFlight = Array.from({ length: 5 }, (_, i) => upload(new Request(base, { method: "POST", body: slow(i), headers: { "content-type": "text/csv", ...session }, duplex: "half" } as RequestInit)));
    // let the five reach their reads
    for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 5));
    const sixth = await send("id\nsixth\n");
    expect(sixth.status).toBe(429);
    expect((await sixth.json()).error.message).toMatch(/wait for one to finish/);
    release();
    const answers = await Promise.all(inFlight);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const ids = await Promise.all(answers.map(async (r) => (await r.json()).id as string));
    expect(await filesOf(ids)).toEqual(ids);
    // once they are received, the next upload makes room again: the one received first goes (under
    // load that need not be the one sent first)
    expect((await send("id\nlater\n")).status).toBe(200);
    expect(await filesOf(ids)).toHaveLength(4);
  });

  it("another member's uploads are not counted against them", async () => {
    const { token } = await inviteMember({ email: "e@example.com", role: "editor" }, owner);
    await acceptInvite(token, { name: "E", password: "editor-password" });
    const editor = await signIn("e@example.com", "editor-password");
    const theirs = (await (await send("id\nmine\n", editor)).json()).id as string;
    for (let i = 0; i < 6; i++) expect((await send(`id\nx${i}\n`)).status).toBe(200);
    expect(await filesOf([theirs])).toEqual([theirs]);
  });
});
