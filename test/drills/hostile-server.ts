// Hostile webhook receivers for the drills, in a process of their own so that the sender's memory
// and event loop are measured alone. Prints one JSON line with the ports, then answers "stats" on
// stdin with the bytes each kind wrote.
import http from "node:http";
import net from "node:net";

const written: Record<string, number> = { huge: 0, trickleBody: 0, trickleHeaders: 0 };
const GIB = 1024 ** 3;

// accepts the connection and never answers
const hang = net.createServer(() => {});

// sends the status line and headers a byte a second
const trickleHeaders = net.createServer((socket) => {
  const text = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok";
  let i = 0;
  const timer = setInterval(() => {
    if (i >= text.length || socket.destroyed) return clearInterval(timer);
    socket.write(text[i++]);
    written.trickleHeaders++;
  }, 1000);
  socket.on("close", () => clearInterval(timer));
  socket.on("error", () => clearInterval(timer));
});

// answers 200 at once, then the body a byte a second
const trickleBody = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { "content-type": "text/plain", "content-length": "100000" });
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write("x");
    written.trickleBody++;
  }, 1000);
  res.on("close", () => clearInterval(timer));
});

// answers 200 with a 1 GiB body, written as fast as the client reads
const chunk = Buffer.alloc(64 * 1024, "y");
const huge = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(GIB) });
  let sent = 0;
  const pump = () => {
    while (sent < GIB && !res.destroyed) {
      sent += chunk.length;
      written.huge += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on("error", () => {});
  pump();
});

const servers = { hang, trickleHeaders, trickleBody, huge };
const ports: Record<string, number> = {};
await Promise.all(
  Object.entries(servers).map(
    ([name, server]) =>
      new Promise<void>((resolve) =>
        server.listen(0, "127.0.0.1", () => {
          ports[name] = (server.address() as net.AddressInfo).port;
          resolve();
        }),
      ),
  ),
);
process.stdout.write(JSON.stringify({ ports }) + "\n");
process.stdin.on("data", () => process.stdout.write(JSON.stringify({ written }) + "\n"));
process.stdin.on("end", () => process.exit(0));
