import { headers } from "next/headers";
import { ApiReference } from "@/components/ApiReference";
import { publicOrigin } from "@/lib/api/public-origin";

export const metadata = { title: "API reference · Hookline" };

export default async function ApiReferencePage() {
  // the curl lines name this very server
  const origin = publicOrigin(await headers(), "localhost:3000");
  return <ApiReference origin={origin} />;
}
