import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
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

  it("refuses a 100 MB upload, a 10,000-column file and a binary file, importing nothing", async () => {
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
    expect(await db().user.count()).toBe(1);
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
});
