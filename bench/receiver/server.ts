// The bench's webhook receiver, in a process of its own so that it does not share a core's event
// loop with the client or the app it measures. It answers at once (or, for the soak, slowly, 503
// or never, by path prefix) and tells its parent over IPC how many requests arrived and when.
import http from "node:http";
import type { ReceiverCommand, ReceiverReply, ReceiverStats } from "./protocol";

/** Path prefixes that pick the behaviour: /ok/..., /slow/..., /fail/..., /hang/... */
const SLOW_MS = Number(process.env.BENCH_RECEIVER_SLOW_MS ?? 2000);

let count = 0;
let bytes = 0;
let firstAt = 0;
let lastAt = 0;
const byKind: Record<string, number> = {};
let recording = false;
// key (last path segment) -> arrival time in ms since the epoch
let arrivals = new Map<string, number>();
let duplicates = 0;
const hanging = new Set<http.ServerResponse>();

const server = http.createServer((req, res) => {
  const now = Date.now();
  const url = req.url ?? "/";
  const slash = url.indexOf("/", 1);
  const kind = slash > 0 ? url.slice(1, slash) : "ok";
  req.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on("end", () => {
    count++;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (!firstAt) firstAt = now;
    lastAt = now;
    if (recording) {
      const q = url.indexOf("?");
      const key = url.slice(url.lastIndexOf("/", q < 0 ? undefined : q) + 1, q < 0 ? undefined : q);
      if (arrivals.has(key)) duplicates++;
      else arrivals.set(key, now);
    }
    if (kind === "hang") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (kind === "fail") {
      res.writeHead(503, { "content-length": "0", "retry-after": "1" });
      res.end();
      return;
    }
    const answer = () => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
      res.end("ok");
    };
    if (kind === "slow") setTimeout(answer, SLOW_MS);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

function stats(): ReceiverStats {
  return { count, bytes, firstAt, lastAt, byKind: { ...byKind }, duplicates, recorded: arrivals.size };
}

function reply(message: ReceiverReply) {
  process.send?.(message);
}

process.on("message", (raw) => {
  const cmd = raw as ReceiverCommand;
  if (cmd.type === "stats") reply({ type: "stats", id: cmd.id, stats: stats() });
  else if (cmd.type === "reset") {
    count = bytes = firstAt = lastAt = duplicates = 0;
    for (const k of Object.keys(byKind)) delete byKind[k];
    arrivals = new Map();
    recording = cmd.record;
    reply({ type: "ok", id: cmd.id });
  } else if (cmd.type === "arrivals") {
    reply({ type: "arrivals", id: cmd.id, arrivals: [...arrivals.entries()] });
  }
});
process.on("disconnect", () => process.exit(0));

server.listen(Number(process.env.BENCH_RECEIVER_PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  reply({ type: "listening", id: 0, port: typeof address === "object" && address ? address.port : 0 });
});
