import { errorResponse } from "@/lib/api/errors";
import { unknownApiRoute } from "@/lib/api/route-methods";

export const dynamic = "force-dynamic";

// proxy.ts answers a path no route has (and /api/v1 itself) before it gets here; this is the same
// 404 should a request reach the route anyway, rather than the app's HTML 404 page.
function notFound(req: Request) {
  return errorResponse(unknownApiRoute(req.method, new URL(req.url).pathname));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
