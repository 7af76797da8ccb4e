// MQTT.js (npm mqtt 5.16.0) speaking MQTT 5 to an AWS IoT custom authorizer: over WSS with the
// custom-auth values as headers of the upgrade, or over TLS with ALPN "mqtt" and the values in the
// MQTT username. It asks for a session expiry, sends a user property, lets MQTT.js use topic
// aliases, subscribes to its own topic and publishes until its messages come back; then it
// publishes outside its policy and prints the PUBACK's reason code. With "deny" it prints how the
// connect was refused instead. One line per event, then exit 0; anything unexpected exits 1.
// Usage: node mqttjs-v5.js wss|alpn PORT CAFILE CLIENTID AUTHORIZER TOKEN_OR_USERNAME [deny]
const fs = require('fs');
const mqtt = require('mqtt');
const [form, port, caFile, clientId, authorizer, credential, deny] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);
const common = {
  clientId, protocolVersion: 5, keepalive: 10, reconnectPeriod: 0, connectTimeout: 15000, ca,
  autoUseTopicAlias: true,
  properties: { sessionExpiryInterval: 86400, userProperties: { fw: '2.0.1' } },
};
const client = form === 'wss'
  ? mqtt.connect(`wss://localhost:${port}/mqtt`, { ...common, wsOptions: { headers: { 'x-amz-customauthorizer-name': authorizer, token: credential }, ca } })
  : mqtt.connect(`mqtts://localhost:${port}`, { ...common, servername: 'localhost', ALPNProtocols: ['mqtt'], username: credential });

const done = (code) => { client.end(true); process.exit(code); };
client.on('error', (e) => {
  if (deny) {
    console.log(e.code !== undefined && typeof e.code === 'number' ? `connack-refused ${e.code}` : `refused ${e.message}`);
    done(0);
  }
  console.error('error', e.message);
  done(1);
});
// A WebSocket upgrade refused with an HTTP status ends in a bare close: MQTT.js reports no error for it.
client.on('close', () => {
  if (deny) {
    console.log('closed-before-connack');
    done(0);
  }
});
client.on('connect', (connack) => {
  if (deny) {
    console.error('connected although denied');
    done(1);
  }
  console.log('connack', JSON.stringify({ reasonCode: connack.reasonCode, properties: connack.properties }));
  const topic = `${clientId}/mqttjs-v5`;
  let got = 0;
  client.on('message', (t, payload, packet) => {
    console.log('message', t, payload.toString(), JSON.stringify(packet.properties || {}));
    if (++got === 3) {
      client.publish('someone-else/x', 'no', { qos: 1 }, (err) => {
        console.log(err ? `puback-refused ${err.code}` : 'puback-accepted');
        client.end(false, {}, () => process.exit(0));
      });
    }
  });
  client.subscribe(topic, { qos: 1 }, (err) => {
    if (err) {
      console.error('subscribe failed', err.message);
      done(1);
    }
    for (let i = 0; i < 3; i++) {
      client.publish(topic, JSON.stringify({ n: i }), { qos: 1, properties: { userProperties: { imei: '352656100000001' }, contentType: 'application/json' } });
    }
  });
});
client.on('disconnect', (packet) => console.log('disconnect', packet.reasonCode));
setTimeout(() => { console.error('timed out'); process.exit(2); }, 20000);
