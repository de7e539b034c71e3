import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/auth/better-auth";

export const dynamic = "force-dynamic";

const handler = (req: Request) => toNextJsHandler(auth()).POST(req);
const get = (req: Request) => toNextJsHandler(auth()).GET(req);

export { get as GET, handler as POST };
