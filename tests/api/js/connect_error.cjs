// Connect with the official socket.io JavaScript client (the one the web client bundles) and
// print what its connect_error handler sees: err.message and err.data, as JSON on one line.
// usage: node connect_error.cjs <path of web/package.json> <server url> <token>
const { createRequire } = require("node:module");
const { io } = createRequire(process.argv[2])("socket.io-client");

const socket = io(process.argv[3], {
  auth: { token: process.argv[4] },
  transports: ["websocket"],
  reconnection: false,
});
socket.on("connect", () => {
  console.log(JSON.stringify({ connected: true }));
  socket.close();
});
socket.on("connect_error", (err) => {
  console.log(JSON.stringify({ message: err.message, data: err.data ?? null }));
  socket.close();
});
