"""Fits RSS against accepted connects over the soak's hold (KB kept per reconnect, per process), and
RSS against time over its last window (growth in % of the window's start): flat means both are small."""
import csv, sys
out, warm, seconds, maxkb, rc, devices = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
window = int(sys.argv[7]) if len(sys.argv) > 7 else seconds // 2
maxgrowth = float(sys.argv[8]) if len(sys.argv) > 8 else 5.0
shape = sys.argv[9] if len(sys.argv) > 9 else "separate"
session = sys.argv[10] if len(sys.argv) > 10 else "6"
rows = [r for r in csv.DictReader(open(f"{out}/samples.csv"))]
# The hold only: after the ramp and warm-up, before the ramp-down and results.
hold = [r for r in rows if warm <= int(r["t_s"]) <= warm + seconds - 60]
tail = [r for r in rows if seconds - window <= int(r["t_s"]) <= seconds]
if len(hold) < 10 or len(tail) < 10:
    sys.exit(f"only {len(hold)} samples in the hold and {len(tail)} in the window: run longer (--seconds)")

def fit(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else float("nan")
    return b, my - b * mx

keys = [("client (simulator run)", "client_rss_kb")] if shape == "one-process" else \
       [("client (simulator run)", "client_rss_kb"), ("gateway", "gateway_rss_kb")]
if shape == "one-process":
    keys = [("client and embedded gateway (simulator run)", "client_rss_kb")]
reconnects = int(hold[-1]["connects"]) - int(hold[0]["connects"])
tail_reconnects = int(tail[-1]["connects"]) - int(tail[0]["connects"])
what = "client and embedded gateway in one process" if shape == "one-process" else "client and gateway in separate processes"
lines = [
    f"# Reconnect soak: {what} ({devices} devices, sessions cut every {session} s)",
    "",
    f"Hold: t={hold[0]['t_s']}..{hold[-1]['t_s']} s, {reconnects} reconnects, {len(hold)} samples. "
    f"Last window: t={tail[0]['t_s']}..{tail[-1]['t_s']} s, {tail_reconnects} reconnects. Run exit code {rc}.",
    "",
    "| process | RSS at start of hold | RSS at end | KB per reconnect (hold) | RSS growth over the last window (fit) | KB per reconnect (window) | limits |",
    "|---|---:|---:|---:|---:|---:|---|",
]
verdict = 0
for name, key in keys:
    s, _ = fit([(float(r["connects"]), float(r[key])) for r in hold])
    ts, t0 = fit([(float(r["t_s"]), float(r[key])) for r in tail])
    start = t0 + ts * float(tail[0]["t_s"])
    growth = 100.0 * ts * (float(tail[-1]["t_s"]) - float(tail[0]["t_s"])) / start
    ws, _ = fit([(float(r["connects"]), float(r[key])) for r in tail])
    ok = s <= maxkb and growth <= maxgrowth
    verdict |= 0 if ok else 1
    lines.append(f"| {name} | {int(hold[0][key]) // 1024} MB | {int(hold[-1][key]) // 1024} MB | {s:.3f} | {growth:+.1f} % "
                 f"| {ws:.3f} | {maxkb} KB, {maxgrowth} % {'ok' if ok else 'EXCEEDED'} |")

heap = list(csv.DictReader(open(f"{out}/gcdump.csv"))) if __import__("os").path.exists(f"{out}/gcdump.csv") else []
if heap:
    lines += ["", "Live heap (dotnet-gcdump, after the full collection it induces), at the last window's start and end:", "",
              "| process | t (s) | live heap |", "|---|---:|---:|"]
    for h in heap:
        lines.append(f"| {h['process']} | {h['t_s']} | {int(h['live_heap_bytes']) / 1048576:.1f} MB |")
lines += ["", "RSS includes the GC's free heap: a single sample moves by megabytes; the fitted slope is the figure."]
open(f"{out}/summary.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(verdict if rc == 0 else 1)
