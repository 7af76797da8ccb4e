#!/usr/bin/env bash
# The highest WSS connect rate this machine sustains against a standalone gateway without the
# generator flagging itself saturated, for each TLS provider of our client. Each trial ramps
# RATE x 8 devices at RATE/s (WSS, custom-auth headers, device JWTs, full handshakes) and holds
# them 5 s; the gateway runs on the same cores, and its CPU over each trial is reported apart.
# Writes results/bench-rate-sweep-<time>/sweep.csv and summary.md.
# Usage: bench/run-connect-rate-sweep.sh [--rates "150 200 250 300 350 400 500"] [--port 18480] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
rates="150 200 250 300 350 400 500" port=18480 outdir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) rates=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --out) outdir=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
dotnet build simulator/Simulator -c Release --nologo -v q >/dev/null
sim=simulator/Simulator/bin/Release/net10.0/simulator
out="${outdir:-results/bench-rate-sweep-$(date -u +%Y%m%dT%H%M%SZ)}"
work=$(mktemp -d)
mkdir -p "$out"
trap 'kill ${gpid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
max=0; for r in $rates; do [ "$r" -gt "$max" ] && max=$r; done
"$sim" fleet create --count $((max * 8)) --seed 5 --out "$work/fleet" >/dev/null
cat > "$work/gateway.json" <<JSON
{ "quotas": { "connectsPerSecondPerAccount": 0 },
  "authorizers": [ { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true } ], "defaultAuthorizer": "device-jwt" }
JSON
"$sim" gateway --listen "127.0.0.1:$port" --data "$work/gw" --config "$work/gateway.json" --fleet "$work/fleet" --log-level warning > "$out/gateway.log" 2>&1 &
gpid=$!
for _ in $(seq 100); do grep -q "gateway listening" "$out/gateway.log" && break; sleep 0.2; done
gcpu() { awk '{print $14 + $15}' /proc/$gpid/stat; }
tick=$(getconf CLK_TCK)
echo "provider,rate,devices,successes,p50Ms,p99Ms,saturated,saturatedSeconds,cpuPercentMax,gatewayCpuSeconds" > "$out/sweep.csv"
for tls in auto sslstream; do
  for rate in $rates; do
    n=$((rate * 8))
    cat > "$work/p.json" <<JSON
{ "name": "sweep-$tls-$rate",
  "target": { "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": $port, "caFile": "$work/gw/tls/localhost/AmazonRootCA1.pem" },
  "fleet": { "count": $n, "directory": "$work/fleet" },
  "token": { "source": "device-jwt", "lifetimeSeconds": 3600 },
  "transport": { "kind": "wss-custom-auth", "tls": "$tls" },
  "device": { "publishIntervalSeconds": 3600, "qos": 1, "keepAliveSeconds": 300 },
  "phases": [ { "kind": "ramp", "to": $n, "rate": $rate }, { "kind": "hold", "seconds": 5 }, { "kind": "rampDown", "rate": 5000 } ] }
JSON
    g0=$(gcpu)
    "$sim" run --profile "$work/p.json" --results "$work/results" > "$work/run.log" 2>&1 || true
    g1=$(gcpu)
    summary=$(ls -td "$work/results"/*sweep-$tls-$rate*/ | head -1)/summary.json
    /usr/bin/python3 - "$summary" "$tls" "$rate" "$n" "$(( g1 - g0 ))" "$tick" >> "$out/sweep.csv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); tls, rate, n, g, tick = sys.argv[2:]
h = s["histograms"]["connect"]; gen = s["generator"]
print(f"{tls},{rate},{n},{s['successes']},{h['p50Ms']},{h['p99Ms']},{gen['saturated']},{gen['saturatedSeconds']},{gen['cpuPercentMax']},{int(g)/int(tick):.1f}")
PY
    sleep 2
  done
done
/usr/bin/python3 - "$out" <<'PY'
import csv, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/sweep.csv")))
lines = ["# Highest sustained WSS connect rate, per TLS provider (generator not saturated)", ""]
for tls in ("auto", "sslstream"):
    ok = [int(r["rate"]) for r in rows if r["provider"] == tls and r["saturated"] == "False"]
    bad = [int(r["rate"]) for r in rows if r["provider"] == tls and r["saturated"] == "True"]
    first_bad = min(bad) if bad else None
    sustained = max([r for r in ok if first_bad is None or r < first_bad], default=None)
    lines.append(f"- {'ours (default, OpenSSL)' if tls == 'auto' else 'ours on SslStream'}: {sustained}/s sustained" + (f", saturated from {first_bad}/s" if first_bad else ", never saturated in the sweep"))
lines += ["", "The gateway runs on the same cores; its CPU over each trial is the last column of sweep.csv.", ""]
open(f"{out}/summary.md", "w").write("\n".join(lines))
print("\n".join(lines))
PY
