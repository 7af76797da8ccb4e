#!/usr/bin/env bash
# Token minting figures, measured together with OpenSSL's own sign rate on the same machine in
# the same run (machines here are noisy: compare ratios, not absolute numbers).
# Usage: bench/run-token-bench.sh [extra BenchmarkDotNet args, e.g. --job short]
set -euo pipefail
cd "$(dirname "$0")/.."
ts=$(date -u +%Y%m%dT%H%M%SZ)
out="results/bench-tokens-$ts"
mkdir -p "$out"

echo "openssl speed ecdsap256, 1 process"
openssl speed -seconds 5 ecdsap256 2>/dev/null | tee "$out/openssl-1.txt" | tail -1
echo "openssl speed ecdsap256, 2 processes"
openssl speed -seconds 5 -multi 2 ecdsap256 2>/dev/null | tee "$out/openssl-2.txt" | tail -1

dotnet run -c Release --project bench/Simulator.Benchmarks -- \
  --filter '*TokenBenchmarks*' '*ParallelMintBenchmarks*' --exporters json markdown --artifacts "$out/bdn" "$@" | tee "$out/bdn.log"

python3 - "$out" <<'PY'
import glob, json, re, sys
out = sys.argv[1]
def openssl_rate(path):
    for line in open(path):
        if "nistp256" in line:
            nums = re.findall(r"[0-9]+\.[0-9]+", line)
            return float(nums[2])  # sign/s (for -multi, the sum of all processes)
    raise SystemExit(f"no ecdsap256 line in {path}")
o1, o2 = openssl_rate(f"{out}/openssl-1.txt"), openssl_rate(f"{out}/openssl-2.txt")
rows = {}
for f in glob.glob(f"{out}/bdn/results/*.json"):
    for b in json.load(open(f))["Benchmarks"]:
        name = b["Method"] + (("/" + b["Parameters"]) if b.get("Parameters") else "")
        ops = 1e9 / b["Statistics"]["Mean"]
        alloc = b.get("Memory", {}).get("BytesAllocatedPerOperation")
        rows[name] = (ops, alloc)
lines = [f"# Token benchmarks {out}", "", f"OpenSSL ecdsap256 sign/s: 1 process {o1:,.0f}; 2 processes {o2:,.0f}", "",
         "| benchmark | ops/s | B/op |", "|---|---:|---:|"]
for k, (ops, alloc) in sorted(rows.items()):
    lines.append(f"| {k} | {ops:,.0f} | {alloc} |")
mint = rows.get("Mint", (None,))[0]
raw = rows.get("RawTrySignData", (None,))[0]
lines.append("")
if mint:
    lines.append(f"single-thread mint / OpenSSL single-process sign: {mint / o1:.2f}")
if mint and raw:
    lines.append(f"single-thread mint / raw ECDsa.TrySignData: {mint / raw:.2f}")
p1 = next((v[0] for k, v in rows.items() if k.startswith("MintOnThreads/Threads=1")), None)
p2 = next((v[0] for k, v in rows.items() if k.startswith("MintOnThreads/Threads=2")), None)
if p1 and p2:
    # ops/s here is per thread (OperationsPerInvoke = one thread's mints): aggregate = threads × ops/s.
    lines.append(f"2-thread aggregate mint / 1-thread: {2 * p2 / p1:.2f}")
    lines.append(f"2-thread aggregate mint / OpenSSL 2 processes: {2 * p2 / o2:.2f}")
text = "\n".join(lines) + "\n"
open(f"{out}/summary.md", "w").write(text)
print(text)
PY
echo "results in $out"
