#!/usr/bin/env bash
# Memory under reconnect churn: does RSS grow with every reconnect? The client and the gateway run
# in separate processes; the gateway cuts every session after a few seconds (the authorizer's
# disconnectAfterInSeconds), so devices reconnect all along. RSS of both is sampled with the
# gateway's count of accepted connects, and after a warm-up the slope of RSS against connects
# (KB per reconnect) is fitted by least squares. A leak shows as a steady positive slope.
# Usage: bench/run-soak-bench.sh [--devices 300] [--seconds 240] [--max-kb 2] [--bin DIR] [--client-bin DIR] [--port 18443]
#   --client-bin runs another build's client (say, an older commit) against this build's gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
devices=300 seconds=240 maxkb=2 bin="" clientbin="" port=18443 warm=60
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) devices=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --max-kb) maxkb=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --client-bin) clientbin=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --warm) warm=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  dotnet build simulator/Simulator -c Release --nologo -v q >/dev/null
  bin=simulator/Simulator/bin/Release/net10.0
fi
sim="$bin/simulator"
[ -x "$sim" ] || { echo "no simulator at $sim" >&2; exit 2; }
client="${clientbin:-$bin}/simulator"
[ -x "$client" ] || { echo "no simulator at $client" >&2; exit 2; }
# Builds older than the warm-up have no such key; the warm-up is off so every connect is in the window.
warmflag=(--set warmUp.devices=0)
grep -q "warmUp" "${clientbin:-$bin}/Simulator.Core.dll" || warmflag=()

ts=$(date -u +%Y%m%dT%H%M%SZ)
out="results/bench-soak-$ts"
work=$(mktemp -d)
mkdir -p "$out"
trap 'kill $gpid $rpid 2>/dev/null || true; rm -rf "$work"' EXIT

"$sim" fleet create --count "$devices" --seed 2 --out "$work/fleet" >/dev/null
sed "s/@PORT@/$port/; s|@WORK@|$work|g; s/@DEVICES@/$devices/g; s/@SECONDS@/$seconds/" bench/soak/soak-reconnect.json > "$work/profile.json"
"$sim" gateway --listen "127.0.0.1:$port" --data "$work/gw" --config bench/soak/gateway.json --fleet "$work/fleet" --log-level warning > "$out/gateway.log" 2>&1 &
gpid=$!
for _ in $(seq 100); do grep -q "gateway listening" "$out/gateway.log" && break; sleep 0.2; done
"$client" run --profile "$work/profile.json" "${warmflag[@]}" --results "$work/results" > "$out/run.log" 2>&1 &
rpid=$!

echo "t_s,connects,client_rss_kb,gateway_rss_kb" > "$out/samples.csv"
t0=$(date +%s)
while kill -0 $rpid 2>/dev/null; do
  c=$(curl -s --cacert "$work/gw/tls/localhost/AmazonRootCA1.pem" "https://localhost:$port/gateway/counters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connectsAccepted"])' 2>/dev/null || echo "")
  r=$(awk '/VmRSS/{print $2}' /proc/$rpid/status 2>/dev/null || echo "")
  g=$(awk '/VmRSS/{print $2}' /proc/$gpid/status 2>/dev/null || echo "")
  [ -n "$c" ] && [ -n "$r" ] && [ -n "$g" ] && echo "$(( $(date +%s) - t0 )),$c,$r,$g" >> "$out/samples.csv"
  sleep 5
done
wait $rpid && rc=0 || rc=$?
kill -TERM $gpid; wait $gpid || true
cp -r "$work/results"/* "$out/" 2>/dev/null || true

python3 bench/soak/fit.py "$out" "$warm" "$seconds" "$maxkb" "$rc" "$devices"
