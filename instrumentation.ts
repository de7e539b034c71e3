// Runs once when the Next.js server starts: the embedded delivery worker lives in this process
// unless REDIS_URL hands delivery to `npm run worker` processes.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerSideServices } = await import("./lib/server-start");
  await startServerSideServices();
}
