// The AWS IoT Device SDK v2's Mqtt5Client (aws-crt) with a custom authorizer, built the way AWS's
// MQTT 5 custom-auth samples build it: direct (TLS, ALPN "mqtt") or over WebSockets (a bare
// upgrade; the custom-auth values in the CONNECT). Signed (name, token key, token, signature in the
// username) or unsigned ("-": the name in the username, the token as the password). It subscribes,
// publishes until its own message comes back, then publishes outside its policy and prints the
// PUBACK's reason code. With "deny" it prints the CONNACK's reason code of the refused connect.
// Usage: node aws-sdk-v2-mqtt5.js direct|websocket HOST PORT CAFILE CLIENTID AUTHORIZER TOKEN_KEY TOKEN SIGNATURE|- [deny]
const { mqtt5, iot } = require('aws-iot-device-sdk-v2');
const [mode, host, port, caFile, clientId, authorizer, tokenKey, token, signature, deny] = process.argv.slice(2);

// SDK 1.28.0's direct builder URL-encodes the signature and its WebSocket builder does not, so a
// base64 '+' would reach the authorizer as a space: encode it here for both, as the SDK's docs ask.
const encoded = signature && !signature.includes('%') ? encodeURIComponent(signature) : signature;
const auth = signature && signature !== '-'
  ? { authorizerName: authorizer, username: 'device', tokenKeyName: tokenKey, tokenValue: token, tokenSignature: encoded }
  : { authorizerName: authorizer, username: 'device', password: Buffer.from(token) };
const builder = mode === 'websocket'
  ? iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithCustomAuth(host, auth)
  : iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithCustomAuth(host, auth);
builder
  .withPort(Number(port))
  .withCertificateAuthorityFromPath(undefined, caFile)
  .withConnectProperties({ clientId, keepAliveIntervalSeconds: 30, sessionExpiryIntervalSeconds: 600, userProperties: [{ name: 'fw', value: '2.0.1' }] });
const client = new mqtt5.Mqtt5Client(builder.build());
const exit = (code) => { try { client.stop(); } catch (e) { /* stopping */ } setTimeout(() => process.exit(code), 100); };

client.on('connectionFailure', (e) => {
  if (deny && e.connack) {
    console.log(`connack-refused ${e.connack.reasonCode}`);
    exit(0);
    return;
  }
  console.error('connection failure', e.error && e.error.toString(), e.connack ? e.connack.reasonCode : '');
  exit(1);
});
client.on('connectionSuccess', async (e) => {
  if (deny) {
    console.error('connected although denied');
    exit(1);
    return;
  }
  const c = e.connack;
  console.log('connack', JSON.stringify({ reasonCode: c.reasonCode, sessionExpiryInterval: c.sessionExpiryInterval, serverKeepAlive: c.serverKeepAlive, topicAliasMaximum: c.topicAliasMaximum, maximumQos: c.maximumQos, subscriptionIdentifiersAvailable: c.subscriptionIdentifiersAvailable }));
  const topic = `${clientId}/sdk-v2-mqtt5`;
  const received = new Promise((resolve) => client.on('messageReceived', (m) => {
    const p = m.message;
    console.log('message', p.topicName, Buffer.from(p.payload).toString(), JSON.stringify(p.userProperties || []));
    resolve();
  }));
  try {
    await client.subscribe({ subscriptions: [{ topicFilter: topic, qos: mqtt5.QoS.AtLeastOnce }] });
    await client.publish({ topicName: topic, payload: JSON.stringify({ hello: `from the SDK v2 Mqtt5Client (${mode})` }), qos: mqtt5.QoS.AtLeastOnce, userProperties: [{ name: 'imei', value: '352656100000001' }] });
    await received;
    const refused = await client.publish({ topicName: 'someone-else/x', payload: 'no', qos: mqtt5.QoS.AtLeastOnce });
    console.log(`puback ${refused ? refused.reasonCode : 'none'}`);
    exit(0);
  } catch (err) {
    console.error('failed:', err && err.toString());
    exit(1);
  }
});
client.start();
setTimeout(() => { console.error('timed out'); process.exit(2); }, 20000);
