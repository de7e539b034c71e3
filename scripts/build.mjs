// npm run build: prepare the Prisma clients and build the Next.js app.
import { spawnSync } from "node:child_process";
process.env.NEXT_TELEMETRY_DISABLED = "1";
for (const args of [["scripts/prisma.mjs", "generate"], ["node_modules/next/dist/bin/next", "build"]]) {
  const r = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
