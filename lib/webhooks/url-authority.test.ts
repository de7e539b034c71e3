// A Basic-auth password (or user name) holding an unencoded # ? / or @ moves the URL parser's host: in
// http://mkt:p@ss#1@127.0.0.1:4000/x the sender reads host `ss`, password `p`, the rest as a fragment,
// and sent the request and mkt:p there. The URL's written-out text is read where every caller goes
// through (urlAuthorityProblem: the schemas; the renderer: preview, test send, Activate, delivery).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlAuthorityProblem } from "./url-authority";
import { renderWebhookRequest } from "./render-request";
import { maskRequest } from "./mask";
import { sendWebhook } from "./send";
import { describeProblem } from "../campaigns/problem-labels";
import type { TemplateContext, WebhookTemplate } from "./types";

const HINT = "URL: the password (or user name) seems to hold # ? / or @: write them percent-encoded (%23 %3F %2F %40)";

const context: TemplateContext = { user: { id: "u-1", email: "m@example.com", attributes: {} }, event: null, campaign: { id: "c1", name: "C" }, action: { id: "a1" }, now: new Date() };
const template = (url: string): WebhookTemplate => ({ method: "POST", url, contentType: "application/json", fields: [], headers: [] });
const render = (url: string) => renderWebhookRequest(template(url), context, { webhookId: "msg_1", timestamp: new Date() });

describe("a password or user name holding # ? / or @", () => {
  it.each([
    ["http://mkt:p@ss#1@127.0.0.1:4000/basic/{{user.id}}", `${HINT}, else the request goes to \`ss\``],
    ["https://mkt:p@ss#1@api.example.com/hook", `${HINT}, else the request goes to \`ss\``],
    ["https://mkt:p@ss/1@api.example.com/hook", `${HINT}, else the request goes to \`ss\``],
    ["https://mkt:p@ss?1@api.example.com/hook", `${HINT}, else the request goes to \`ss\``],
    ["https://mkt:p?ss@api.example.com/hook", HINT],
    ["https://mkt:p/ss@api.example.com/hook", HINT],
    ["https://mkt:p#ss@api.example.com/hook", HINT],
    ["https://mk#t:pw@api.example.com/hook", `${HINT}, else the request goes to \`mk\``],
    ["https://mk/t:pw@api.example.com/hook", `${HINT}, else the request goes to \`mk\``],
    ["https://mkt:p@ss#1@{{user.host}}/hook", `${HINT}, else the request goes to \`ss\``],
    // review 2: a password of digits cut by /, a domain user name, a token holding /, and a real-looking host with a fragment
    ["https://mkt:2024/secret@api.example.com/hook", `${HINT}, else the request goes to \`mkt:2024\``],
    ["https://CORP\\jsmith:pass@api.example.com/hook", `${HINT}, else the request goes to \`corp\``],
    ["https://dGVzdA/abc@api.example.com/hook", `${HINT}, else the request goes to \`dgvzda\``],
    ["https://mkt:p@ss.word#1@api.example.com/hook", `${HINT}, else the request goes to \`ss.word\``],
  ])("%s is refused: %s", (url, message) => {
    expect(urlAuthorityProblem(url)).toBe(message);
  });

  it.each([
    // an @ in the path or query without credentials
    "https://api.example.com/users/bob@example.com",
    "https://api.example.com/x?cc=ops@example.com&t=10:30",
    "https://api.example.com/x#frag@ment",
    // review 2: an @ in the path or query of a real host beside Basic auth, and a colon before an @ without one
    "https://u:p@api.example.com/users/mary@example.com",
    "https://u:p@us1.api.mailchimp.com/3.0/lists/x/members?email=ops@example.com",
    "https://hooks.example.com?ts=10:30&to=ops@example.com",
    "https://example.com/mailto:ops@example.com",
    "https://[2001:db8::1]:8443/a:b@c",
    "https://u:p@localhost:8443/a@b",
    "https://u:p@127.0.0.1:4000/users/a@b",
    // passwords with @ or a space alone: the authority ends at the last @ before / ? #
    "https://mkt:p@ss@api.example.com/hook",
    "https://mkt:p ss@api.example.com/hook",
    // percent-encoded
    "https://mkt:p%40ss%231%3F%2F@api.example.com/hook",
    // an @ rendered from a value is the user's data, not the template's text
    "https://mkt:pw@api.example.com/u/{{user.email}}?e={{user.email}}",
    "https://mkt:pw@api.example.com/x?q={{default user.x \"a@b\"}}",
  ])("%s is not refused", (url) => {
    expect(urlAuthorityProblem(url)).toBeNull();
    const rendered = render(url);
    expect(rendered.ok, JSON.stringify(!rendered.ok && rendered.errors)).toBe(true);
  });

  it("saved before the check (the password split out and stored), it fails at render, named once, and nothing goes to `ss`", () => {
    const rendered = render("http://mkt:p@ss#1@127.0.0.1:4000/basic/{{user.id}}");
    expect(rendered.ok).toBe(false);
    const problems = rendered.ok ? [] : rendered.errors;
    expect(problems).toEqual([{ field: "url", message: `${HINT.replace(/^URL: /, "")}, else the request goes to \`ss\`` }]);
    expect(describeProblem(problems[0]!)).toBe(`${HINT}, else the request goes to \`ss\``);
  });

  it("a host or port problem at render is named with one URL: prefix", () => {
    const rendered = render("https://mkt:p?ss@api.example.com/hook");
    expect(rendered.ok).toBe(false);
    if (!rendered.ok) expect(rendered.errors.map(describeProblem)).toEqual([HINT]);
    const port = render("http://a.example:99999/x");
    if (!port.ok) expect(port.errors.map(describeProblem)).toEqual(["URL: port 99999 is out of range (1-65535)"]);
    expect(port.ok).toBe(false);
  });

  it("the shown request never names a host it is not sent to: its fragment (never sent) is left out", () => {
    const rendered = render("https://api.example.com/hook#1@evil.example.com");
    expect(rendered.ok).toBe(true);
    if (rendered.ok) expect(maskRequest(rendered.request).url).toBe("https://api.example.com/hook");
  });
});

describe("percent-encoded # @ ? / in a password reach a loopback receiver as the right Basic header", () => {
  let server: http.Server;
  let port = 0;
  const got: { url: string; authorization?: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      got.push({ url: req.url ?? "", authorization: req.headers.authorization });
      res.writeHead(200).end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it.each([
    ["mkt:p%40ss%231", "mkt:p@ss#1"],
    ["mkt:p%3Fss%2F1", "mkt:p?ss/1"],
    ["mkt:p@ss", "mkt:p@ss"],
  ])("%s sends Basic %s", async (userinfo, decoded) => {
    const url = `http://${userinfo}@127.0.0.1:${port}/basic/{{user.id}}`;
    expect(urlAuthorityProblem(url)).toBeNull();
    const rendered = render(url);
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.errors));
    const result = await sendWebhook(rendered.request);
    expect(result).toMatchObject({ outcome: "delivered", status: 200 });
    const last = got.at(-1)!;
    expect(last.url).toBe("/basic/u-1");
    expect(Buffer.from(last.authorization!.replace("Basic ", ""), "base64").toString()).toBe(decoded);
  });
});
