#!/usr/bin/env bash
# Two builds of the simulator side by side in one run on this machine: the same fleet, gateway and
# profiles, the builds alternating round after round, so that a change's cost shows as a ratio
# (these machines are noisy; one build after the other would measure the machine's drift).
# Two measurements, each a slope between a small and a large run so start-up cancels:
#   connect: WSS with custom-auth headers and device JWTs, full handshakes, the devices held idle
#            (as bench/run-connect-bench.sh runs "ours"): CPU ms per connect and RSS KB per device;
#   publish: the same devices publishing their telemetry every PUBLISH_S seconds and getting each
#            message back on their own subscription: CPU µs per message.
# Usage: bench/run-build-ab.sh A_SIMULATOR B_SIMULATOR [--small 200] [--large 1000] [--rate 200]
#        [--hold 15] [--publish 0.5] [--rounds 2] [--port 18470] [--out DIR] [--gateway SIMULATOR]
# A and B are paths to `simulator` executables (e.g. a worktree of the previous commit, built), or
# scripts that run one with other settings (environment variables: a runtime knob's sweep). The
# gateway both meet is --gateway's, B's by default.
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1 b=$2; shift 2
small=200 large=1000 rate=200 hold=15 publish=0.5 rounds=2 port=18470 outdir="" gateway=""
while [ $# -gt 0 ]; do
  case "$1" in
    --small) small=$2; shift 2 ;;
    --large) large=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    --publish) publish=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --out) outdir=$2; shift 2 ;;
    --gateway) gateway=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
ts=$(date -u +%Y%m%dT%H%M%SZ)
out="${outdir:-results/bench-build-ab-$ts}"
work=$(mktemp -d)
mkdir -p "$out"
trap 'kill $gpid 2>/dev/null || true; rm -rf "$work"' EXIT

"$b" fleet create --count "$large" --seed 3 --out "$work/fleet" >/dev/null
cat > "$work/gateway.json" <<JSON
{ "quotas": { "connectsPerSecondPerAccount": 0, "inboundPublishesPerSecondPerAccount": 0, "outboundPublishesPerSecondPerAccount": 0 },
  "authorizers": [ { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true } ], "defaultAuthorizer": "device-jwt" }
JSON
# One gateway, the same target for both builds.
"${gateway:-$b}" gateway --listen "127.0.0.1:$port" --data "$work/gw" --config "$work/gateway.json" --fleet "$work/fleet" --log-level warning > "$out/gateway.log" 2>&1 &
gpid=$!
for _ in $(seq 100); do grep -q "gateway listening" "$out/gateway.log" && break; sleep 0.2; done
ca="$work/gw/tls/localhost/AmazonRootCA1.pem"

echo "round,build,kind,devices,cpuSeconds,maxRssKb,successes,publishes,ownBack" > "$out/runs.csv"
for round in $(seq "$rounds"); do
  for kind in connect publish; do
    for n in "$small" "$large"; do
      for build in A B; do
        sim=$a; [ "$build" = B ] && sim=$b
        interval=3600; [ "$kind" = publish ] && interval=$publish
        rm -rf "$work/fleet-$n"; "$b" fleet create --count "$n" --seed 3 --out "$work/fleet-$n" >/dev/null
        cat > "$work/p.json" <<JSON
{ "name": "ab-$kind-$build-$n-$round",
  "target": { "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": $port, "caFile": "$ca" },
  "fleet": { "count": $n, "directory": "$work/fleet-$n" },
  "token": { "source": "device-jwt", "lifetimeSeconds": 3600 },
  "transport": { "kind": "wss-custom-auth" },
  "device": { "publishIntervalSeconds": $interval, "qos": 1, "keepAliveSeconds": 300 },
  "warmUp": { "devices": 0 },
  "phases": [ { "kind": "ramp", "to": $n, "rate": $rate }, { "kind": "hold", "seconds": $hold }, { "kind": "rampDown", "rate": 5000 } ] }
JSON
        /usr/bin/time -f "%U %S %M" -o "$work/time" "$sim" run --profile "$work/p.json" --results "$work/results" > "$work/run.log" 2>&1 || true
        read -r u s m < "$work/time"
        summary=$(ls -td "$work/results"/*ab-$kind-$build-$n-$round*/ | head -1)/summary.json
        /usr/bin/python3 - "$summary" "$round" "$build" "$kind" "$n" "$u" "$s" "$m" >> "$out/runs.csv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); rnd, build, kind, n, u, sy, m = sys.argv[2:]
print(f"{rnd},{build},{kind},{n},{float(u)+float(sy):.2f},{m},{s['successes']},{s['publishes']},{s['received']}")
PY
        sleep 2
      done
    done
  done
done

/usr/bin/python3 - "$out" "$small" "$large" "$a" "$b" "$(nproc)" <<'PY'
import csv, sys, statistics
out, small, large, a, b, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
rows = list(csv.DictReader(open(f"{out}/runs.csv")))
def get(rnd, build, kind, n):
    return next(r for r in rows if r["round"] == rnd and r["build"] == build and r["kind"] == kind and int(r["devices"]) == n)
lines = [f"# Two builds side by side ({cores} cores): A = `{a}`, B = `{b}`", "",
         "| round | build | CPU ms per connect | RSS KB per device | CPU µs per message (publish + its message back) | messages (large run) |", "|---|---|---:|---:|---:|---:|"]
per = {"A": [], "B": []}
for rnd in sorted({r["round"] for r in rows}):
    for build in ("A", "B"):
        cs, cl = get(rnd, build, "connect", small), get(rnd, build, "connect", large)
        ps, pl = get(rnd, build, "publish", small), get(rnd, build, "publish", large)
        cpu = (float(cl["cpuSeconds"]) - float(cs["cpuSeconds"])) * 1000 / (large - small)
        rss = (float(cl["maxRssKb"]) - float(cs["maxRssKb"])) / (large - small)
        msgs = int(pl["publishes"]) - int(ps["publishes"])
        # The publish runs' extra CPU over the connect runs of the same size is the messages' cost.
        pub = ((float(pl["cpuSeconds"]) - float(cl["cpuSeconds"])) - (float(ps["cpuSeconds"]) - float(cs["cpuSeconds"]))) * 1e6 / msgs if msgs > 0 else float("nan")
        per[build].append((cpu, rss, pub))
        lines.append(f"| {rnd} | {build} | {cpu:.2f} | {rss:.1f} | {pub:.1f} | {pl['publishes']} |")
med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in per.items()}
lines += ["", f"Medians over the rounds, B / A: CPU per connect {med['B'][0] / med['A'][0]:.2f}x, RSS per device {med['B'][1] / med['A'][1]:.2f}x, CPU per message {med['B'][2] / med['A'][2]:.2f}x."]
open(f"{out}/summary.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
