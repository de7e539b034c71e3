// The Node.js flags of the `next start` process (scripts/start.mjs; the bench's later starts too).
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
