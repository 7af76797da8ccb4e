import csv,sys,glob,statistics as s
for d in sys.argv[1:]:
    f=glob.glob(d+'/*/timeseries.csv')[0]
    rows=list(csv.DictReader(open(f)))
    hold=[r for r in rows if 'hold' in r['phase']][20:]
    g=lambda k:[float(r[k]) for r in hold if r[k]]
    print(f"{d:12s} n={len(hold)} cpu%(2 cores) mean={s.mean(g('cpuPercent')):.2f} median={s.median(g('cpuPercent')):.1f} machine={s.mean(g('machineCpuPercent')):.1f} gcSum={sum(g('gcPauseMs')):.0f}ms gcMax={max(g('gcPauseMs')):.0f} lagP99med={s.median(g('schedulerLagP99Ms')):.1f} ws={max(g('workingSetMB'))} pub/s={s.mean(g('publishes')):.0f} hot={sum(1 for r in hold if r['generatorHot']=='true')}")
