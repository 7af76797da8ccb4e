// MQTT.js (the client under aws-iot-device-sdk v1) as a connect-cost peer: N clients over WSS with
// AWS custom-auth headers, started at RATE per second on a fixed schedule, held HOLD seconds, no
// publishes. Latency counts from each client's planned start (as ours does). Prints one JSON line.
// Usage: node connect.js TOKENS_FILE PORT CAFILE RATE HOLD_SECONDS
const fs = require('fs');
const mqtt = require('mqtt');
const [tokensFile, port, caFile, rate, hold] = process.argv.slice(2);
const devices = fs.readFileSync(tokensFile, 'utf8').trim().split('\n').map((l) => l.split(' '));
const ca = fs.readFileSync(caFile);
const latencies = [];
let failed = 0;
const clients = [];
const t0 = performance.now() + 50;

function start(i) {
  const [clientId, token] = devices[i];
  const due = t0 + (i * 1000) / Number(rate);
  const c = mqtt.connect(`wss://localhost:${port}/mqtt`, {
    clientId, protocolVersion: 4, keepalive: 300, reconnectPeriod: 0, connectTimeout: 30000, ca,
    wsOptions: { headers: { 'x-amz-customauthorizer-name': 'device-jwt', token }, ca },
  });
  c.once('connect', () => latencies.push(performance.now() - due));
  c.once('error', () => { failed++; });
  clients.push(c);
}

for (let i = 0; i < devices.length; i++) {
  setTimeout(() => start(i), Math.max(0, t0 + (i * 1000) / Number(rate) - performance.now()));
}

const rampMs = (devices.length * 1000) / Number(rate);
setTimeout(() => {
  latencies.sort((a, b) => a - b);
  const p = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((q / 100) * latencies.length))] : null);
  console.log(JSON.stringify({ client: 'mqtt.js', devices: devices.length, connected: latencies.length, failed, p50Ms: p(50), p99Ms: p(99) }));
  for (const c of clients) c.end(true);
  setTimeout(() => process.exit(0), 500);
}, rampMs + 50 + Number(hold) * 1000);
