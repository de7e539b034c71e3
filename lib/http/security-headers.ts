// Sent with every page, route handler and static file (next.config.ts), and with the answers the
// HTTP server gives before Next.js sees a request (lib/api/unsendable-methods.ts): no framing
// (clickjacking), no MIME sniffing, no full URLs (campaign ids, tokens in a query) leaked to other
// sites in Referer.
export const SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'self'; object-src 'none'" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];
