#!/usr/bin/env bash
# The README's test command.
#
#   bash scripts/test.sh          the fast tier: every behaviour, scaled down (what CI runs)
#   bash scripts/test.sh --full   adds the full-scale runs, memory and soak checks (what a release runs)
#
# On a minimal Debian with only the .NET SDK it installs the real peers the tests talk to
# (mosquitto, OpenSSL, PyJWT, paho-mqtt, Chromium, iproute2, procps, Node packages), runs the xunit
# suite, the connect bench's gate, the package check, and ends with one line: "N passed, N failed".
# --full adds the full-scale tests, the benchmarks' dry job and the connect bench at a tiny size.
#
# The counts come from the test runner's own results (TRX), never from console text: the run
# fails when the test host crashed or hung (the test that was running is named), when fewer tests
# executed than were discovered, or when fewer were discovered than the floor in scripts/test-floor.
set -uo pipefail
cd "$(dirname "$0")/.."

tier=fast
case "${1:-}" in
  "") ;;
  --full) tier=full ;;
  *) echo "usage: bash scripts/test.sh [--full]" >&2; exit 2 ;;
esac

passed=0
failed=0
fail_now() { echo "$1"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
# The tests and the bench scripts use Debian's python3 (it has PyJWT and paho-mqtt); a pyenv one
# earlier on PATH has neither.
py=/usr/bin/python3

# --- Debian packages: each tool a test runs, by the path the test runs it from.
need_apt=()
[ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need_apt+=(mosquitto-clients)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
[ -x "$py" ] && "$py" -c 'import jwt, cryptography' >/dev/null 2>&1 || need_apt+=(python3 python3-jwt python3-cryptography)
[ -x "$py" ] && "$py" -c 'import paho.mqtt' >/dev/null 2>&1 || need_apt+=(python3-paho-mqtt)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -x /usr/bin/time ] || need_apt+=(time)
{ command -v ip && command -v tc; } >/dev/null 2>&1 || need_apt+=(iproute2)   # namespace, veth and tbf tests
{ command -v kill && command -v pgrep; } >/dev/null 2>&1 || need_apt+=(procps) # signal tests
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq >/dev/null && apt-get install -y -qq "${need_apt[@]}" >/dev/null; } || fail_now "apt-get install ${need_apt[*]} failed"
fi
# What the signal tests rely on to make SIGINT deliverable to their child (coreutils 8.31+).
env --default-signal=INT true 2>/dev/null || fail_now "env --default-signal is missing (coreutils too old)"

# --- Node packages: installed again only when the lock file changed, from npm's cache first.
npm_install() {
  local dir=$1 stamp
  stamp="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1) $(node --version)"
  if [ -f "$dir/node_modules/.installed-from" ] && [ "$(cat "$dir/node_modules/.installed-from")" = "$stamp" ]; then
    echo "node packages in $dir: up to date"
    return 0
  fi
  echo "installing node packages in $dir"
  (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null) || return 1
  echo "$stamp" > "$dir/node_modules/.installed-from"
}
npm_install simulator/Simulator.Tests/peers || fail_now "npm ci (test peers) failed"
npm_install report-assets || fail_now "npm ci (report assets) failed"

# --- The xunit suite, counted from its TRX.
trx_dir=$(mktemp -d)
log=$(mktemp)
filter=()
[ "$tier" = fast ] && filter=(--filter "Tier!=Full")
echo "xunit: the $tier tier"
# Release: allocation tests count bytes, and Debug builds box every async state machine.
# --blame-crash names the test that took the host down; --blame-hang-timeout ends a test that
# hangs (no test here takes a fifth of it) and names it, so a hang costs minutes, not CI's limit.
timeout --kill-after=30s 40m dotnet test Simulator.sln -c Release --nologo "${filter[@]}" \
  --logger "trx;LogFileName=tests.trx" --results-directory "$trx_dir" \
  --blame-crash --blame-crash-dump-type mini --blame-hang-timeout 6m --blame-hang-dump-type none \
  2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

floor=$(awk -v t="$tier" '$1 == t { print $2 }' scripts/test-floor)
counts=$("$py" - "$trx_dir" "$rc" "${floor:-0}" "$tier" "$log" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
from datetime import datetime

trx_dir, rc, floor, tier, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
problems = []
# The runner says so when the host died or a test hung past the blame timeout, whatever the TRX counted.
with open(log, errors="replace") as f:
    said = f.read()
for sign in ("Test host process crashed", "Test Run Aborted", "The active test run was aborted", "hang timeout"):
    if sign in said:
        problems.append(f"the runner reported: {sign}")
        break
files = sorted(glob.glob(os.path.join(trx_dir, "**", "*.trx"), recursive=True))
passed = failed = 0
if not files:
    problems.append("no TRX was written: the build failed or the test host never started")
for f in files:
    root = ET.parse(f).getroot()
    summary = root.find("t:ResultSummary", ns)
    c = summary.find("t:Counters", ns).attrib
    total, executed = int(c["total"]), int(c["executed"])
    passed += int(c["passed"])
    failed += int(c["failed"]) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    outcome = summary.attrib.get("outcome")
    times = root.find("t:Times", ns).attrib

    def t(s):
        return datetime.fromisoformat(s[:26] + s[-6:] if len(s) > 32 else s)

    secs = (t(times["finish"]) - t(times["start"])).total_seconds()
    results = []
    for r in root.iter("{%s}UnitTestResult" % ns["t"]):
        d = r.attrib.get("duration", "00:00:00")
        h, m, s = d.split(":")
        results.append((int(h) * 3600 + int(m) * 60 + float(s), r.attrib["testName"], r.attrib.get("outcome")))
    results.sort(reverse=True)
    print(f"TRX: outcome {outcome}, total {total}, executed {executed}, passed {c['passed']}, failed {c['failed']}, "
          f"not executed {c.get('notExecuted', 0)}; test time {secs / 60:.1f} min (floor for the {tier} tier: {floor})", file=sys.stderr)
    print("slowest ten:", file=sys.stderr)
    for d, name, o in results[:10]:
        print(f"  {d:7.1f} s  {name}", file=sys.stderr)
    for d, name, o in results:
        if o not in ("Passed",):
            print(f"  {o}: {name}", file=sys.stderr)
    if not (outcome == "Completed" or (outcome == "Failed" and int(c["failed"]) > 0)):
        problems.append(f"the test run's outcome is {outcome}, not Completed")
    if executed != total:
        problems.append(f"{total - executed} of {total} tests did not run (skipped, or the host died before them)")
    if total < floor:
        problems.append(f"{total} tests were discovered, fewer than the floor of {floor} (scripts/test-floor): tests went missing")
# The blame collector's sequence file: the tests that started, in order; the host died in the last.
running = set()
for seq in glob.glob(os.path.join(trx_dir, "**", "Sequence_*.xml"), recursive=True):
    names = [e.attrib.get("Name") for e in ET.parse(seq).getroot()]
    if names and problems:
        running.add(names[-1])
for name in sorted(running):
    problems.append(f"the test host was running {name} when it ended")
if rc != 0 and failed == 0 and not problems:
    problems.append(f"dotnet test exited {rc} with no failed test")
for p in problems:
    print(f"TEST RUN BROKEN: {p}", file=sys.stderr)
print(passed, failed + (1 if problems else 0))
PY
)
if [ -z "$counts" ]; then
  failed=$((failed + 1)); echo "the TRX could not be read"
else
  passed=$((passed + ${counts% *})); failed=$((failed + ${counts#* }))
fi
grep -E "The active test run|was running|Test host process crashed|Test Run Aborted" "$log" | sort -u | head -20
# The runner's own record stays for whoever reads a run afterwards (each test's outcome and time).
mkdir -p artifacts && find "$trx_dir" -name '*.trx' -exec cp {} "artifacts/tests-$tier.trx" \; 2>/dev/null
rm -rf "$trx_dir"

# --- The benchmarks: a release runs BenchmarkDotNet's dry job, proof that every benchmark builds and runs.
if [ "$tier" = full ]; then
  echo "benchmarks: dry job"
  if dotnet run -c Release --project bench/Simulator.Benchmarks -- --job Dry --filter '*' --artifacts "$(mktemp -d)" >"$log" 2>&1 \
     && ! grep -qE 'benchmark(s)? (has|have) failed|\[ERROR\]|Exception' "$log"; then
    passed=$((passed + 1)); echo "benchmarks dry job: ok"
  else
    failed=$((failed + 1)); echo "benchmarks dry job: FAILED"; tail -40 "$log"
  fi
fi

# --- A release runs the connect bench at a tiny size, so that it cannot rot: our client on both TLS
# providers and on MQTT 5, the three peers, .NET's TLS floor and the bare libssl floor must connect
# every device. It is a benchmark's job, not a behaviour: about a minute the fast tier leaves out.
if [ "$tier" = full ]; then
  echo "connect bench: short run"
  benchout=$(mktemp -d)
  if bash bench/run-connect-bench.sh --small 10 --large 30 --hold 1 --pause 0 --stime 1 --port 18490 --out "$benchout" >"$log" 2>&1 \
     && [ "$(grep -c '| 30 of 30 | 0 |' "$log")" -eq 8 ]; then
    passed=$((passed + 1)); echo "connect bench short run: ok"
  else
    failed=$((failed + 1)); echo "connect bench short run: FAILED"; tail -40 "$log"
  fi
  rm -rf "$benchout"
fi

# --- The connect bench's gate must pass a run equal to its baseline, and fail one that got worse.
echo "connect gate"
gate=$(mktemp -d)
# The baseline the gate holds the client to: the newest bench of both TLS providers.
base=results/baselines/connect-tls-providers-2026-12-01
mkdir -p "$gate/worse" "$gate/other"
"$py" - "$base/ratios.json" "$gate" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
json.dump(dict(r, cpuPerConnectVsSslStream=r["cpuPerConnectVsSslStream"] * 1.3), open(f"{sys.argv[2]}/worse/ratios.json", "w"))
json.dump(dict(r, devices=[1, 2]), open(f"{sys.argv[2]}/other/ratios.json", "w"))
PY
"$py" bench/connect-gate.py "$base" "$base" >"$log" 2>&1; same=$?
"$py" bench/connect-gate.py "$base" "$gate/worse" >>"$log" 2>&1; worse=$?
"$py" bench/connect-gate.py "$base" "$gate/other" >>"$log" 2>&1; other=$?
if [ "$same$worse$other" = "012" ] && grep -q "REGRESSED .*CPU per connect" "$log"; then
  passed=$((passed + 1)); echo "connect gate: ok"
else
  failed=$((failed + 1)); echo "connect gate: FAILED (exits $same $worse $other, want 0 1 2)"; cat "$log"
fi
rm -rf "$gate"

# --- The packages as a user gets them: the tool installed from a local feed and run from an empty
# directory, the sample scenario built against the feed by version, run by the tool and by its test.
echo "package check"
if PACKAGE_CHECK_NO_BUILD=1 bash scripts/package-check.sh >"$log" 2>&1; then
  passed=$((passed + 1)); echo "package check: ok"
else
  failed=$((failed + 1)); echo "package check: FAILED"; tail -60 "$log"
fi
rm -f "$log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
