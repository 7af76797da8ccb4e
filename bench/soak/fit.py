"""Fits RSS against accepted connects over the soak's hold: KB kept per reconnect, per process."""
import csv, sys
out, warm, seconds, maxkb, rc, devices = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
rows = [r for r in csv.DictReader(open(f"{out}/samples.csv"))]
# The hold only: after the ramp and warm-up, before the ramp-down and results.
hold = [r for r in rows if warm <= int(r["t_s"]) <= warm + seconds - 60]
if len(hold) < 10:
    sys.exit(f"only {len(hold)} samples in the measured window: run longer (--seconds)")
def slope(key):
    xs = [float(r["connects"]) for r in hold]
    ys = [float(r[key]) for r in hold]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else float("nan")
reconnects = int(hold[-1]["connects"]) - int(hold[0]["connects"])
lines = [
    f"# Reconnect soak ({devices} devices, sessions cut every 6 s)",
    "",
    f"Window: t={hold[0]['t_s']}..{hold[-1]['t_s']} s, {reconnects} reconnects, {len(hold)} samples. Run exit code {rc}.",
    "",
    "| process | RSS at start of window | RSS at end | slope (KB per reconnect) | limit |",
    "|---|---:|---:|---:|---:|",
]
verdict = 0
for name, key in (("client (simulator run)", "client_rss_kb"), ("gateway", "gateway_rss_kb")):
    s = slope(key)
    ok = s <= maxkb
    verdict |= 0 if ok else 1
    lines.append(f"| {name} | {int(hold[0][key]) // 1024} MB | {int(hold[-1][key]) // 1024} MB | {s:.3f} | {maxkb} {'ok' if ok else 'EXCEEDED'} |")
lines += ["", "RSS includes the GC's free heap: a single sample moves by megabytes; the slope over the window is the figure."]
open(f"{out}/summary.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(verdict if rc == 0 else 1)
