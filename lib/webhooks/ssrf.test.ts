import { describe, expect, it } from "vitest";
import { checkPort, normaliseHost, parseAllowList, refusalReason, vetDestination, DestinationRefused } from "./ssrf";

const none = parseAllowList("");
const refused: [string, RegExp][] = [
  ["127.0.0.1", /loopback/],
  ["127.1.2.3", /loopback/],
  ["::1", /loopback/],
  ["::ffff:127.0.0.1", /loopback/],
  ["::ffff:7f00:1", /loopback/],
  ["10.0.0.5", /private network/],
  ["10.255.255.255", /private network/],
  ["172.16.0.1", /private network/],
  ["172.31.255.254", /private network/],
  ["192.168.1.1", /private network/],
  ["::ffff:192.168.1.1", /private network/],
  ["fd00::1", /private network/],
  ["fc00::1", /private network/],
  ["169.254.169.254", /cloud metadata/],
  ["169.254.0.1", /link-local/],
  ["fe80::1", /link-local/],
  ["fd00:ec2::254", /cloud metadata/],
  ["168.63.129.16", /cloud metadata/], // Azure's host agent (WireServer): a public-looking address
  ["::ffff:168.63.129.16", /cloud metadata/],
  ["100.64.0.1", /carrier-grade/],
  ["100.100.100.200", /carrier-grade/],
  ["224.0.0.1", /multicast/],
  ["ff02::1", /multicast/],
  ["0.0.0.0", /unspecified/],
  ["::", /unspecified/],
  ["255.255.255.255", /broadcast/],
  ["192.0.2.1", /reserved/],
  ["198.18.0.1", /reserved/],
  ["240.0.0.1", /reserved/],
  ["2001:db8::1", /reserved/],
  ["2002:7f00:1::", /reserved/], // 6to4 wrapping 127.0.0.1
  ["64:ff9b::7f00:1", /reserved/], // NAT64 wrapping 127.0.0.1
];

describe("SSRF guard", () => {
  it.each(refused)("refuses %s", (address, reason) => {
    expect(refusalReason(address, none)).toMatch(reason);
    expect(refusalReason(address, none)).toMatch(/an admin can allow it in Settings › Allowed destinations$/);
  });

  it.each(["8.8.8.8", "1.1.1.1", "93.184.216.34", "2001:4860:4860::8888", "2606:4700::1111"])("allows public %s", (address) => {
    expect(refusalReason(address, none)).toBeNull();
  });

  it.each([
    ["0x7f.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["0x7f000001", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["[::ffff:127.0.0.1]", "::ffff:127.0.0.1"],
    ["LOCALHOST", "localhost"],
  ])("normalises the spelling %s to %s before checking", async (spelling, normal) => {
    expect(normaliseHost(spelling)).toBe(normal);
    await expect(vetDestination(spelling, 443, async () => [{ address: "127.0.0.1", family: 4 }], none)).rejects.toThrow(DestinationRefused);
  });

  it("refuses a host name when any of its addresses is private (no rebinding through a second answer)", async () => {
    const resolver = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ];
    await expect(vetDestination("rebind.example", 443, resolver, none)).rejects.toThrow("destination 10.0.0.5 is in a private network; an admin can allow it in Settings › Allowed destinations");
    await expect(vetDestination("ok.example", 443, async () => [{ address: "93.184.216.34", family: 4 }])).resolves.toEqual({ address: "93.184.216.34", family: 4 });
  });

  it("allows only ports 80, 443 and 1024-65535", () => {
    for (const p of [80, 443, 1024, 8080, 65535]) expect(checkPort(p)).toBeNull();
    for (const p of [22, 25, 1023, 0, 6]) expect(checkPort(p)).toMatch(/not allowed/);
  });

  it("HOOKLINE_ALLOWED_HOSTS allows hosts, IPs and CIDRs", () => {
    const list = parseAllowList("10.1.0.0/16, 127.0.0.1, internal.example, ::1");
    expect(refusalReason("10.1.2.3", list)).toBeNull();
    expect(refusalReason("10.2.0.1", list)).not.toBeNull();
    expect(refusalReason("127.0.0.1", list)).toBeNull();
    expect(refusalReason("::ffff:127.0.0.1", list)).toBeNull();
    expect(refusalReason("::1", list)).toBeNull();
    expect(list.hosts.has("internal.example")).toBe(true);
  });

  it("reports a DNS failure in plain words", async () => {
    await expect(
      vetDestination("nowhere.invalid", 443, async () => {
        throw Object.assign(new Error("x"), { code: "ENOTFOUND" });
      }),
    ).rejects.toThrow("DNS lookup failed for nowhere.invalid (ENOTFOUND)");
  });
});

describe("SSRF guard on URLs as they arrive (WHATWG URL parsing normalises odd spellings first)", () => {
  const publicOnly = async () => [{ address: "93.184.216.34", family: 4 }];
  it.each([
    ["http://0x7f.1/", /127\.0\.0\.1 is a loopback/],
    ["http://2130706433/", /127\.0\.0\.1 is a loopback/],
    ["http://0177.0.0.1/", /127\.0\.0\.1 is a loopback/],
    ["http://127.000.000.001/", /loopback/],
    ["http://017700000001/", /loopback/],
    ["http://0x7f.0x0.0x0.0x1/", /loopback/],
    ["http://127.1/", /loopback/],
    ["http://①②⑦.0.0.1/", /loopback/],
    ["http://127。0。0。1/", /loopback/],
    ["http://0/", /0\.0\.0\.0 is an unspecified/],
    ["http://[::]/", /unspecified/],
    ["http://[::1]/", /loopback/],
    ["http://[0:0:0:0:0:ffff:169.254.169.254]/", /169\.254\.169\.254 is the cloud metadata/],
    ["http://0xA9FEA9FE/", /169\.254\.169\.254 is the cloud metadata/],
    ["http://[fd00:ec2::254]/", /cloud metadata/],
    ["http://[::ffff:a00:5]/", /10\.0\.0\.5 is in a private network/],
    ["http://0x0a.0.0.5/", /10\.0\.0\.5 is in a private network/],
    ["http://10.0.0.5./", /10\.0\.0\.5 is in a private network/],
    ["http://[::127.0.0.1]/", /not a global address/],
    ["http://100.64.1.1/", /carrier-grade NAT/],
    ["http://[64:ff9b::a9fe:a9fe]/", /reserved/],
    ["http://[2002:a9fe:a9fe::]/", /reserved/],
    ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", /reserved/],
    ["http://[ff02::1]/", /multicast/],
    ["http://[fe80::1]/", /link-local/],
    ["http://192.168.0.1:8080/", /private network/],
  ])("refuses %s", async (url, reason) => {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : 80;
    await expect(vetDestination(u.hostname, port, publicOnly, none)).rejects.toThrow(reason);
  });

  it("the refusal message names the address and the setting", async () => {
    await expect(vetDestination("10.0.0.5", 443, publicOnly, none)).rejects.toThrow(/^destination 10\.0\.0\.5 is in a private network; an admin can allow it in Settings › Allowed destinations$/);
  });

  it("a host name that resolves to a private address is refused; an allowed host name is not", async () => {
    const toPrivate = async () => [{ address: "::ffff:10.1.2.3", family: 6 }];
    await expect(vetDestination("internal.example", 443, toPrivate, none)).rejects.toThrow(/10\.1\.2\.3 is in a private network/);
    await expect(vetDestination("internal.example", 443, toPrivate, parseAllowList("internal.example"))).resolves.toEqual({ address: "10.1.2.3", family: 4 });
    await expect(vetDestination("INTERNAL.example.", 443, toPrivate, parseAllowList("internal.example"))).resolves.toMatchObject({ address: "10.1.2.3" });
    await expect(vetDestination("other.example", 443, toPrivate, parseAllowList("10.1.0.0/16"))).resolves.toMatchObject({ address: "10.1.2.3" });
  });

  it("ports: the URL default ports pass, odd ones are refused before any lookup", async () => {
    let looked = false;
    const spy = async () => ((looked = true), [{ address: "93.184.216.34", family: 4 }]);
    await expect(vetDestination("api.example.com", 25, spy, none)).rejects.toThrow(/port 25 is not allowed/);
    expect(looked).toBe(false);
    await expect(vetDestination("api.example.com", 443, spy, none)).resolves.toMatchObject({ address: "93.184.216.34" });
  });
});

describe("localhost names (RFC 6761)", () => {
  const notFound = async () => {
    throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
  };
  it.each(["localhost.", "LOCALHOST.", "app.localhost", "a.b.localhost.", "localhost"])("refuses %s as loopback, before any DNS lookup", async (host) => {
    await expect(vetDestination(host, 8080, notFound, none)).rejects.toThrow(/^destination 127\.0\.0\.1 is a loopback address; an admin can allow it in Settings › Allowed destinations$/);
    await expect(vetDestination(host, 8080, notFound, none)).rejects.toBeInstanceOf(DestinationRefused);
  });

  it("an allowed localhost name is looked up as usual; look-alikes are ordinary names", async () => {
    const loopback = async () => [{ address: "127.0.0.1", family: 4 }];
    await expect(vetDestination("app.localhost", 8080, loopback, parseAllowList("app.localhost"))).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    const publicAddress = async () => [{ address: "93.184.216.34", family: 4 }];
    // allowed by address: a localhost name means 127.0.0.1 without asking DNS
    await expect(vetDestination("localhost.", 8080, notFound, parseAllowList("127.0.0.1"))).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    await expect(vetDestination("localhost.example.com", 443, publicAddress, none)).resolves.toMatchObject({ address: "93.184.216.34" });
    await expect(vetDestination("notlocalhost", 443, publicAddress, none)).resolves.toMatchObject({ address: "93.184.216.34" });
  });

  it("the sender treats one as 127.0.0.1 (allowed in tests by HOOKLINE_ALLOWED_HOSTS), never as a DNS failure", async () => {
    const http = await import("node:http");
    const server = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as import("node:net").AddressInfo;
    const { sendWebhook } = await import("./send");
    try {
      for (const host of ["hooks.localhost", "localhost."]) {
        const result = await sendWebhook({ method: "POST", url: `http://${host}:${port}/x`, headers: [], body: "{}" });
        expect(result, host).toMatchObject({ outcome: "delivered", status: 200 });
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
