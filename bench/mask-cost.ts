// npx tsx bench/mask-cost.ts  (REPS=2000): what masking a request for the delivery log costs per call
// (maskRequest runs on every delivery attempt: dispatcher -> attempt-record), for an ordinary order body
// whose keys only look like secret names (shipping, image_url, opinion, return_url), the same body 110 KB
// long, and maskCredentialUrl on a URL whose query values are percent-encoded (as every rendered one is).
// Medians of 5 runs after a warm-up, in CPU µs per call.
// 2026-12-07, 2 cores shared (load ~15), CPU µs: before ea38707 (new names) / at ea38707 / after the fix
//   1.4 KB order body        9-10      / 100      / 13-17   (the pre-check fired on shipping, image_url, ...)
//   100 KB order body        490-630   / 5,900    / 730-810
//   4 %-encoded query values 2.3-3.1   / 4.8-9.4  / 2.5-3.8 (a new URL() parse for any "%", since d343ca3)
//   1 %-encoded query value  1.1       / 3.3-6.9  / 1.3-1.5
//   plain query              0.25      / 0.44-1.0 / 0.5-1.0 (d343ca3's any-host /hooks/ look-ahead)
import { maskRequest } from "../lib/webhooks/mask";
import { maskCredentialUrl } from "../lib/webhooks/credential-parts";
import type { BuiltRequest } from "../lib/webhooks/types";
import { median } from "./stats";

const REPS = Number(process.env.REPS ?? 2000);

const item = (i: number) => ({
  sku: `SKU-${1000 + i}`,
  title: `Product ${i} with a fairly ordinary name`,
  image_url: `https://cdn.example.com/img/${i}.jpg`,
  qty: (i % 3) + 1,
  price: 19.99 + i,
  shipping: { method: "express", option: "signature_on_delivery", pinned: false },
  opinion: "liked it",
});
const order = (items: number) =>
  JSON.stringify({
    order_id: "ord_123456",
    customer: { email: "jane@example.com", first_name: "Jane", topic: "spring sale", country: "IN" },
    shipping_address: { line1: "1 Main St", city: "Pune", zip: "411001" },
    return_url: "https://shop.example.com/orders/ord_123456",
    items: Array.from({ length: items }, (_, i) => item(i)),
  });

const request = (body: string): BuiltRequest => ({
  method: "POST",
  url: "https://api.example.com/v1/orders",
  headers: [
    ["Content-Type", "application/json; charset=utf-8"],
    ["webhook-id", "msg_1"],
    ["webhook-signature", "v1,abc"],
  ],
  body,
});

// CPU time, steadier than the wall clock on a shared machine
const cpuMicros = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};
function perCall(run: () => unknown, reps = REPS): number {
  for (let i = 0; i < Math.min(reps, 200); i++) run();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = cpuMicros();
    for (let i = 0; i < reps; i++) run();
    runs.push((cpuMicros() - started) / reps);
  }
  return median(runs);
}

const small = request(order(5));
const large = request(order(420));
const url = "https://api.example.com/v1/users/123/notify?email=jane%40example.com&name=Jane%20Doe&city=S%C3%A3o%20Paulo&next=%2Fhome";
const oneEncoded = "https://api.example.com/v1/notify?name=Jane%20Doe";
const plainUrl = "https://api.example.com/v1/users/123/notify?email=jane@example.com&name=Jane";

console.log(`maskRequest, ${(small.body!.length / 1024).toFixed(1)} KB body: ${perCall(() => maskRequest(small)).toFixed(2)} µs`);
console.log(`maskRequest, ${(large.body!.length / 1024).toFixed(0)} KB body: ${perCall(() => maskRequest(large), Math.max(20, REPS / 40)).toFixed(1)} µs`);
console.log(`maskCredentialUrl, %-encoded query values: ${perCall(() => maskCredentialUrl(url), REPS * 10).toFixed(2)} µs`);
console.log(`maskCredentialUrl, one %-encoded value: ${perCall(() => maskCredentialUrl(oneEncoded), REPS * 10).toFixed(2)} µs`);
console.log(`maskCredentialUrl, plain query: ${perCall(() => maskCredentialUrl(plainUrl), REPS * 10).toFixed(2)} µs`);
