// The Node.js `ws` peer for bench/peers.py: a plain broadcast loop.
//
// A viewer connecting gets a snapshot frame (`{"type":"snapshot","seq":N,...}`),
// as the studio's do. `POST /emit` with a JSON frame body stamps it with the
// next `seq` and writes it to every open client in one loop (the body's bytes
// encoded once). `GET /healthz` answers when the server is up.
//
//     node bench/node_ws_server.js PORT
"use strict";
const http = require("http");
const { WebSocketServer, WebSocket } = require("ws");

const port = Number(process.argv[2]);
let seq = 0;
const snapshotPad = "各位网友大家好，".repeat(9);

const server = http.createServer((req, res) => {
  if (req.method === "POST" && req.url === "/emit") {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const frame = JSON.parse(Buffer.concat(chunks).toString());
      seq += 1;
      const data = Buffer.from(JSON.stringify({ ...frame, seq }));
      res.end("ok");
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary: false });
      }
    });
    return;
  }
  res.end("ok");
});

const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on("connection", (socket) => {
  socket.send(JSON.stringify({ type: "snapshot", seq, event: { title: snapshotPad }, questions: [] }));
  socket.on("error", () => {});
});

server.listen(port, "127.0.0.1", 4096);
