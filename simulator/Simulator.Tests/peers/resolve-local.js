// Test harness only: resolves *.amazonaws.com to 127.0.0.1 so that the AWS SDK, which insists on
// an AWS-shaped endpoint name, reaches the local gateway without /etc/hosts changes.
const dns = require('dns');
const original = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (typeof hostname === 'string' && hostname.endsWith('.amazonaws.com')) {
    if (options && options.all) return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(callback, null, '127.0.0.1', 4);
  }
  return original.call(dns, hostname, options, callback);
};
