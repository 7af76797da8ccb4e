#!/usr/bin/env bash
# Cost per connect, side by side in one run on this machine: our client (on each TLS provider), MQTT.js, MQTTnet and paho, each opening
# N devices over WSS with AWS custom-auth headers (device JWTs) against one standalone gateway at
# RATE/s and holding them, no publishes; plus OpenSSL's own floor (`openssl s_time -new`, a full
# TLS handshake with P-256 and nothing else). CPU per connect and RSS per device are slopes between
# a small and a large run of the same client, so start-up and baseline memory cancel. .NET's own
# floor runs the same way: a bare SslStream that only handshakes with the gateway and holds the
# idle connection (bench/peers/sslfloor); and libssl 3 driven bare with the same validation and
# released buffers (bench/peers/libsslfloor), the floor of our OpenSSL provider. Every client does full TLS handshakes: ours by default
# (transport.tlsResume is off), MQTT.js and s_time -new by nature, and the two .NET peers with
# .NET's process-wide session cache turned off, since it would let one device resume another's
# session. The gateway's
# CPU per connect is taken the same way. Writes results/bench-connect-<time>/summary.md and
# ratios.json; with --baseline DIR it then gates on that baseline's ratios (bench/connect-gate.py).
# Usage: bench/run-connect-bench.sh [--small 200] [--large 2000] [--rate 200] [--hold 15] [--pause 2] [--stime 10] [--port 18460] [--out DIR] [--baseline DIR]
# --pause: seconds between two clients' runs, so that the gateway has closed the last one's
# connections before the next is measured; 0 where only "does every client still connect" matters.
# --stime: seconds of `openssl s_time -new` for OpenSSL's floor.
set -euo pipefail
cd "$(dirname "$0")/.."
small=200 large=2000 rate=200 hold=15 pause=2 stime=10 port=18460 outdir="" baseline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --small) small=$2; shift 2 ;;
    --large) large=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    --pause) pause=$2; shift 2 ;;
    --stime) stime=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --out) outdir=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
dotnet build simulator/Simulator -c Release --nologo -v q >/dev/null
dotnet build bench/peers/mqttnet -c Release --nologo -v q >/dev/null
mqttnet=bench/peers/mqttnet/bin/Release/net10.0/mqttnet-peer
dotnet build bench/peers/sslfloor -c Release --nologo -v q >/dev/null
sslfloor=bench/peers/sslfloor/bin/Release/net10.0/sslstream-floor
dotnet build bench/peers/libsslfloor -c Release --nologo -v q >/dev/null
libsslfloor=bench/peers/libsslfloor/bin/Release/net10.0/libssl-floor
sim=simulator/Simulator/bin/Release/net10.0/simulator
peers=simulator/Simulator.Tests/peers/node_modules
paho=no
if /usr/bin/python3 -c "import paho.mqtt" 2>/dev/null; then paho=yes; else echo "paho-mqtt is not installed (apt-get install python3-paho-mqtt): its rows are left out" >&2; fi
[ -d "$peers/mqtt" ] || (cd simulator/Simulator.Tests/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

ts=$(date -u +%Y%m%dT%H%M%SZ)
out="${outdir:-results/bench-connect-$ts}"
work=$(mktemp -d)
mkdir -p "$out"
trap 'kill $gpid ${spid:-} 2>/dev/null || true; rm -rf "$work"' EXIT

"$sim" fleet create --count "$large" --seed 3 --out "$work/fleet" >/dev/null
cat > "$work/gateway.json" <<JSON
{ "quotas": { "connectsPerSecondPerAccount": 0 },
  "authorizers": [ { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true } ], "defaultAuthorizer": "device-jwt" }
JSON
"$sim" gateway --listen "127.0.0.1:$port" --data "$work/gw" --config "$work/gateway.json" --fleet "$work/fleet" --log-level warning > "$out/gateway.log" 2>&1 &
gpid=$!
for _ in $(seq 100); do grep -q "gateway listening" "$out/gateway.log" && break; sleep 0.2; done
ca="$work/gw/tls/localhost/AmazonRootCA1.pem"
gcpu() { awk '{print $14 + $15}' /proc/$gpid/stat; }   # clock ticks, user + system
tick=$(getconf CLK_TCK)

echo "client,devices,cpuSeconds,maxRssKb,gatewayCpuSeconds,connected,failed,p50Ms,p99Ms" > "$out/runs.csv"

# One peer's run: CPU and peak RSS by GNU time, the gateway's CPU over the same span, and the
# peer's one JSON line ({connected, failed, p50Ms, p99Ms}) as a row of runs.csv.
peer() {
  local name=$1 n=$2 g0 g1 u s m
  shift 2
  g0=$(gcpu)
  /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" > "$work/$name-$n.json" 2> "$work/$name-$n.err" || true
  g1=$(gcpu)
  read -r u s m < "$work/time"
  /usr/bin/python3 - "$work/$name-$n.json" "$name" "$n" "$u" "$s" "$m" "$(( g1 - g0 ))" "$tick" >> "$out/runs.csv" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); name, n, u, sy, m, g, tick = sys.argv[2:]
ms = lambda v: "" if v is None else f"{float(v):.1f}"
print(f"{name},{n},{float(u)+float(sy):.2f},{m},{int(g)/int(tick):.2f},{r['connected']},{r['failed']},{ms(r['p50Ms'])},{ms(r['p99Ms'])}")
PY
  sleep "$pause"
}
# Warm the gateway first (its JIT, pools and TLS path), so that the first client measured does not
# meet a colder target than the others: one throwaway run, not recorded.
"$sim" token --fleet "$work/fleet" --device 0 --count "$small" --ttl 3600 > "$work/tokens-warm.txt"
env NODE_PATH="$PWD/$peers" node bench/peers/mqttjs/connect.js "$work/tokens-warm.txt" "$port" "$ca" "$rate" 1 > /dev/null 2>&1 || true
sleep "$pause"
for n in "$small" "$large"; do
  "$sim" token --fleet "$work/fleet" --device 0 --count "$n" --ttl 3600 > "$work/tokens-$n.txt"

  # Ours: the simulator's run verb, the same schedule, no publishes; once on each TLS provider
  # ("ours" is the default, OpenSSL where libssl 3 loads; "ours-sslstream" is .NET's SslStream),
  # and once on MQTT 5 ("ours-mqtt5": the default provider, device.mqttVersion 5).
  rm -rf "$work/fleet-$n"; "$sim" fleet create --count "$n" --seed 3 --out "$work/fleet-$n" >/dev/null
  for variant in auto sslstream mqtt5; do
    tls=$variant mqtt=4 row="ours-$variant"
    [ "$variant" = auto ] && row=ours
    [ "$variant" = mqtt5 ] && tls=auto mqtt=5
    cat > "$work/$row-$n.json" <<JSON
{ "name": "bench-connect-$row-$n",
  "target": { "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": $port, "caFile": "$ca" },
  "fleet": { "count": $n, "directory": "$work/fleet-$n" },
  "token": { "source": "device-jwt", "lifetimeSeconds": 3600 },
  "transport": { "kind": "wss-custom-auth", "tls": "$tls" },
  "device": { "publishIntervalSeconds": 3600, "qos": 1, "keepAliveSeconds": 300, "mqttVersion": $mqtt },
  "warmUp": { "devices": 0 },
  "phases": [ { "kind": "ramp", "to": $n, "rate": $rate }, { "kind": "hold", "seconds": $hold }, { "kind": "rampDown", "rate": 5000 } ] }
JSON
    g0=$(gcpu)
    /usr/bin/time -f "%U %S %M" -o "$work/time" "$sim" run --profile "$work/$row-$n.json" --results "$work/results" > "$work/$row-$n.log" 2>&1 || true
    g1=$(gcpu)
    read -r u s m < "$work/time"
    grep -m1 "^run '" "$work/$row-$n.log" >> "$out/providers.txt" || true
    summary=$(ls -td "$work/results"/*bench-connect-$row-$n*/ | head -1)/summary.json
    /usr/bin/python3 - "$summary" "$row" "$n" "$u" "$s" "$m" "$(( g1 - g0 ))" "$tick" >> "$out/runs.csv" <<'PY2'
import json, sys
s = json.load(open(sys.argv[1])); row, n, u, sy, m, g, tick = sys.argv[2:]
h = s["histograms"]["connect"]
print(f"{row},{n},{float(u)+float(sy):.2f},{m},{int(g)/int(tick):.2f},{s['successes']},{s['attempts']-s['successes']},{h['p50Ms']},{h['p99Ms']}")
PY2
    sleep "$pause"
  done

  # The peers, with the same devices, tokens and schedule. MQTT.js as the AWS SDK v1 runs it;
  # MQTTnet 5.2, the .NET library the design names; .NET's TLS floor, a bare handshake against
  # the same gateway and certificate.
  peer mqtt.js "$n" env NODE_PATH="$PWD/$peers" node bench/peers/mqttjs/connect.js "$work/tokens-$n.txt" "$port" "$ca" "$rate" "$hold"
  peer mqttnet "$n" env DOTNET_SYSTEM_NET_SECURITY_DISABLETLSRESUME=1 "$mqttnet" "$work/tokens-$n.txt" "$port" "$ca" "$rate" "$hold"
  peer sslstream-floor "$n" env DOTNET_SYSTEM_NET_SECURITY_DISABLETLSRESUME=1 "$sslfloor" "$port" "$ca" "$n" "$rate" "$hold"
  peer libssl-floor "$n" "$libsslfloor" "$port" "$ca" "$n" "$rate" "$hold"
  # paho-mqtt, Debian's, under the system Python (a thread per client, as Locust runs it).
  if [ "$paho" = yes ]; then
    peer paho "$n" /usr/bin/python3 bench/peers/paho/connect.py "$work/tokens-$n.txt" "$port" "$ca" "$rate" "$hold"
  fi
done

# OpenSSL's floor: full TLS 1.3 handshakes with a P-256 certificate, no MQTT, no WebSocket.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/s.key" -out "$work/s.crt" -subj /CN=localhost -days 1 2>/dev/null
sport=$((port + 1))
openssl s_server -accept "127.0.0.1:$sport" -key "$work/s.key" -cert "$work/s.crt" -quiet -naccept 1000000 > /dev/null 2>&1 &
spid=$!
sleep 1
openssl s_time -connect "127.0.0.1:$sport" -new -time "$stime" > "$out/openssl-s_time.txt" 2>&1 || true
kill $spid 2>/dev/null || true

/usr/bin/python3 - "$out" "$small" "$large" "$(nproc)" <<'PY'
import csv, re, sys
out, small, large, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = {(r["client"], int(r["devices"])): r for r in csv.DictReader(open(f"{out}/runs.csv"))}
text = open(f"{out}/openssl-s_time.txt").read()
m = re.search(r"([0-9.]+) connections/user sec", text)
floor = 1000 / float(m.group(1)) if m else float("nan")
lines = [f"# Connect cost, one run on this machine ({cores} cores), {small} and {large} devices over WSS with custom-auth headers", "",
         "| client | CPU ms per connect | RSS KB per device | gateway CPU ms per connect | connected (large run) | failed | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
cost = {}
for client in ("ours", "ours-sslstream", "ours-mqtt5", "mqtt.js", "mqttnet", "paho", "sslstream-floor", "libssl-floor"):
    if (client, large) not in rows:
        continue  # paho, when not installed
    a, b = rows[(client, small)], rows[(client, large)]
    d = large - small
    cpu = (float(b["cpuSeconds"]) - float(a["cpuSeconds"])) * 1000 / d
    rss = (float(b["maxRssKb"]) - float(a["maxRssKb"])) / d
    gw = (float(b["gatewayCpuSeconds"]) - float(a["gatewayCpuSeconds"])) * 1000 / d
    cost[client] = (cpu, rss, b["p50Ms"])
    lines.append(f"| {client} | {cpu:.2f} | {rss:.1f} | {gw:.2f} | {b['connected']} of {large} | {b['failed']} | {b['p50Ms']} | {b['p99Ms']} |")
lines.append(f"| OpenSSL floor (`s_time -new`, full TLS 1.3 handshake, P-256) | {floor:.2f} | | | | | | |")
def ratio(a, b):
    return a / b if b > 0 else float("nan")  # a tiny run's slope can be 0: no ratio then
# A peer that did not connect every device is no yardstick: its slope counts devices it never held.
peers = [c for c in ("mqtt.js", "mqttnet", "paho") if (c, large) in rows and int(rows[(c, large)]["connected"]) == large]
peers = peers or [c for c in ("mqtt.js", "mqttnet", "paho") if c in cost]
if "paho" in cost and "paho" not in peers:
    lines.append(f"| | paho connected {rows[('paho', large)]['connected']} of {large}: left out of the best-peer ratios | | | | | | |")
best_cpu = min(peers, key=lambda c: cost[c][0])
best_rss = min(peers, key=lambda c: cost[c][1])
ratios = {
    "cpuPerConnectVsBestPeer": ratio(cost["ours"][0], cost[best_cpu][0]),
    "rssPerDeviceVsBestPeer": ratio(cost["ours"][1], cost[best_rss][1]),
    "cpuPerConnectVsOpenSsl": ratio(cost["ours"][0], floor),
    "cpuPerConnectVsSslStream": ratio(cost["ours"][0], cost["sslstream-floor"][0]),
    "rssPerDeviceVsSslStream": ratio(cost["ours"][1], cost["sslstream-floor"][1]),
    "sslStreamProviderCpuVsBestPeer": ratio(cost["ours-sslstream"][0], cost[best_cpu][0]),
    "sslStreamProviderCpuVsSslStream": ratio(cost["ours-sslstream"][0], cost["sslstream-floor"][0]),
    "sslStreamProviderRssVsBestPeer": ratio(cost["ours-sslstream"][1], cost[best_rss][1]),
    "p50VsBestPeer": ratio(float(cost["ours"][2]), min(float(cost[c][2]) for c in peers)),
    "mqtt5CpuVsOurs": ratio(cost["ours-mqtt5"][0], cost["ours"][0]),
    "mqtt5RssVsOurs": ratio(cost["ours-mqtt5"][1], cost["ours"][1]),
    "libSslVsSslStreamCpu": ratio(cost["libssl-floor"][0], cost["sslstream-floor"][0]),
    "libSslVsSslStreamRss": ratio(cost["libssl-floor"][1], cost["sslstream-floor"][1]),
    "bestCpuPeer": best_cpu,
    "bestRssPeer": best_rss,
    "devices": [small, large],
}
lines += ["", f"Ratios (same run): our CPU per connect = {ratios['cpuPerConnectVsBestPeer']:.2f}x the best peer's ({best_cpu}), "
          + "".join(f"{ratio(cost['ours'][0], cost[c][0]):.2f}x {c}'s, " for c in cost if c not in ("ours", "ours-sslstream", "ours-mqtt5", "sslstream-floor", "libssl-floor")) + f"and {ratios['cpuPerConnectVsOpenSsl']:.2f}x OpenSSL's floor; "
          f"our RSS per device = {ratios['rssPerDeviceVsBestPeer']:.2f}x the best peer's ({best_rss}), " + ", ".join(f"{ratio(cost['ours'][1], cost[c][1]):.2f}x {c}'s" for c in cost if c not in ("ours", "ours-sslstream", "ours-mqtt5", "sslstream-floor", "libssl-floor")) + ".",
          f"Our client on MQTT 5 (ours-mqtt5: properties in CONNECT and CONNACK): {ratios['mqtt5CpuVsOurs']:.2f}x our 3.1.1 CPU per connect, {ratios['mqtt5RssVsOurs']:.2f}x our 3.1.1 RSS per device.",
          f"Against .NET's own floor (a bare SslStream handshake with the same gateway): our CPU per connect = {ratios['cpuPerConnectVsSslStream']:.2f}x, our RSS per device = {ratios['rssPerDeviceVsSslStream']:.2f}x.",
          f"Our client on SslStream (ours-sslstream): {ratios['sslStreamProviderCpuVsBestPeer']:.2f}x the best peer's CPU per connect, {ratios['sslStreamProviderCpuVsSslStream']:.2f}x the SslStream floor's, {ratios['sslStreamProviderRssVsBestPeer']:.2f}x the best peer's RSS per device.",
          "Targets for the default client: "
          + f"CPU <= 0.5x the best peer ({ratios['cpuPerConnectVsBestPeer']:.2f}x, {'met' if ratios['cpuPerConnectVsBestPeer'] <= 0.5 else 'not met'}), "
          + f"<= 0.8x the SslStream floor ({ratios['cpuPerConnectVsSslStream']:.2f}x, {'met' if ratios['cpuPerConnectVsSslStream'] <= 0.8 else 'not met'}), "
          + f"moonshot <= 2.5x s_time -new ({ratios['cpuPerConnectVsOpenSsl']:.2f}x, {'met' if ratios['cpuPerConnectVsOpenSsl'] <= 2.5 else 'not met'}); "
          + f"RSS <= 0.5x the best peer ({ratios['rssPerDeviceVsBestPeer']:.2f}x, {'met' if ratios['rssPerDeviceVsBestPeer'] <= 0.5 else 'not met'}; moonshot 0.35x); "
          + f"connect p50 no worse than the best peer's ({ratios['p50VsBestPeer']:.2f}x, {'met' if ratios['p50VsBestPeer'] <= 1.0 else 'not met'}).",
          f"libssl driven bare (the libssl-floor prototype, same validation, released buffers): {ratios['libSslVsSslStreamCpu']:.2f}x the SslStream floor's CPU per handshake and {ratios['libSslVsSslStreamRss']:.2f}x its RSS per idle connection.",
          "CPU is the process's user + system time (GNU time), RSS its peak; both include TLS. The machine is shared and noisy: compare ratios, and rerun before believing a change under 10 %."]
import json
json.dump(ratios, open(f"{out}/ratios.json", "w"), indent=2)
open(f"{out}/summary.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
if [ -n "$baseline" ]; then
  /usr/bin/python3 bench/connect-gate.py "$baseline" "$out"
fi
