import { headers } from "next/headers";
import { ApiReference } from "@/components/ApiReference";

export const metadata = { title: "API reference · Hookline" };

export default async function ApiReferencePage() {
  // the curl lines name this very server
  const h = await headers();
  const origin = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host") ?? "localhost:3000"}`;
  return <ApiReference origin={origin} />;
}
