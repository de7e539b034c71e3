import { refusal } from "@/lib/auth/guard";
import { deliveryDetail } from "@/lib/delivery/log-queries";

export const dynamic = "force-dynamic";

/** One delivery with every attempt (requests stored masked). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const refused = await refusal(req.headers, "viewer");
  if (refused) return refused;
  const detail = await deliveryDetail((await params).id);
  if (!detail) return Response.json({ message: "This delivery no longer exists." }, { status: 404 });
  return Response.json(detail);
}
