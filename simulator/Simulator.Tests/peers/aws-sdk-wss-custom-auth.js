// The 1NCE seed's AWS IoT Device SDK (v1) snippet: protocol wss-custom-auth with only the
// authorizer name and the token as headers, no signature. It subscribes, publishes and exits 0
// when its own message comes back. Usage: node aws-sdk-wss-custom-auth.js ONBOARDING_JSON PORT
const awsIot = require('aws-iot-device-sdk');
const queryString = require('query-string');
const onboarding = JSON.parse(process.argv[2]);
const port = Number(process.argv[3]);

function subscribeMQTTTopicToken({ clientId, iotCoreEndpointUrl, username }) {
  const parsed = queryString.parse(username.split('?')[1]);
  console.log('Registering mqtt client using token');
  const device = awsIot.device({
    host: iotCoreEndpointUrl,
    port,
    clientId,
    debug: false,
    protocol: 'wss-custom-auth',
    username: username,
    customAuthHeaders: {
      'X-Amz-CustomAuthorizer-Name': parsed['x-amz-customauthorizer-name'],
      token: parsed.token,
    },
  });
  const topic = `${clientId}/sdk`;
  device.on('connect', () => {
    console.log('connected');
    device.subscribe(topic, { qos: 1 }, (err) => {
      if (err) { console.error('subscribe failed', err); process.exit(3); }
      console.log(`MQTT subscribed to topic ${topic}`);
      device.publish(topic, JSON.stringify({ hello: 'from the AWS SDK' }), { qos: 1 });
    });
  });
  device.on('message', (recTopic, payload) => {
    console.log('message', recTopic, payload.toString());
    device.end(false, () => process.exit(0));
  });
  device.on('close', () => console.log('MQTT client connection is closed'));
  device.on('error', (error) => { console.error('MQTT client error: ', error.message); });
}

subscribeMQTTTopicToken(onboarding);
setTimeout(() => { console.error('timed out'); process.exit(2); }, 15000);
