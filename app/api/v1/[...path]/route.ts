import { ApiError, errorResponse } from "@/lib/api/errors";

export const dynamic = "force-dynamic";

// Unknown API paths answer in the API's envelope, not with the app's HTML 404 page.
// A known path with a method it does not have never gets here: proxy.ts answers it 405 (lib/api/route-methods.ts).
function notFound(req: Request) {
  return errorResponse(new ApiError(404, "not_found", `No API route ${req.method} ${new URL(req.url).pathname}`));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
