#!/usr/bin/env bash
# Memory under reconnect churn: does RSS grow with every reconnect? The client and the gateway run
# in separate processes; the gateway cuts every session after a few seconds (the authorizer's
# disconnectAfterInSeconds), so devices reconnect all along. RSS of both is sampled with the
# gateway's count of accepted connects, and after a warm-up the slope of RSS against connects
# (KB per reconnect) is fitted by least squares. A leak shows as a steady positive slope.
# --shape one-process runs client and embedded gateway in one process instead (the authorizer cuts
# the sessions); RSS and connects then come from the run's own per-second rows.
# Besides the slope over the whole hold, the last --window seconds are fitted alone (RSS growth over
# that window, in % of its start) and the live heap is read with dotnet-gcdump at the window's start
# and end, when the tool is installed.
# Usage: bench/run-soak-bench.sh [--shape separate|one-process] [--devices 300] [--seconds 240]
#          [--cut-after 6] [--publish 5] [--window SECONDS] [--max-kb 2] [--max-growth 5]
#          [--bin DIR] [--client-bin DIR] [--port 18443]
#   --client-bin runs another build's client (say, an older commit) against this build's gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
shape=separate devices=300 seconds=240 cutafter=6 publish=5 window="" maxkb=2 maxgrowth=5 bin="" clientbin="" port=18443 warm=60
while [ $# -gt 0 ]; do
  case "$1" in
    --shape) shape=$2; shift 2 ;;
    --cut-after) cutafter=$2; shift 2 ;;
    --publish) publish=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --max-growth) maxgrowth=$2; shift 2 ;;
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
case "$shape" in separate|one-process) ;; *) echo "--shape is separate or one-process" >&2; exit 2 ;; esac
[ -n "$window" ] || window=$(( seconds / 2 ))
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
out="results/bench-soak-$shape-$ts"
work=$(mktemp -d)
mkdir -p "$out"
gpid="" rpid=""
trap 'kill $gpid $rpid 2>/dev/null || true; rm -rf "$work"' EXIT
gcdump=$(command -v dotnet-gcdump || echo "$HOME/.dotnet/tools/dotnet-gcdump")
[ -x "$gcdump" ] || gcdump=""

# The live heap of each process (after the full collection dotnet-gcdump induces), into gcdump.csv.
live_heap() {
  local t=$1 name=$2 pid=$3 bytes
  [ -n "$gcdump" ] || return 0
  bytes=$(timeout 120 "$gcdump" report -p "$pid" 2>/dev/null | awk '/GC Heap bytes/{gsub(",","",$1); print $1}')
  [ -n "$bytes" ] && echo "$t,$name,$bytes" >> "$out/gcdump.csv"
}
echo "t_s,process,live_heap_bytes" > "$out/gcdump.csv"
heap_at=( $(( seconds - window + 5 )) $(( seconds - 25 )) )

if [ "$shape" = separate ]; then
  "$sim" fleet create --count "$devices" --seed 2 --out "$work/fleet" >/dev/null
  sed "s/@PORT@/$port/; s|@WORK@|$work|g; s/@DEVICES@/$devices/g; s/@SECONDS@/$seconds/" bench/soak/soak-reconnect.json > "$work/profile.json"
  sed "s/\"disconnectAfterInSeconds\": 6/\"disconnectAfterInSeconds\": $cutafter/" bench/soak/gateway.json > "$work/gateway.json"
  sed -i "s/\"publishIntervalSeconds\": 5/\"publishIntervalSeconds\": $publish/" "$work/profile.json"
  "$sim" gateway --listen "127.0.0.1:$port" --data "$work/gw" --config "$work/gateway.json" --fleet "$work/fleet" --log-level warning > "$out/gateway.log" 2>&1 &
  gpid=$!
  for _ in $(seq 100); do grep -q "gateway listening" "$out/gateway.log" && break; sleep 0.2; done
else
  sed "s/@DEVICES@/$devices/g; s/@SECONDS@/$seconds/; s/@SESSION@/$cutafter/; s/@PUBLISH@/$publish/" bench/soak/soak-one-process.json > "$work/profile.json"
fi
"$client" run --profile "$work/profile.json" "${warmflag[@]}" --results "$work/results" > "$out/run.log" 2>&1 &
rpid=$!
cp "$work/profile.json" "$out/profile.json"

echo "t_s,connects,client_rss_kb,gateway_rss_kb" > "$out/samples.csv"
t0=$(date +%s)
next=0
while kill -0 $rpid 2>/dev/null; do
  t=$(( $(date +%s) - t0 ))
  if [ "$shape" = separate ]; then
    c=$(curl -s --cacert "$work/gw/tls/localhost/AmazonRootCA1.pem" "https://localhost:$port/gateway/counters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connectsAccepted"])' 2>/dev/null || echo "")
    r=$(awk '/VmRSS/{print $2}' /proc/$rpid/status 2>/dev/null || echo "")
    g=$(awk '/VmRSS/{print $2}' /proc/$gpid/status 2>/dev/null || echo "")
    [ -n "$c" ] && [ -n "$r" ] && [ -n "$g" ] && echo "$t,$c,$r,$g" >> "$out/samples.csv"
  fi
  if [ $next -lt ${#heap_at[@]} ] && [ "$t" -ge "${heap_at[$next]}" ]; then
    live_heap "$t" client "$rpid"
    [ -n "$gpid" ] && live_heap "$t" gateway "$gpid"
    next=$(( next + 1 ))
  fi
  sleep 5
done
wait $rpid && rc=0 || rc=$?
[ -n "$gpid" ] && { kill -TERM $gpid; wait $gpid || true; }
cp -r "$work/results"/* "$out/" 2>/dev/null || true

if [ "$shape" = one-process ]; then
  # One process: its per-second rows hold both the cumulative connects and the working set (RSS).
  python3 - "$out" <<'PY'
import csv, glob, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(glob.glob(f"{out}/*/timeseries.csv")[0])))
with open(f"{out}/samples.csv", "w") as f:
    f.write("t_s,connects,client_rss_kb\n")
    total = 0
    for r in rows:
        total += int(r["connectsOk"])
        f.write(f"{r['second']},{total},{int(float(r['workingSetMB']) * 1024)}\n")
PY
fi

python3 bench/soak/fit.py "$out" "$warm" "$seconds" "$maxkb" "$rc" "$devices" "$window" "$maxgrowth" "$shape" "$cutafter"
