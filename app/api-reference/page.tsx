import { ApiReference } from "@/components/ApiReference";

export const metadata = { title: "API reference · Hookline" };

export default function ApiReferencePage() {
  return <ApiReference />;
}
