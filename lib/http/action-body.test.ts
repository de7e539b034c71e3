// The scan proxy.ts runs on a server action's body before React decodes it (React's decodeReply
// overflowed its stack on [[[[...]]]] 10,000 deep: a 500): nesting beyond the limit is refused, in
// a text body or in any multipart field; strings and files are not nesting; the body is read up to
// the limit only.
import { describe, expect, it } from "vitest";
import { ACTION_BODY_LIMIT_BYTES, actionBodyRefusal, checkActionBody, MAX_ACTION_NESTING, nestingDepth, readBodyWithin } from "./action-body";

const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
const multipart = (boundary: string, parts: { name: string; value: string; filename?: string }[]) =>
  parts.map((p) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}\r\n\r\n${p.value}\r\n`).join("") + `--${boundary}--\r\n`;

describe("nestingDepth", () => {
  it("counts arrays and objects, not brackets inside strings", () => {
    expect(nestingDepth('[{"a":[1,2]},"x"]')).toBe(3);
    expect(nestingDepth('["[[[[", "{\\"[[["]')).toBe(1);
    expect(nestingDepth("[]".repeat(1000))).toBe(1);
    expect(nestingDepth("plain text")).toBe(0);
  });

  it("stops one past the limit, however deep the text goes", () => {
    expect(nestingDepth(nested(10_000), 128)).toBe(129);
  });
});

describe("actionBodyRefusal", () => {
  it("refuses a text body nested deeper than the limit, and lets the limit itself through", () => {
    expect(actionBodyRefusal("text/plain;charset=UTF-8", nested(10_000))).toEqual({ status: 400, message: `the action's data nests arrays or objects more than ${MAX_ACTION_NESTING} levels deep` });
    expect(actionBodyRefusal("text/plain;charset=UTF-8", nested(MAX_ACTION_NESTING))).toBeNull();
    expect(actionBodyRefusal("text/plain;charset=UTF-8", '["c1",{"name":"Spring","actions":[{"url":"https://x.example/{{user.id}}","fields":[]}]}]')).toBeNull();
  });

  it("refuses a multipart body when any part nests too deep, whatever its headers say it is", () => {
    const boundary = "----WebKitFormBoundaryabc123";
    const type = `multipart/form-data; boundary=${boundary}`;
    expect(actionBodyRefusal(type, multipart(boundary, [{ name: "0", value: '["$K1"]' }, { name: "1_$ACTION_ID_abc", value: nested(10_000) }]))?.status).toBe(400);
    // a field that opens a string does not hide the next field's nesting
    expect(actionBodyRefusal(type, multipart(boundary, [{ name: "a", value: '"' }, { name: "0", value: nested(10_000) }]))?.status).toBe(400);
    // busboy reads a part as a file only by its Content-Disposition's filename parameter: a field with
    // `filename=` elsewhere (another header, inside its quoted name) is decoded by React, so every part is scanned
    const sneaky = `--${boundary}\r\nContent-Disposition: form-data; name="1"\r\nX-Note: ;filename=a\r\n\r\n${nested(10_000)}\r\n--${boundary}--\r\n`;
    expect(actionBodyRefusal(type, sneaky)?.status).toBe(400);
    expect(actionBodyRefusal(type, multipart(boundary, [{ name: 'a; filename=b', value: nested(10_000) }]))?.status).toBe(400);
    expect(actionBodyRefusal(type, multipart(boundary, [{ name: "0", value: '["$K1"]' }, { name: "1", value: nested(10_000), filename: "users.csv" }]))?.status).toBe(400);
    expect(actionBodyRefusal(type, multipart(boundary, [{ name: "0", value: '["$K1"]' }, { name: "1", value: "id,name\n1,[a]\n", filename: "users.csv" }]))).toBeNull();
    // a chain of parts, each one level deep and naming the next ("$1" in part 0 is part 1): React nests them
    const chain = Array.from({ length: 3000 }, (_, i) => ({ name: `1_${i.toString(16)}`, value: i === 2999 ? '"end"' : `["$${(i + 1).toString(16)}"]` }));
    expect(actionBodyRefusal(type, multipart(boundary, chain))?.status).toBe(400);
    expect(actionBodyRefusal(type, multipart(boundary, chain.slice(-10)))).toBeNull();
    expect(actionBodyRefusal(`multipart/form-data; boundary="${boundary}"`, multipart(boundary, [{ name: "0", value: nested(500) }]))?.status).toBe(400);
  });
});

describe("checkActionBody", () => {
  const stream = (text: string, chunk = 4096) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.slice(i, i + chunk));
        controller.close();
      },
    });

  it("scans only what Next.js decodes as an action: a fetch action's body, a multipart form", async () => {
    expect(await checkActionBody(new Headers({ "next-action": "abc", "content-type": "text/plain;charset=UTF-8" }), stream(nested(10_000)))).toMatchObject({ status: 400 });
    expect(await checkActionBody(new Headers({ "content-type": "application/x-www-form-urlencoded" }), stream(nested(10_000)))).toBeNull();
    expect(await checkActionBody(new Headers({ "next-action": "abc" }), stream('["ok"]'))).toBeNull();
  });

  it("refuses a body over the limit as too large, reading no more than the limit and a chunk", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 65536;
        controller.enqueue(new Uint8Array(65536).fill(0x20));
      },
    });
    expect(await checkActionBody(new Headers({ "next-action": "abc" }), endless)).toMatchObject({ status: 413 });
    expect(pulled).toBeLessThanOrEqual(ACTION_BODY_LIMIT_BYTES + 3 * 65536);
    expect(await readBodyWithin(stream("x".repeat(100)), 100)).toHaveLength(100);
    expect(await readBodyWithin(stream("x".repeat(101)), 100)).toBeNull();
  });
});

// busboy (Next's multipart reader) and the scan must read the same boundary: with `boundary="b\"b"` the scan
// read `b\` and saw one part while busboy read `b"b` and React decoded 3,000 chained parts (a 500). A
// Content-Type whose boundary is not plain (quoted-pair, RFC 2231 `boundary*=`, two boundary parameters) is
// refused; a body that never shows its boundary is too; a fetch action's body that is not JSON, or names a part
// a text body cannot hold, is a 400 rather than React's 500.
describe("action bodies Next.js's decoder would fail on", () => {
  const chain = (boundary: string) =>
    multipart(boundary, Array.from({ length: 3000 }, (_, i) => ({ name: `1_${i.toString(16)}`, value: i === 2999 ? '"end"' : `["$${(i + 1).toString(16)}"]` })));

  it("refuses a boundary busboy would read otherwise than a plain token or quoted string", () => {
    expect(actionBodyRefusal('multipart/form-data; boundary="b\\"b"', chain('b"b'))?.status).toBe(400);
    expect(actionBodyRefusal("multipart/form-data; boundary*=utf-8''bb", chain("bb"))?.status).toBe(400);
    expect(actionBodyRefusal("multipart/form-data; boundary=aa; boundary=bb", chain("bb"))?.status).toBe(400);
    expect(actionBodyRefusal("multipart/form-data; BOUNDARY=aa; Boundary=bb", chain("bb"))?.status).toBe(400);
    expect(actionBodyRefusal("multipart/form-data", chain("bb"))?.status).toBe(400);
    expect(actionBodyRefusal("multipart/form-data; boundary=", chain("bb"))?.status).toBe(400);
    expect(actionBodyRefusal('multipart/form-data; boundary="b\\"b"', "x")?.message).toMatch(/boundary/);
  });

  it("reads the boundary as busboy does: quoted or not, any case of the parameter's name, other parameters around it", () => {
    for (const type of ["multipart/form-data; boundary=bb", 'multipart/form-data; boundary="bb"', "multipart/form-data;BOUNDARY=bb", 'Multipart/Form-Data; charset=utf-8; boundary="bb"; x=y']) {
      expect(actionBodyRefusal(type, chain("bb"))?.status, type).toBe(400);
      expect(actionBodyRefusal(type, multipart("bb", [{ name: "0", value: '["x"]' }])), type).toBeNull();
    }
    expect(actionBodyRefusal('multipart/form-data; boundary="a b:c"', multipart("a b:c", [{ name: "0", value: '["x"]' }]))).toBeNull();
  });

  it("refuses a multipart body in which its boundary never appears", () => {
    expect(actionBodyRefusal("multipart/form-data; boundary=bb", "garbage")).toEqual({ status: 400, message: "the form's data does not contain its boundary (bb)" });
    expect(actionBodyRefusal("multipart/form-data; boundary=bb", chain("cc"))?.status).toBe(400);
  });

  it("refuses a fetch action's text body that is not JSON, or names a part it does not hold", () => {
    expect(actionBodyRefusal("text/plain;charset=UTF-8", "garbage")?.status).toBe(400);
    expect(actionBodyRefusal("text/plain;charset=UTF-8", "")?.status).toBe(400);
    for (const ref of ["$@ff", "$1", "$Q2", "$W2", "$h2", "$i2", "$B2", "$F2", "$R2", "$A2", "$nxyz", "$n"]) {
      expect(actionBodyRefusal("text/plain;charset=UTF-8", JSON.stringify(ref))?.status, ref).toBe(400);
      expect(actionBodyRefusal("text/plain;charset=UTF-8", JSON.stringify([{ a: [ref] }]))?.status, ref).toBe(400);
    }
    // what React encodes in a text body itself: escaped dollars, dates, bigints, temporary references, special numbers
    const fine = ["$$1", "$D2026-12-07T06:00:00.000Z", "$n12", "$n-3", "$T", "$undefined", "$NaN", "$Infinity", "$-Infinity", "$-0", "plain"];
    expect(actionBodyRefusal("text/plain;charset=UTF-8", JSON.stringify(["c1", { note: fine }]))).toBeNull();
    expect(actionBodyRefusal("text/plain;charset=UTF-8", '["c1",{"name":"Spring"}]')).toBeNull();
  });
});

// The attack review's 500s on a signed-out POST /sign-in: "$n" and 301 digits (React: "BigInt is too large"), as
// text and multipart; and in a multipart body, references to parts it does not hold, or holds only after the part
// naming them ("Invalid forward reference"), or kinds of value no action takes (a Map, a file, a server reference…).
describe("references in an action's data (action-references.ts)", () => {
  const boundary = "----WebKitFormBoundaryref";
  const type = `multipart/form-data; boundary=${boundary}`;
  const fetchForm = (parts: { name: string; value: string; filename?: string }[]) => actionBodyRefusal(type, multipart(boundary, parts), true);

  it("refuses a big integer of more than 300 digits, in text and in a form, and lets 300 through", () => {
    const big = (n: number) => JSON.stringify([`$n${"9".repeat(n)}`]);
    expect(actionBodyRefusal("text/plain;charset=UTF-8", big(301), true)?.status).toBe(400);
    expect(fetchForm([{ name: "0", value: big(301) }])?.status).toBe(400);
    expect(actionBodyRefusal("text/plain;charset=UTF-8", JSON.stringify([`$n-${"9".repeat(300)}`]), true)?.status).toBe(400);
    expect(actionBodyRefusal("text/plain;charset=UTF-8", big(300), true)).toBeNull();
    expect(fetchForm([{ name: "0", value: big(300) }])).toBeNull();
  });

  it("refuses in every model part of a form what a text body refuses: the review's seven", () => {
    for (const ref of ["$Q5", "$B3", "$F1", "$h1", "$i1", "$Y", "$1:a:b", "$@1", "$W1", "$R1", "$A1", "$1", "$0"]) {
      expect(fetchForm([{ name: "0", value: JSON.stringify([ref]) }])?.status, ref).toBe(400);
      expect(fetchForm([{ name: "1", value: JSON.stringify({ a: ref }) }, { name: "0", value: '["$1"]' }])?.status, ref).toBe(400);
      // a form posted without JavaScript: its bound arguments are decoded under their own prefix
      expect(actionBodyRefusal(type, multipart(boundary, [{ name: "$ACTION_REF_1", value: "" }, { name: "$ACTION_1:0", value: JSON.stringify([ref]) }])), ref).toMatchObject({ status: 400 });
    }
  });

  it("lets through what React's client writes: a FormData argument, an outlined part read before, a path it has", () => {
    expect(fetchForm([{ name: "1_email", value: "$1 is not a reference here" }, { name: "0", value: '["$undefined","$K1"]' }])).toBeNull();
    expect(fetchForm([{ name: "1", value: '{"a":{"b":[1]}}' }, { name: "0", value: '["$1","$1:a:b","$D2026-12-07T06:00:00.000Z","$$x"]' }])).toBeNull();
    expect(fetchForm([{ name: "a", value: '["x"]' }, { name: "0", value: '["$a"]' }])?.status).toBe(400); // "$a" is part 10
    expect(fetchForm([{ name: "10", value: '["x"]' }, { name: "0", value: '["$a"]' }])).toBeNull();
    // React's own cases before a part's id: "$A…" is a typed array, "$B…" a file, however many parts there are
    const many = Array.from({ length: 200 }, (_, i) => ({ name: String(i + 1), value: "1" }));
    expect(fetchForm([...many, { name: "0", value: '["$a1"]' }])).toBeNull();
    expect(fetchForm([...many, { name: "0", value: '["$A1"]' }])?.status).toBe(400);
    expect(fetchForm([...many, { name: "0", value: '["$B1"]' }])?.status).toBe(400);
    // a form posted before the page's JavaScript ran: a bound action's arguments as a promise of an earlier part
    const bound = [{ name: "$ACTION_REF_1", value: "" }, { name: "$ACTION_1:1", value: '["c1"]' }, { name: "$ACTION_1:0", value: '{"id":"7f00","bound":"$@1"}' }];
    expect(actionBodyRefusal(type, multipart(boundary, bound))).toBeNull();
    expect(actionBodyRefusal(type, multipart(boundary, [bound[0]!, bound[2]!]))?.status).toBe(400);
    // a temporary reference: a fetch action's (React keeps a set for it), never a form's fields, where
    // React has none and threw a 500 (the second review: "bound":"$T", "bound":["$T1"] from /sign-in)
    expect(fetchForm([{ name: "0", value: '["$T","$T1"]' }])).toBeNull();
    for (const t of ['"$T"', '["$T1"]']) expect(actionBodyRefusal(type, multipart(boundary, [bound[0]!, { name: "$ACTION_1:0", value: `{"id":"7f00","bound":${t}}` }]))?.status, t).toBe(400);
    // read after the part that names it: React resolves part 0 when it arrives
    expect(fetchForm([{ name: "0", value: '["$1"]' }, { name: "1", value: '["x"]' }])?.status).toBe(400);
    expect(fetchForm([{ name: "1", value: '["x"]' }, { name: "0", value: '["$1:5"]' }])?.status).toBe(400);
    // a file is a blob, not a model; a fetch action's form without part 0 has no arguments
    expect(fetchForm([{ name: "1", value: '["x"]', filename: "a.json" }, { name: "0", value: '["$1"]' }])?.status).toBe(400);
    expect(fetchForm([{ name: "1_email", value: "a@b.c" }])?.status).toBe(400);
    // a form posted without JavaScript: its fields are the user's text, never decoded
    expect(actionBodyRefusal(type, multipart(boundary, [{ name: "$ACTION_ID_abc", value: "" }, { name: "0", value: '["$Q5"]' }, { name: "note", value: "$1:a" }]))).toBeNull();
  });

  it("reads a part's name as busboy does, and refuses a Content-Disposition it cannot read the same way", () => {
    const raw = (disposition: string, value = '["$Q5"]') => actionBodyRefusal(type, `--${boundary}\r\n${disposition}\r\n\r\n${value}\r\n--${boundary}--\r\n`, true);
    expect(raw('Content-Disposition: form-data; name="\\0"')?.status).toBe(400); // busboy reads "0"
    expect(raw("content-disposition:form-data;name=0")?.status).toBe(400);
    expect(raw("Content-Disposition: form-data; name*=utf-8''0")?.status).toBe(400);
    expect(raw('Content-Disposition: form-data; name="0"\r\nContent-Disposition: form-data; name="x"')?.status).toBe(400);
    expect(raw('Content-Disposition: form-data;\r\n name="0"')?.status).toBe(400);
    expect(raw('Content-Disposition: form-data; name="0"', '["ok"]')).toBeNull();
    expect(raw('Content-Disposition: form-data; name="0"; filename="C:\\\\a\\"b.json"', '["$Q5"]')?.message).toMatch(/part 0/);
  });
});
