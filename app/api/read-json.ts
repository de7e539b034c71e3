/** The request body as JSON, or undefined when it is not JSON (the caller's schema then refuses it). */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}
