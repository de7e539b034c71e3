import { handleAuthRequest } from "@/lib/auth/auth-route";

export const dynamic = "force-dynamic";

const handler = (req: Request) => handleAuthRequest(req);

export { handler as GET, handler as POST };
