import { openApiDocument } from "@/lib/api/openapi";
import { publicOrigin } from "@/lib/api/public-origin";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document; public, like the API reference page. */
export function GET(req: Request) {
  return Response.json(openApiDocument(publicOrigin(req.headers, new URL(req.url).host)));
}
