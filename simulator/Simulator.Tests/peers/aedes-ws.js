// Aedes (a Node MQTT broker) served over WebSocket with the ws package: our WebSocket peer,
// since Debian's mosquitto cannot open WebSocket listeners on these machines.
// Usage: node aedes-ws.js PORT  -> prints "ready" when listening.
const aedes = require('aedes')();
const http = require('http');
const ws = require('ws');
const { createWebSocketStream } = ws;
const port = Number(process.argv[2]);
const server = http.createServer();
const wss = new ws.WebSocketServer({
  server,
  handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
});
wss.on('connection', (socket) => aedes.handle(createWebSocketStream(socket)));
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
