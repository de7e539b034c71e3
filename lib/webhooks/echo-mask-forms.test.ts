// What a receiver echoes of a secret in a form the request never wrote: its value without the spaces
// an HTTP parser strips from a header, a non-ASCII secret read as Latin-1 bytes (Node's and WSGI's
// headers) and echoed as UTF-8 mojibake, a body in UTF-16, a secret in a response header's NAME.
// A real receiver on 127.0.0.1, through the one sender.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskEchoedSecrets } from "./echoed-secrets";
import { sendWebhook } from "./send";
import type { BuiltRequest } from "./types";

let server: http.Server;
let base = "";
beforeAll(async () => {
  // echoes the request's x-api-key and its JSON body's password as the path asks
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const key = String(req.headers["x-api-key"] ?? "");
      const body = Buffer.concat(chunks);
      if (req.url === "/header") {
        res.writeHead(200, { "content-type": "application/json", "x-echo-key": key });
        return res.end(JSON.stringify({ headers: { "x-api-key": key } }));
      }
      if (req.url === "/latin1-body") {
        // a receiver that reads the body's bytes as Latin-1 too
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ got: JSON.parse(body.toString("latin1")) }));
      }
      if (req.url?.startsWith("/utf16")) {
        const charset = req.url === "/utf16be" ? "utf-16be" : req.url === "/utf16" ? "utf-16" : "utf-16le";
        const text = JSON.stringify({ key });
        const le = Buffer.from(text, "utf16le");
        const bytes = charset === "utf-16be" ? Buffer.from(le).swap16() : charset === "utf-16" ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : le;
        res.writeHead(200, { "content-type": `application/json; charset=${charset}` });
        return res.end(bytes);
      }
      if (req.url === "/strange-charset") {
        res.writeHead(200, { "content-type": "text/plain; charset=x-unknown-42" });
        return res.end(`key ${key}`);
      }
      if (req.url === "/utf32") {
        // UTF-32LE, a label TextDecoder does not know: each character followed by three zero bytes
        const text = `key ${key}`;
        const bytes = Buffer.alloc(text.length * 4);
        for (let i = 0; i < text.length; i++) bytes.writeUInt32LE(text.charCodeAt(i), i * 4);
        res.writeHead(200, { "content-type": "text/plain; charset=utf-32" });
        return res.end(bytes);
      }
      if (req.url === "/name") {
        res.setHeader(`x-leak-${key}`, "1");
        res.writeHead(200);
        return res.end("ok");
      }
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const send = (path: string, headers: [string, string][], body: string | null = null) => {
  const request: BuiltRequest = { method: "POST", url: `${base}${path}`, headers: [["content-type", "application/json"], ...headers], body };
  return sendWebhook(request);
};

describe("M1: a secret header value saved with spaces around it", () => {
  it("is masked as the receiver echoes it, without its spaces (body and header)", async () => {
    const result = await send("/header", [["X-Api-Key", "trailsecret456 "]]);
    expect(result.outcome).toBe("delivered");
    expect(result.body).not.toContain("trailsecret456");
    expect(JSON.stringify(result.headers)).not.toContain("trailsecret456");
    const lead = await send("/header", [["X-Api-Key", "  leadsecret789"]]);
    expect(lead.body).not.toContain("leadsecret789");
  });
});

describe("M2: a non-ASCII secret echoed as Latin-1-read bytes (mojibake)", () => {
  const secret = "pässwört-geheim-123";
  const mojibake = Buffer.from(secret, "utf8").toString("latin1");

  it("is masked in the body and the header a Node receiver echoes it in", async () => {
    const result = await send("/header", [["X-Api-Key", secret]]);
    expect(result.body).not.toContain(mojibake);
    expect(result.body).not.toContain(secret);
    expect(JSON.stringify(result.headers)).not.toContain("geheim-123");
  });

  it("is masked when a receiver reads a secret-named JSON field's bytes as Latin-1", async () => {
    const result = await send("/latin1-body", [], JSON.stringify({ password: secret, city: "Köln" }));
    expect(result.body).toContain('"city"');
    expect(result.body).not.toContain("geheim-123");
  });
});

describe("M2: a secret read as Windows-1252 bytes", () => {
  it("is masked as that reads it too (€ as â‚¬)", () => {
    const request: BuiltRequest = { method: "POST", url: "http://127.0.0.1:4600/echo", headers: [["X-Api-Key", "preis-100€-geheim"]], body: null };
    const misread = new TextDecoder("windows-1252").decode(Buffer.from("preis-100€-geheim"));
    expect(maskEchoedSecrets(request, { body: `{"k":"${misread}"}` }).body).toBe('{"k":"••••"}');
  });
});

describe("M2: a body in the charset its Content-Type declares", () => {
  it.each(["/utf16le", "/utf16be", "/utf16"])("%s is decoded, then its echo masked", async (path) => {
    const result = await send(path, [["X-Api-Key", "utf16secret-9876"]]);
    expect(result.body).toBe('{"key":"••••"}');
  });

  it("a charset TextDecoder does not know is read as UTF-8 (as a body naming none), its echo masked", async () => {
    const result = await send("/strange-charset", [["X-Api-Key", "strangesecret-5432"]]);
    expect(result.outcome).toBe("delivered");
    expect(result.body).toBe("key ••••");
  });

  it("one whose body holds zero bytes (UTF-32: the echo would sit in clear between them) keeps no excerpt, but a note", async () => {
    const result = await send("/utf32", [["X-Api-Key", "widesecret-5432"]]);
    expect(result.outcome).toBe("delivered");
    expect(result.body).not.toMatch(/w.?i.?d.?e.?s.?e.?c.?r.?e.?t/);
    expect(result.body).toMatch(/utf-32/);
  });
});

describe("L1: a secret in a response header's name", () => {
  it("is masked in the name, whatever its case (Node lowercases names)", async () => {
    const result = await send("/name", [["X-Api-Key", "s3cretKey9876"]]);
    const names = result.headers!.map(([name]) => name);
    expect(names.join(" ")).not.toMatch(/s3cretkey9876/i);
    expect(names).toContain("x-leak-••••");
  });
});

describe("L1: a response to a request with too many secrets to mask one by one", () => {
  it("masks a header name that holds one, in any case, and keeps the others", () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ token: `TokSecret${i}-x` }));
    const request: BuiltRequest = { method: "POST", url: "http://127.0.0.1:4600/echo", headers: [["content-type", "application/json"]], body: JSON.stringify({ items }) };
    const masked = maskEchoedSecrets(request, { body: "{}", headers: [["content-type", "application/json"], ["x-leak-toksecret7-x", "1"], ["x-request-id", "r1"]] as [string, string][] });
    expect(masked.headers).toEqual([["content-type", "application/json"], ["••••", "••••"], ["x-request-id", "••••"]]);
  });
});
