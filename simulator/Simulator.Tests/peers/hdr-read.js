// Reads a summary.json's histograms with HdrHistogram's JavaScript implementation, an independent
// reader of the standard V2 compressed encoding, and prints what it finds as one JSON line:
// { phase: { count, p50, p90, p99, max } } in µs (max as HdrHistogram sees it: its bucket's top).
const fs = require("fs");
const hdr = require("hdr-histogram-js");

const summary = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = {};
for (const [phase, h] of Object.entries(summary.histograms)) {
  if (h.encoding !== "hdrhistogram-v2-compressed-base64") {
    throw new Error(`${phase}: encoding ${h.encoding}`);
  }
  if (h.histogram === "" || h.count === 0) {
    out[phase] = { count: 0 };
    continue;
  }
  const d = hdr.decodeFromCompressedBase64(h.histogram, 64, false);
  out[phase] = {
    count: d.totalCount,
    p50: d.getValueAtPercentile(50),
    p90: d.getValueAtPercentile(90),
    p99: d.getValueAtPercentile(99),
    max: d.maxValue,
  };
}
console.log(JSON.stringify(out));
