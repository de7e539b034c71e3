// Masking what a response echoes runs on every response (the sender), with a pattern per secret that
// V8 compiles to about ten times its source: a templated secret header gives every user a secret of
// their own, and 250 secrets of 1,000 accented characters ended the process (no code space left),
// each response costing 20-80 ms before that. The work and what is kept must not grow with the secret.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadFactor } from "../../test/load";
import { maskEchoedSecrets } from "./echoed-secrets";
import type { BuiltRequest } from "./types";

const request = (secret: string): BuiltRequest => ({ method: "POST", url: "https://crm.example.com/hook", headers: [["X-Api-Key", secret]], body: "{}", secretHeaders: ["X-Api-Key"] });
const padding = "x".repeat(60 * 1024);

describe("masking echoed secrets stays cheap whatever the secrets", () => {
  it("300 responses each echoing its own 1,000-character secret of accents and symbols (as sent, JSON-escaped, percent-encoded): masked, in bounded time", () => {
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      const secret = `é€/"&${i}`.repeat(150).slice(0, 1000);
      const echoes = [secret, JSON.stringify(secret).slice(1, -1), JSON.stringify(secret).slice(1, -1).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`), encodeURIComponent(secret)];
      const body = maskEchoedSecrets(request(secret), { body: `${padding}{"got":"${echoes[i % echoes.length]}"}` }).body!;
      expect(body.slice(padding.length)).toBe('{"got":"••••"}');
    }
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it("300 responses that echo nothing of 300 per-user tokens with symbols: no pattern is compiled, each costs next to nothing", () => {
    const tokens = Array.from({ length: 300 }, () => Array.from({ length: 125 }, () => `${randomBytes(5).toString("base64url").slice(0, 6)}~!`).join(""));
    const started = performance.now();
    for (const token of tokens) {
      const body = `${padding}{"ok":true}`;
      expect(maskEchoedSecrets(request(token), { body }).body).toBe(body);
    }
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("a usual secret is still found however a receiver's language escapes it, character by character", () => {
    const secret = "sk_live/ab+c&é=x";
    const echoes = ["sk_live\\/ab\\u002bc\\u0026\\u00e9=x", "sk_live%2Fab%2bc%26%C3%A9%3Dx", "sk_live/ab+c&amp;&#233;=x"];
    for (const echo of echoes) expect(maskEchoedSecrets(request(secret), { body: `got ${echo}!` }).body, echo).toBe("got ••••!");
  });

  it("a character beyond U+FFFF escaped as its two UTF-16 halves (JSON's \\ud83d\\ude00)", () => {
    const secret = "tok-😀-key";
    for (const echo of ["tok-\\ud83d\\ude00-key", "tok-\\uD83D\\uDE00-key", "tok-%F0%9F%98%80-key", "tok-&#128512;-key"]) {
      expect(maskEchoedSecrets(request(secret), { body: `got ${echo}!` }).body, echo).toBe("got ••••!");
    }
  });
});

describe("masking echoed secrets stays cheap whatever the request holds", () => {
  it("a 200 KB JSON body of 5,000 secret fields echoed in a 64 KiB response: nothing of them shown, each response in bounded time", () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ token: `t${i}/abc` }));
    const req: BuiltRequest = { method: "POST", url: "https://crm.example.com/hook", headers: [["content-type", "application/json"]], body: JSON.stringify({ items }) };
    const echoed = JSON.stringify({ json: { items } }).slice(0, 65536);
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const body = maskEchoedSecrets(req, { body: echoed, bodyTruncated: true }).body!;
      for (const probe of ["t0/abc", "t1234/abc", "t123/abc"]) expect(body).not.toContain(probe);
    }
    // before: about 1.8 s a response (a pattern compiled and run per secret, the kept patterns thrashed)
    expect(performance.now() - started).toBeLessThan(1500 * loadFactor());
  });
});

describe("a response compiles few patterns however many secrets its request has", () => {
  it("64 fresh secrets with symbols a response (per-user values), each echoed JSON-escaped and percent-encoded: all masked, in bounded time", () => {
    const started = performance.now();
    for (let r = 0; r < 10; r++) {
      const items = Array.from({ length: 60 }, (_, i) => ({ token: `/é&${r}x${i}+`.repeat(20).slice(0, 80) }));
      const req: BuiltRequest = { method: "POST", url: "https://crm.example.com/hook", headers: [["content-type", "application/json"]], body: JSON.stringify({ items }) };
      const echoes = items.map(({ token }) => `${encodeURIComponent(token)} ${JSON.stringify(token).slice(1, -1).replaceAll("/", "\\/")} ${JSON.stringify(token).slice(1, -1).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}`);
      const body = maskEchoedSecrets(req, { body: echoes.join("\n") }).body!;
      expect(body).toBe(items.map(() => "•••• •••• ••••").join("\n"));
    }
    expect(performance.now() - started).toBeLessThan(3000 * loadFactor());
  });
});

describe("a response read decoded for its \\u escapes", () => {
  it("200 responses of 60 KiB written all in \\u escapes or percent-encoded, against a request of 100 secrets: each read once, in bounded time, the secret masked", () => {
    const fields = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`token${i}`, `TOKEN${i}x${randomBytes(8).toString("hex")}`]));
    const req: BuiltRequest = { method: "POST", url: "https://crm.example.com/hook", headers: [["content-type", "application/json"]], body: JSON.stringify(fields) };
    const escaped = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    const percent = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16)}`).join("");
    const fillers = [escaped("é".repeat(10_000)), percent("aé".repeat(6_000))];
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const write = i % 2 ? percent : escaped;
      const body = maskEchoedSecrets(req, { body: `{"f":"${fillers[i % 2]}","got":"${write(fields.token42!)}"}` }).body!;
      expect(body.endsWith('"got":"••••"}')).toBe(true);
    }
    expect(performance.now() - started).toBeLessThan(4000 * loadFactor());
  });
});
