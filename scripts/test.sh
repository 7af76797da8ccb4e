#!/usr/bin/env bash
# The README's test command. On a fresh Debian machine it installs the real peers the tests
# talk to (mosquitto, openssl, PyJWT, paho-mqtt, Node packages), runs the xunit suite and the benchmarks'
# dry job, and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need_apt+=(mosquitto-clients)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
/usr/bin/python3 -c 'import jwt, cryptography' >/dev/null 2>&1 || need_apt+=(python3-jwt python3-cryptography)
/usr/bin/python3 -c 'import paho.mqtt' >/dev/null 2>&1 || need_apt+=(python3-paho-mqtt)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need_apt[@]}" >/dev/null || { echo "apt-get install failed"; echo "0 passed, 1 failed"; exit 1; }
fi

echo "installing Node test peers and report assets"
(cd simulator/Simulator.Tests/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
(cd report-assets && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "npm ci (report assets) failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
log=$(mktemp)
# Release: allocation tests count bytes, and Debug builds box every async state machine.
dotnet test Simulator.sln -c Release --nologo 2>&1 | tee "$log"
line=$(grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+' "$log" | tail -1)
if [ -n "$line" ]; then
  f=$(echo "$line" | sed -E 's/.*Failed: +([0-9]+),.*/\1/')
  p=$(echo "$line" | sed -E 's/.*Passed: +([0-9]+),.*/\1/')
  passed=$((passed + p)); failed=$((failed + f))
else
  echo "dotnet test produced no summary (build error?)"
  failed=$((failed + 1))
fi

# Benchmarks run in BenchmarkDotNet's dry job only: proof that they still build and run.
echo "benchmarks: dry job"
if dotnet run -c Release --project bench/Simulator.Benchmarks -- --job Dry --filter '*' --artifacts "$(mktemp -d)" >"$log" 2>&1 \
   && ! grep -qE 'benchmark(s)? (has|have) failed|\[ERROR\]|Exception' "$log"; then
  passed=$((passed + 1)); echo "benchmarks dry job: ok"
else
  failed=$((failed + 1)); echo "benchmarks dry job: FAILED"; tail -40 "$log"
fi
# The connect bench at a tiny size, so that it cannot rot: our client on both TLS providers and on MQTT 5, the three peers, .NET's TLS floor and the bare libssl floor must connect every device.
echo "connect bench: short run"
benchout=$(mktemp -d)
if bash bench/run-connect-bench.sh --small 10 --large 30 --hold 1 --port 18490 --out "$benchout" >"$log" 2>&1 \
   && [ "$(grep -c '| 30 of 30 | 0 |' "$log")" -eq 8 ]; then
  passed=$((passed + 1)); echo "connect bench short run: ok"
else
  failed=$((failed + 1)); echo "connect bench short run: FAILED"; tail -40 "$log"
fi
rm -rf "$benchout"
# The connect bench's gate must pass a run equal to its baseline, and fail one that got worse.
echo "connect gate"
gate=$(mktemp -d)
# The baseline the gate holds the client to: the newest bench of both TLS providers.
base=results/baselines/connect-tls-providers-2026-12-01
mkdir -p "$gate/worse" "$gate/other"
python3 - "$base/ratios.json" "$gate" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
json.dump(dict(r, cpuPerConnectVsSslStream=r["cpuPerConnectVsSslStream"] * 1.3), open(f"{sys.argv[2]}/worse/ratios.json", "w"))
json.dump(dict(r, devices=[1, 2]), open(f"{sys.argv[2]}/other/ratios.json", "w"))
PY
python3 bench/connect-gate.py "$base" "$base" >"$log" 2>&1; same=$?
python3 bench/connect-gate.py "$base" "$gate/worse" >>"$log" 2>&1; worse=$?
python3 bench/connect-gate.py "$base" "$gate/other" >>"$log" 2>&1; other=$?
if [ "$same$worse$other" = "012" ] && grep -q "REGRESSED .*CPU per connect" "$log"; then
  passed=$((passed + 1)); echo "connect gate: ok"
else
  failed=$((failed + 1)); echo "connect gate: FAILED (exits $same $worse $other, want 0 1 2)"; cat "$log"
fi
rm -rf "$gate"
rm -f "$log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
