// Runs once when the Next.js server starts: the embedded delivery worker lives in this process
// unless REDIS_URL hands delivery to `npm run worker` processes.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Route handlers get no socket: note each request's peer address for lib/auth/client-address.ts.
  const { recordPeerAddresses } = await import("./lib/auth/client-address");
  recordPeerAddresses();
  // TRACE: Next cannot build its Request for it (a 500 page on every path); answered before Next.
  const { answerUnsendableMethods } = await import("./lib/api/unsendable-methods");
  answerUnsendableMethods();
  // A declared body over its route's limit is a 413 before it is read; a stalled or trickling body is cut off.
  const { guardRequestBodies } = await import("./lib/http/body-guard");
  guardRequestBodies();
  const { startServerSideServices } = await import("./lib/server-start");
  await startServerSideServices();
}
