#!/usr/bin/env bash
# The link model's cost on the client: CPU per connect and per publish with the model off
# ("none") and on ("lte-m"), side by side in one invocation, against one standalone gateway in its
# own process (so the client's CPU is the client's alone). Each mode runs twice: a connect run (a
# ramp and a short hold with no publishes) and a publish run (the same ramp, then a hold of QoS 1
# publishes); CPU per connect is the connect run's CPU over its connects, CPU per publish the
# publish run's extra CPU over its publishes. Client CPU is the process's user + system time.
# Usage: bench/run-link-bench.sh [--devices 2000] [--hold 60] [--publish 2] [--port 18643] [--bin DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
devices=2000 hold=60 publish=2 port=18643 bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) devices=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    --publish) publish=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  dotnet build simulator/Simulator -c Release --nologo -v q >/dev/null
  bin=simulator/Simulator/bin/Release/net10.0
fi
sim="$bin/simulator"
out="results/bench-link-$(date -u +%Y%m%dT%H%M%SZ)"
work=$(mktemp -d)
mkdir -p "$out"
gpid=""
trap 'kill $gpid 2>/dev/null || true; rm -rf "$work"' EXIT
"$sim" fleet create --count "$devices" --seed 3 --out "$work/fleet" >/dev/null
cat > "$work/gateway.json" <<'JSON'
{ "authorizers": [ { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true } ], "defaultAuthorizer": "device-jwt",
  "quotas": { "connectsPerSecondPerClientId": 0 } }
JSON
"$sim" gateway --listen "127.0.0.1:$port" --data "$work/gw" --config "$work/gateway.json" --fleet "$work/fleet" --log-level warning > "$out/gateway.log" 2>&1 &
gpid=$!
for _ in $(seq 100); do grep -q "gateway listening" "$out/gateway.log" && break; sleep 0.2; done

# One run: prints "cpu_seconds connects publishes".
one() {
  local name=$1 link=$2 holdfor=$3 every=$4
  sed "s/@PORT@/$port/; s|@WORK@|$work|g; s/@DEVICES@/$devices/g; s/@HOLD@/$holdfor/; s/@PUBLISH@/$every/; s/@LINK@/$link/" bench/link/link-cost.json > "$work/$name.json"
  /usr/bin/time -f "%U %S" -o "$work/$name.time" "$sim" run --profile "$work/$name.json" --results "$work/results-$name" > "$out/$name.log" 2>&1 || true
  local cpu
  cpu=$(awk '{print $1 + $2}' "$work/$name.time")
  /usr/bin/python3 - "$work/results-$name" "$cpu" <<'PY'
import glob, json, sys
s = json.load(open(glob.glob(sys.argv[1] + "/*/summary.json")[0]))
print(float(sys.argv[2]), s["successes"], s["publishes"])
PY
}

{
  echo "mode,run,cpu_s,connects,publishes"
  for mode in none lte-m; do
    read -r c1 n1 p1 < <(one "$mode-connect" "\"$mode\"" 5 3600)
    echo "$mode,connect,$c1,$n1,$p1"
    read -r c2 n2 p2 < <(one "$mode-publish" "\"$mode\"" "$hold" "$publish")
    echo "$mode,publish,$c2,$n2,$p2"
  done
} | tee "$out/runs.csv"

/usr/bin/python3 - "$out" <<'PY'
import csv, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/runs.csv")))
by = {(r["mode"], r["run"]): r for r in rows}
lines = ["# Link model cost on the client", "", "| link | CPU per connect | CPU per publish |", "|---|---:|---:|"]
cost = {}
for mode in ("none", "lte-m"):
    c, p = by[(mode, "connect")], by[(mode, "publish")]
    per_connect = float(c["cpu_s"]) / max(1, int(c["connects"])) * 1000
    extra = float(p["cpu_s"]) - float(c["cpu_s"]) * int(p["connects"]) / max(1, int(c["connects"]))
    per_publish = extra / max(1, int(p["publishes"]) - int(c["publishes"])) * 1e6
    cost[mode] = (per_connect, per_publish)
    lines.append(f"| {mode} | {per_connect:.2f} ms | {per_publish:.0f} µs |")
lines += ["", f"Ratios, model on against off: connect {cost['lte-m'][0] / cost['none'][0]:.2f}×, publish {cost['lte-m'][1] / cost['none'][1]:.2f}×.", ""]
open(f"{out}/summary.md", "w").write("\n".join(lines))
print("\n".join(lines))
PY
