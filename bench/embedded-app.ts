// One `npm start` on a fresh SQLite install, shared by the figures that need the embedded app
// (6 preview, 2 embedded delivery, 4 triggered path), so a run pays for one start, not three.
import { freshInstallEnv, startApp, type AppProcess } from "./app-process";
import { seedUsers, switchDatabase } from "./delivery-run";
import type { FigureContext } from "./figures/context";

export type EmbeddedApp = { app: AppProcess; env: Record<string, string>; base: string; users: number };

let shared: Promise<EmbeddedApp> | null = null;

export const EMBEDDED_SETTINGS = { HOOKLINE_WORKER_CONCURRENCY: "50", HOOKLINE_HOST_CONCURRENCY: "50" };

export function embeddedApp(ctx: FigureContext): Promise<EmbeddedApp> {
  shared ??= (async () => {
    const users = Math.max(ctx.options.users, ctx.options.events);
    const env = freshInstallEnv(EMBEDDED_SETTINGS);
    await switchDatabase(env);
    ctx.progress(`seeding ${users} users (SQLite)`);
    await seedUsers(users);
    ctx.progress("starting npm start (builds first when sources changed)");
    const port = ctx.options.basePort;
    const app = await startApp(port, env);
    return { app, env, base: `http://127.0.0.1:${port}`, users };
  })();
  return shared;
}

export async function stopEmbeddedApp() {
  const current = shared;
  shared = null;
  if (current) await (await current.catch(() => null))?.app.stop();
}
