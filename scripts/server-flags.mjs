// The Node.js flags and environment of the `next start` process (scripts/start.mjs; the bench's later starts too).
// V8 sizes the heap by how fast a process allocates, not by what it keeps: on a machine with much
// memory it lets the old generation grow to 4x what survived the last full GC, so delivering a
// 100,000-user campaign grew it to ~200 MiB with ~60 MiB alive (bench figure 2). Under a 1 GiB cap V8
// grows it by about 1.6x instead; 8 MiB semi-spaces (16 MiB young generation instead of 32) cost
// no CPU we could measure. An operator's own NODE_OPTIONS setting of either flag wins.
export function serverNodeFlags(env = process.env) {
  const own = env.NODE_OPTIONS ?? "";
  return [
    ...(/--max-old-space-size/.test(own) ? [] : ["--max-old-space-size=1024"]),
    ...(/--max-semi-space-size/.test(own) ? [] : ["--max-semi-space-size=8"]),
  ];
}

// glibc's malloc gives each thread that allocates an arena of its own (up to 8 per core): the server's
// threads (the engine's, the sender thread, libuv's pool, SQLite's statements) kept ~20 MiB more
// resident in them for nothing. Two arenas: peak RSS during figure 2 388 -> 370 MiB, the 10-minute
// soak 381 -> 355 MiB, deliveries/s within the run-to-run spread. An operator's own setting wins;
// other C libraries ignore it.
export function serverEnv(env = process.env) {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? "2" };
}
