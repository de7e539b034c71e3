// Command-line options of npm run bench / npm run soak.
export type BenchOptions = {
  quick: boolean;
  /** only these figures (1-6), e.g. --only 1,5 */
  only: Set<number> | null;
  /** users in the embedded and scale-out campaigns */
  users: number;
  /** events for the triggered path */
  events: number;
  /** worker counts for the scale-out figure */
  workers: number[];
  /** where to write the markdown table (--markdown file) */
  markdown: string | null;
  basePort: number;
  /** the longest a delivery figure waits for its deliveries before it reports a partial rate */
  budgetMs: { embedded: number; scaleOutRun: number; triggered: number };
  /** where figure 2's embedded engine runs: "app" (npm start, the default) or "worker" */
  embeddedIn: "app" | "worker";
  /** figure 3 also measures the triggered path through two workers (off with --no-triggered) */
  scaleOutTriggered: boolean;
};

function value(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(name + "="));
  return eq?.slice(name.length + 1);
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const only = value(argv, "--only");
  const users = value(argv, "--users");
  const events = value(argv, "--events");
  return {
    quick,
    only: only ? new Set(only.split(",").map(Number)) : null,
    users: users ? Number(users) : quick ? 1_000 : 100_000,
    events: events ? Number(events) : quick ? 1_000 : 10_000,
    workers: quick ? [1, 2] : [1, 2, 4],
    markdown: value(argv, "--markdown") ?? null,
    budgetMs: quick ? { embedded: 60_000, scaleOutRun: 30_000, triggered: 45_000 } : { embedded: 120_000, scaleOutRun: 45_000, triggered: 90_000 },
    embeddedIn: value(argv, "--embedded-in") === "worker" ? "worker" : "app",
    scaleOutTriggered: !argv.includes("--no-triggered"),
    basePort: Number(value(argv, "--port") ?? process.env.BENCH_PORT ?? 3250),
  };
}
