// The AWS IoT Device SDK (v1)'s thingShadow over wss-custom-auth: register a thing, get its shadow
// (none yet: rejected 404), report a state (accepted, version 1), ask for a desired state from a
// second client and receive the delta, get the whole document, delete it. Prints one line per
// event and exits 0 when the walk is done. Usage: node aws-sdk-thing-shadow.js HOST PORT AUTHORIZER TOKEN_KEY TOKEN THING
const awsIot = require('aws-iot-device-sdk');
const [host, port, authorizer, tokenKey, token, thing] = process.argv.slice(2);
const headers = { 'X-Amz-CustomAuthorizer-Name': authorizer, [tokenKey]: token };
const options = (clientId) => ({ host, port: Number(port), clientId, protocol: 'wss-custom-auth', customAuthHeaders: headers, debug: false });

const device = awsIot.thingShadow(options(thing));
const app = awsIot.thingShadow(options(`${thing}-app`));
let step = 'get-missing';
let pending = null;

function next(name, fn) {
  step = name;
  pending = fn();
  if (pending === null) { console.error(`${name}: the SDK refused to send`); process.exit(3); }
}

device.on('status', (name, stat, clientToken, doc) => {
  if (clientToken !== pending) return; // another operation's answer
  console.log(`status ${step} ${stat} ${JSON.stringify(doc)}`);
  if (step === 'get-missing') {
    next('report', () => device.update(thing, { state: { reported: { temp: 21.5, fw: '1.2.0' } } }));
  } else if (step === 'report') {
    step = 'await-delta';
    app.register(thing, { ignoreDeltas: true }, () => {
      setTimeout(() => { app.update(thing, { state: { desired: { temp: 19 } } }); }, 200);
    });
  } else if (step === 'get-all') {
    next('delete', () => device.delete(thing));
  } else if (step === 'delete') {
    console.log('done');
    device.end(false, () => app.end(false, () => process.exit(0)));
  }
});

device.on('delta', (name, doc) => {
  console.log(`delta ${JSON.stringify(doc.state)} version ${doc.version}`);
  if (step === 'await-delta') next('get-all', () => device.get(thing));
});

device.on('error', (e) => console.error('device error:', e.message));
app.on('error', (e) => console.error('app error:', e.message));
device.on('connect', () => {
  console.log('connected');
  device.register(thing, {}, () => next('get-missing', () => device.get(thing)));
});
setTimeout(() => { console.error(`timed out at ${step}`); process.exit(2); }, 20000);
