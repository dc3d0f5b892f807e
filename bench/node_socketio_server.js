// The Node.js socket.io peer for bench/peers.py: one room, WebSocket transport only.
//
// Every client joins the room `bench` on connect; `POST /emit` with a JSON
// body emits it as event `msg` to the room (what a socket.io live feed does
// for each change). `GET /healthz` answers when the server is up.
//
//     node bench/node_socketio_server.js PORT
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const port = Number(process.argv[2]);

const server = http.createServer();
const io = new Server(server, { transports: ["websocket"], perMessageDeflate: false, serveClient: false });
io.on("connection", (socket) => socket.join("bench"));

server.on("request", (req, res) => {
  if (req.url.startsWith("/socket.io/")) return; // engine.io answers these
  if (req.method === "POST" && req.url === "/emit") {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      res.end("ok");
      io.to("bench").emit("msg", JSON.parse(Buffer.concat(chunks).toString()));
    });
    return;
  }
  res.end("ok");
});

server.listen(port, "127.0.0.1", 4096);
