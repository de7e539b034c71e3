// What the UI shows for a failed internal or API request: the envelope's message
// ({ error: { code, message, details } }, withApi and withInternal alike), else `fallback`.
export async function errorMessageOf(response: Response, fallback: string): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const message = body?.error?.message;
  return typeof message === "string" && message ? message : fallback;
}
