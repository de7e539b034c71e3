// The client address a sign-in is counted against: the socket peer, and X-Forwarded-For only from a
// trusted proxy; the peer is what the web process itself saw on the socket, never what a client wrote.
import http from "node:http";
import type { AddressInfo } from "node:net";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { env, resetEnv, type AddressRange } from "../env";
import { addressBucket, networkBucket, authRequestHeaders, CLIENT_IP_HEADER, clientAddress, fromTrustedProxy, PEER_HEADER, recordPeerAddresses, UNKNOWN_CLIENT } from "./client-address";

const proxies: AddressRange[] = [ipaddr.parseCIDR("10.0.0.0/8"), [ipaddr.parse("192.0.2.7"), 32]];

describe("clientAddress", () => {
  it("is the peer unless the peer is a trusted proxy", () => {
    expect(clientAddress(new Headers({ [PEER_HEADER]: "203.0.113.5", "x-forwarded-for": "1.2.3.4" }), proxies)).toBe("203.0.113.5");
    expect(clientAddress(new Headers({ [PEER_HEADER]: "::ffff:203.0.113.5" }), proxies)).toBe("203.0.113.5");
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.2.3.4" }), proxies)).toBe(UNKNOWN_CLIENT);
    expect(clientAddress(new Headers({ [PEER_HEADER]: "203.0.113.5", "x-forwarded-for": "1.2.3.4" }), [])).toBe("203.0.113.5");
  });

  it("behind trusted proxies, is the right-most forwarded address that is not one of them", () => {
    const h = (xff: string) => new Headers({ [PEER_HEADER]: "10.1.1.1", "x-forwarded-for": xff });
    expect(clientAddress(h("198.51.100.9"), proxies)).toBe("198.51.100.9");
    // The client wrote "6.6.6.6" itself; the proxies appended the real address and their own.
    expect(clientAddress(h("6.6.6.6, 198.51.100.9, 10.2.2.2, 192.0.2.7"), proxies)).toBe("198.51.100.9");
    expect(clientAddress(h("nonsense, 10.2.2.2"), proxies)).toBe("10.1.1.1");
    expect(clientAddress(new Headers({ [PEER_HEADER]: "10.1.1.1" }), proxies)).toBe("10.1.1.1");
  });

  it("buckets an IPv6 client by its /64, an IPv4 client by its address, an IPv4-mapped one as IPv4", () => {
    expect(addressBucket("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("[2001:db8::5]")).toBe("2001:db8::/64");
    expect(addressBucket("fe80::1%eth0")).toBe("fe80::/64");
    expect(addressBucket("::1")).toBe("::/64");
    expect(addressBucket("203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket("::ffff:203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket(UNKNOWN_CLIENT)).toBe(UNKNOWN_CLIENT);
  });

  it("puts an IPv6 client's /64 in its /48 (one site's allocation); IPv4 and anything else in none", () => {
    expect(networkBucket("2001:db8:1:2::1")).toBe("2001:db8:1::/48");
    expect(networkBucket("2001:0DB8:0001:ffff:ffff:ffff:ffff:ffff")).toBe("2001:db8:1::/48");
    expect(networkBucket("2001:db8:2::1")).toBe("2001:db8:2::/48");
    expect(networkBucket("203.0.113.5")).toBeNull();
    expect(networkBucket("::ffff:203.0.113.5")).toBeNull();
    expect(networkBucket(UNKNOWN_CLIENT)).toBeNull();
  });

  it("hands better-auth forwarded headers only from a trusted proxy, and its own client address", () => {
    const direct = authRequestHeaders(new Headers({ [PEER_HEADER]: "203.0.113.5", "x-forwarded-host": "evil.example", "x-forwarded-for": "1.2.3.4", [CLIENT_IP_HEADER]: "1.2.3.4" }), proxies);
    expect(direct.get("x-forwarded-host")).toBeNull();
    expect(direct.get("x-forwarded-for")).toBeNull();
    expect(direct.get(CLIENT_IP_HEADER)).toBe("203.0.113.5");
    const proxied = authRequestHeaders(new Headers({ [PEER_HEADER]: "10.1.1.1", "x-forwarded-host": "hookline.example", "x-forwarded-for": "198.51.100.9" }), proxies);
    expect(proxied.get("x-forwarded-host")).toBe("hookline.example");
    expect(proxied.get(CLIENT_IP_HEADER)).toBe("198.51.100.9");
    expect(authRequestHeaders(new Headers({ [CLIENT_IP_HEADER]: "1.2.3.4" }), proxies).get(CLIENT_IP_HEADER)).toBeNull();
    expect(fromTrustedProxy(new Headers({ [PEER_HEADER]: "192.0.2.7" }), proxies)).toBe(true);
    expect(fromTrustedProxy(new Headers({ [PEER_HEADER]: "192.0.2.8" }), proxies)).toBe(false);
  });

  it("records the socket peer over whatever the client sent under its name", async () => {
    recordPeerAddresses();
    const server = http.createServer((req, res) => res.end(String(req.headers[PEER_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: { [PEER_HEADER]: "6.6.6.6" } });
      expect(await res.text()).toBe("127.0.0.1");
    } finally {
      server.close();
    }
  });

  it("reads HOOKLINE_TRUSTED_PROXIES as IPs and CIDRs, empty by default, and refuses anything else", () => {
    try {
      delete process.env.HOOKLINE_TRUSTED_PROXIES;
      resetEnv();
      expect(env().HOOKLINE_TRUSTED_PROXIES).toEqual([]);
      process.env.HOOKLINE_TRUSTED_PROXIES = " 10.0.0.0/8, 192.0.2.7,::1 ";
      resetEnv();
      const ranges = env().HOOKLINE_TRUSTED_PROXIES;
      expect(ranges.map(([ip, bits]) => `${ip.toString()}/${bits}`)).toEqual(["10.0.0.0/8", "192.0.2.7/32", "::1/128"]);
      expect(clientAddress(new Headers({ [PEER_HEADER]: "::1", "x-forwarded-for": "198.51.100.3" }))).toBe("198.51.100.3");
      process.env.HOOKLINE_TRUSTED_PROXIES = "10.0.0.0/8,proxy.internal";
      resetEnv();
      expect(() => env()).toThrow(/HOOKLINE_TRUSTED_PROXIES.*proxy\.internal/);
    } finally {
      delete process.env.HOOKLINE_TRUSTED_PROXIES;
      resetEnv();
    }
  });
});
