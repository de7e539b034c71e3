import { jsonSyntaxMessage } from "@/lib/text/json-syntax";

/** The text of a small JSON box as an object: empty means none; anything but an object is an error. */
export function parseJsonObject(text: string): { value: Record<string, unknown> | null; error?: string } {
  if (!text.trim()) return { value: null };
  try {
    const value = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return { value };
    return { value: null, error: 'Write a JSON object, e.g. {"plan": "pro"}' };
  } catch {
    return { value: null, error: jsonSyntaxMessage(text) };
  }
}
