// The AWS IoT Device SDK v2 (aws-crt) with a custom authorizer, the way AWS's samples build it:
// direct (TLS, ALPN "mqtt") or over WebSockets (a bare upgrade; the authorizer name, signature and
// token travel in the MQTT username). With a SIGNATURE it uses the signed form (name, signature,
// token key and token in the username); with "-" the unsigned form (the name in the username, the
// token as the MQTT password). It subscribes, publishes and exits 0 when its own message comes back.
// Usage: node aws-sdk-v2-custom-auth.js direct|websocket HOST PORT CAFILE CLIENTID AUTHORIZER TOKEN_KEY TOKEN SIGNATURE|-
const { mqtt, iot } = require('aws-iot-device-sdk-v2');
const [mode, host, port, caFile, clientId, authorizer, tokenKey, token, signature] = process.argv.slice(2);

async function main() {
  const builder = mode === 'websocket'
    ? iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets()
    : iot.AwsIotMqttConnectionConfigBuilder.new_default_builder();
  if (signature && signature !== '-') {
    builder.with_custom_authorizer('', authorizer, signature, undefined, tokenKey, token);
  } else {
    builder.with_custom_authorizer('', authorizer, '', token);
  }
  builder
    .with_endpoint(host)
    .with_port(Number(port)) // with_custom_authorizer sets 443
    .with_certificate_authority_from_path(undefined, caFile)
    .with_client_id(clientId)
    .with_clean_session(true)
    .with_keep_alive_seconds(30);
  const client = new mqtt.MqttClient();
  const connection = client.new_connection(builder.build());
  connection.on('error', (e) => console.error('connection error', e.toString()));
  await connection.connect();
  console.log('connected');
  const topic = `${clientId}/sdk-v2`;
  const received = new Promise((resolve) => {
    connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (t, payload) => {
      console.log('message', t, Buffer.from(payload).toString());
      resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 200));
  await connection.publish(topic, JSON.stringify({ hello: `from the AWS SDK v2 (${mode})` }), mqtt.QoS.AtLeastOnce);
  await received;
  await connection.disconnect();
  console.log('disconnected');
  process.exit(0);
}

main().catch((e) => { console.error('failed:', e && e.toString()); process.exit(1); });
setTimeout(() => { console.error('timed out'); process.exit(2); }, 20000);
