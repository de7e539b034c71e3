import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/http/security-headers";
import { PROXY_COPY_LIMIT_BYTES } from "./lib/http/body-limits";

const nextConfig: NextConfig = {
  // Native and server-only packages stay out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "bullmq", "ioredis", "undici"],
  poweredByHeader: false,
  typedRoutes: false,
  // `npm test` and CI typecheck (tsc --noEmit); doing it again inside `next build` added most of a
  // minute to `npm install` (which builds once) on two cores.
  typescript: { ignoreBuildErrors: true },
  distDir: process.env.HOOKLINE_DIST_DIR || ".next",
  // What Next.js copies of a body for proxy.ts and hands the route (the rest is dropped with a warning):
  // one byte over the largest body a route behind the proxy accepts (lib/http/body-limits.ts).
  experimental: { proxyClientMaxBodySize: PROXY_COPY_LIMIT_BYTES },
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
