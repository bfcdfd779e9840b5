import os, sys, time, subprocess, json, collections, re
jar, target = sys.argv[1], sys.argv[2]
subprocess.run("rm -rf /tmp/serve2-bench/data", shell=True)
p = subprocess.Popen(["java","-Xmx1500m","-cp",jar,"peerbench.BenchMain","run","--system","raftkit","--name","thr","--jvm","single",
    "--clients","64","--seconds","10","--warmup","5","--data-root","/tmp/serve2-bench/data","--target",target,"--opt","raftkit.op="+(sys.argv[3] if len(sys.argv)>3 else "write")],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
def snap(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            st = open(f"/proc/{pid}/task/{tid}/stat").read()
            fields = st[st.rindex(')')+2:].split()
            cpu = int(fields[11]) + int(fields[12])
            status = open(f"/proc/{pid}/task/{tid}/status").read()
            vol = int(re.search(r"voluntary_ctxt_switches:\s+(\d+)", status).group(1))
            out[tid] = (comm, cpu, vol)
        except Exception:
            pass
    return out
time.sleep(9)
a = snap(p.pid); t0 = time.time()
time.sleep(8)
b = snap(p.pid); t1 = time.time()
res = json.loads(p.communicate()[0])
ops = res['ops_per_sec'] * (t1 - t0)
agg = collections.defaultdict(lambda: [0, 0])
for tid, (comm, cpu, vol) in b.items():
    c0, v0 = (a[tid][1], a[tid][2]) if tid in a else (0, 0)
    name = re.sub(r'[0-9]+$', '#', comm)
    name = re.sub(r'-n[123]$', '-n#', name)
    agg[name][0] += cpu - c0; agg[name][1] += vol - v0
hz = os.sysconf('SC_CLK_TCK')
print(f"{target}: {res['ops_per_sec']:.0f} ops/s, cpu_us_per_op {res['cpu_us_per_op']}, other {res['cpu']['other_cores']}")
tot = sum(v[0] for v in agg.values())
for name, (cpu, vol) in sorted(agg.items(), key=lambda kv: -kv[1][0])[:16]:
    print(f"  {name:20s} cpu {cpu/hz*1e6/ops:7.1f} us/op  wakeups {vol/ops:5.2f}/op")
print(f"  total {tot/hz*1e6/ops:.1f} us/op, wakeups {sum(v[1] for v in agg.values())/ops:.2f}/op")
