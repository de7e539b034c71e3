// npm run test:e2e: find a Chromium, then run Playwright. Order: CHROMIUM_PATH, /usr/bin/chromium,
// a browser installed by `npx playwright install chromium`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return null;
}

const found = findChromium();
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
if (found) env.CHROMIUM_PATH = found;
else {
  const { chromium } = await import("@playwright/test");
  let bundled = "";
  try {
    bundled = chromium.executablePath();
  } catch {}
  if (!bundled || !existsSync(bundled)) {
    console.error(
      "No Chromium found for the browser tests. Install one: `apt-get install -y chromium` (Debian/Ubuntu), " +
        "or `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium binary.",
    );
    process.exit(1);
  }
}
const r = spawnSync(process.execPath, ["node_modules/@playwright/test/cli.js", "test", ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(r.status ?? 1);
