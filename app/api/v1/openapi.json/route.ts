import { openApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document; public, like the API reference page. */
export function GET(req: Request) {
  return Response.json(openApiDocument(new URL(req.url).origin));
}
