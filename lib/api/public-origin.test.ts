// The origin the API's documents name (OpenAPI `servers`, the reference's curl lines): the one the client used.
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { GET as openApiJson } from "@/app/api/v1/openapi.json/route";
import { PEER_HEADER } from "../auth/client-address";
import { publicOrigin } from "./public-origin";

const proxies: [ipaddr.IPv4, number][] = [[ipaddr.IPv4.parse("10.0.0.0"), 8]];

describe("publicOrigin", () => {
  it("is the Host the client asked for, not the address the server listens on", () => {
    expect(publicOrigin(new Headers({ host: "hooks.example.com" }), "localhost:3000", [])).toBe("http://hooks.example.com");
    expect(publicOrigin(new Headers({ host: "127.0.0.1:3515" }), "localhost:3515", [])).toBe("http://127.0.0.1:3515");
    expect(publicOrigin(new Headers(), "localhost:3000", [])).toBe("http://localhost:3000");
    expect(publicOrigin(new Headers({ host: "evil.example/path?x" }), "localhost:3000", [])).toBe("http://localhost:3000");
  });

  it("believes X-Forwarded-Host and -Proto only from a trusted proxy", () => {
    const forwarded = { host: "10.0.0.5:3000", "x-forwarded-host": "hooks.example.com", "x-forwarded-proto": "https" };
    expect(publicOrigin(new Headers({ ...forwarded, [PEER_HEADER]: "10.0.0.5" }), "localhost:3000", proxies)).toBe("https://hooks.example.com");
    expect(publicOrigin(new Headers({ ...forwarded, [PEER_HEADER]: "203.0.113.9" }), "localhost:3000", proxies)).toBe("http://10.0.0.5:3000");
  });

  it("gives the OpenAPI document's servers", async () => {
    // as Next.js hands it over: req.url names the listening address, the Host header what the client used
    const req = new Request("http://localhost:3515/api/v1/openapi.json", { headers: { host: "hooks.example.com", "x-forwarded-proto": "https" } });
    const doc = await openApiJson(req).json();
    expect(doc.servers).toEqual([{ url: "http://hooks.example.com" }]);
  });
});
