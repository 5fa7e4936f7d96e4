#!/usr/bin/env bash
# The bad-input, kill and resource cases of issue 14, run against one build of neuro; prints one markdown
# table row per case: the case, the exit code, the first line of the error (or what happened on exit 0).
# usage: tools/bench/bad-input-table.sh PATH/TO/neuro.dll [WORK_DIR]
# Needs /usr/bin/python3 with h5py (python3-h5py) for the NIR cases. Every file is made in WORK_DIR.
# The memory-hungry cases run with DOTNET_GCHeapHardLimit=1 GiB so an old build fails fast instead of
# taking the machine's memory.
set -uo pipefail
DLL=$(realpath "$1")
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
W=${2:-$(mktemp -d)}
mkdir -p "$W" && cd "$W" || exit 1
neuro() { timeout "${T:-300}" dotnet "$DLL" "$@"; }
first() { grep -v '^\s*$' "$1" | grep -v ' INF\] \| DBG\] \| WRN\] ' | head -1 | cut -c1-230 | sed 's/|/\\|/g'; }
row() { # row CASE RC STDERR_FILE [OBSERVATION]
  local msg; msg=$(first "$3"); [ -n "${4:-}" ] && msg="${msg:+$msg; }$4"
  printf '| %s | %s | %s |\n' "$1" "$2" "$msg"
}
run1() { # run1 CASE OBSERVE_CMD -- ARGS...
  local name=$1 observe=$2; shift 3
  neuro "$@" >out.txt 2>err.txt; local rc=$?
  row "$name" "$rc" err.txt "$(eval "$observe")"
}
kind() { if [ -L "$1" ]; then echo "symlink"; elif [ -p "$1" ]; then echo "FIFO"; elif [ -c "$1" ]; then echo "char device"; elif [ -f "$1" ]; then echo "regular file"; else echo "missing"; fi; }
schema() { /usr/bin/python3 -c 'import re,sys
b=open(sys.argv[1],"rb").read(400); m=re.search(rb"neuromorphic\.[a-z]+/[0-9]", b)
print(m.group().decode() if m else ("a trace" if b[:4]==b"NTRC" or b"trace" in b[:64].lower() else "binary %r" % b[:8]))' "$1" 2>/dev/null || echo missing; }
jsonfig() { /usr/bin/python3 -c 'import json,sys
try:
    d=json.load(open(sys.argv[1])); e=d["energyPerInference"]; l=d["latencyPerInference"]
    print("energy per inference: total %s µJ, dynamic %s µJ, static %s µJ; latency %s µs" % (e.get("totalUj"), e.get("dynamicUj"), e.get("staticUj"), l.get("meanUs")))
except Exception as x: print("")' "$1"; }
sidecar() { ls "$1".*.f32 "${1%.json}".*.f32 2>/dev/null | head -1; }

# Fixtures: a 784-16-10 model with a float32 sidecar, its mapping on loihi1, a second model (other seed).
neuro train --dataset embedded --layers 784,16,10 --epochs 1 --train-limit 64 --out m.json -q >/dev/null 2>&1
neuro train --dataset embedded --layers 784,16,10 --epochs 1 --train-limit 64 --seed 9 --out other/o.json -q >/dev/null 2>&1
neuro map --model m.json --chip loihi1 --out map.json -q >/dev/null 2>&1
S=$(sidecar m.json); OS=$(sidecar other/o.json)
cp m.json m.json.orig; cp "$S" sidecar.orig; cp map.json map.json.orig
RUN=(run --model m.json --chip loihi1 --dataset embedded --samples 1 -q)
restore() { cp m.json.orig m.json; cp sidecar.orig "$S"; cp map.json.orig map.json; }
echo "| case | exit | message / observation |"
echo "|---|---|---|"

# 1. Outputs that are inputs
run1 "1 map --out m.json (the model)" 'echo "m.json afterwards: $(schema m.json)"' -- map --model m.json --chip loihi1 --out m.json; restore
run1 "1 run --trace m.json (the model)" 'echo "m.json afterwards: $(schema m.json)"' -- "${RUN[@]}" --trace m.json; restore
run1 "1 run --mapping map.json --trace map.json" 'echo "map.json afterwards: $(schema map.json)"' -- run --model m.json --chip loihi1 --mapping map.json --dataset embedded --samples 1 -q --trace map.json; restore
run1 "1 export nir --out (the model's sidecar)" 'cmp -s "$S" sidecar.orig && echo "sidecar intact" || echo "sidecar overwritten"' -- export nir --model m.json --out "$S"; restore
run1 "1 run --confusion m.json (the model)" 'echo "m.json afterwards: $(schema m.json)"' -- "${RUN[@]}" --confusion m.json; restore

# 2. Special files as targets (in this folder, never in /dev)
mkfifo fifo; mknod null c 1 3 2>/dev/null; echo keep > target.txt; ln -s target.txt link
T=60 run1 "2 run --trace FIFO" 'echo "fifo afterwards: a $(kind fifo)"' -- "${RUN[@]}" --trace fifo
if [ -c null ]; then run1 "2 run --trace character device" 'echo "null afterwards: a $(kind null)"' -- "${RUN[@]}" --trace null; fi
run1 "2 run --trace symlink → file" 'echo "link afterwards: a $(kind link); target.txt holds $(schema target.txt)"' -- "${RUN[@]}" --trace link

# 3. A torn model pair: the JSON of one training with the sidecar of another (what a kill between the writes left)
cp "$OS" "$S"
run1 "3 eval of a JSON with another model's sidecar" 'echo "$(grep -o "\"accuracy\": [0-9.]*" out.txt | head -1)"' -- eval --model m.json --dataset embedded --test-limit 16 -q --json; restore

# 4. NIR files that declare huge datasets
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
def graph(path, rows, cols, edges=True, n_in=38, n_lif=10):
    with h5py.File(path, "w") as f:
        f["version"] = "0.2.0"
        g = f.create_group("node"); g["type"] = "NIRGraph"; nodes = g.create_group("nodes")
        i = nodes.create_group("input"); i["type"] = "Input"; i["shape"] = np.array([n_in], dtype=np.int64)
        if rows:
            fc = nodes.create_group("fc"); fc["type"] = "Linear"
            fc.create_dataset("weight", shape=(rows, cols), dtype="f4", chunks=(min(rows, 1000), min(cols, 1000)), compression="gzip")
        l = nodes.create_group("lif"); l["type"] = "LIF"
        for k, v in (("tau", 0.01), ("r", 1.0), ("v_leak", 0.0), ("v_threshold", 1.0), ("v_reset", 0.0)):
            l[k] = np.full(n_lif, v, dtype="f4")
        o = nodes.create_group("output"); o["type"] = "Output"; o["shape"] = np.array([n_lif], dtype=np.int64)
        if edges:
            g["edges"] = np.array([[b"input", b"fc"], [b"fc", b"lif"], [b"lif", b"output"]])
        else:
            g["edges"] = np.zeros((0, 2), dtype="S8")
graph("sparse.nir", 100000, 100000)
graph("wide.nir", 38, 100000000)
graph("noedges.nir", 0, 0, edges=False, n_in=4, n_lif=4)
PY
DOTNET_GCHeapHardLimit=0x40000000 run1 "4 import nir of a $(du -k sparse.nir | cut -f1) KB file declaring 100000×100000 (1 GiB heap limit)" 'test -e s.json && echo "s.json written"' -- import nir sparse.nir --out s.json
DOTNET_GCHeapHardLimit=0x40000000 run1 "4 import nir of a 38×1e8 weight" 'true' -- import nir wide.nir --out w.json

# 5. Chip values that overflow the integer accounting
mkdir -p chips && echo '{ "extends": "loihi1", "name": "huge", "core": { "synapticOp": { "energyPj": 1e300, "latencyNs": 1e300 } }, "staticPowerMw": 1e300 }' > chips/huge.json
run1 "5 chip validate (synapticOp 1e300 pJ / ns, static 1e300 mW)" 'true' -- chip validate chips/huge.json
run1 "5 run on loihi1 (reference)" 'jsonfig out.txt' -- run --model m.json --chip loihi1 --dataset embedded --samples 1 -q --json
run1 "5 run on that chip" 'jsonfig out.txt' -- run --model m.json --chip chips/huge.json --dataset embedded --samples 1 -q --json

# 6. A long inference: unbounded steps, and what a kill leaves
T=20 run1 "6 run --steps 2000000000 --trace-level messages (killed after 20 s)" 'echo "trace on disk: $(ls -l t6.trace* 2>/dev/null | awk "{print \$9\" \"\$5\" B\"}" | tr "\n" " ")"' -- "${RUN[@]}" --steps 2000000000 --trace t6.trace --trace-level messages
rm -f t6.trace*
T=30 run1 "6 run --steps 5000000 (killed after 30 s), then trace info on the unfinished file" 'p=$(ls t6b.trace* 2>/dev/null | head -1); echo "$(ls -l $p | awk "{print \$5}") B on disk; trace info: $(dotnet "$DLL" trace info "$p" 2>&1 | grep -i "block\|records\|damage\|spikes" | head -3 | tr "\n" " " | cut -c1-160)"' -- "${RUN[@]}" --steps 5000000 --trace t6b.trace --trace-level messages

# 7. Trace size before a large run
run1 "7 run --samples 200 --trace (default level)" 'echo "$(ls -l t7.trace | awk "{print \$5}") B; estimate logged: $(grep -o "will take about.*\|will need.*" err.txt | head -1 | cut -c1-110)"' -- run --model m.json --chip loihi1 --dataset embedded --samples 200 --trace t7.trace

# 7. A full disk (root only: a 160 kB tmpfs mounted in this folder)
if [ "$(id -u)" = 0 ] && mkdir -p disk && mount -t tmpfs -o size=160k tmpfs disk 2>/dev/null; then
  run1 "7 run --samples 20 --trace on a full disk" 'echo "left on the disk: $(ls -A disk | tr "\n" " ")"' -- run --model m.json --chip loihi1 --dataset embedded --samples 20 --trace disk/t.trace
  rm -rf disk/* disk/.[!.]* 2>/dev/null; neuro run --model m.json --chip loihi1 --dataset embedded --samples 3 --trace t7b.trace -q >/dev/null 2>&1
  run1 "7 trace export to a full disk" 'echo "left on the disk: $(ls -A disk disk/csv 2>/dev/null | tr "\n" " ")"' -- trace export t7b.trace --out disk/csv
  umount disk
fi

# 8. Exit 1 with raw .NET text
printf '{ "extends": "loihi1", "name": "a", "name": "b" }' > chips/dup.json
run1 "8 duplicate key in a chip file" 'true' -- chip validate chips/dup.json
/usr/bin/python3 -c "import re;s=open('m.json').read();open('dup.json','w').write(s.replace('\"name\":', '\"name\": \"x\", \"name\":', 1))"
run1 "8 duplicate key in a network file" 'true' -- map --model dup.json --chip loihi1 --out dupmap.json
/usr/bin/python3 -c "s=open('map.json').read();open('dupm.json','w').write(s.replace('\"chip\":', '\"chip\": \"x\", \"chip\":', 1))"
run1 "8 duplicate key in a mapping file" 'true' -- run --model m.json --chip loihi1 --mapping dupm.json --dataset embedded --samples 1 -q
echo keep > ro.json; chmod 444 ro.json; mkdir -p adir; echo x > afile
run1 "8 map --out read-only file" 'echo "ro.json: $(head -c 20 ro.json)"' -- map --model m.json --chip loihi1 --out ro.json
run1 "8 map --out directory" 'true' -- map --model m.json --chip loihi1 --out adir
run1 "8 map --out \"\"" 'true' -- map --model m.json --chip loihi1 --out ""
run1 "8 train --out under a file (unwritable), 2 epochs" 'echo "epoch-1 lines before the error: $(cat err.txt out.txt | grep -ic "epoch 1")"' -- train --dataset embedded --layers 784,16,10 --epochs 2 --train-limit 64 --out afile/m.json
run1 "8 train --layers 784,10000000,10" 'true' -- train --dataset embedded --layers 784,10000000,10 --epochs 1 --train-limit 64 --out big.json
/usr/bin/python3 - <<'PY'
import json
n = json.load(open("/dev/stdin")) if False else None
net = {"schema": "neuromorphic.network/1", "name": "huge", "populations": [
  {"name": "in", "size": 1000000000, "model": "input"},
  {"name": "out", "size": 2, "model": "cuba-lif", "params": {"tauCurrent": 2, "tauVoltage": 4, "threshold": 1, "bias": 0, "reset": "zero", "refractory": 1}}],
  "projections": [], "readout": {"population": "out", "method": "spike-count"}}
json.dump(net, open("huge.json", "w"))
PY
DOTNET_GCHeapHardLimit=0x40000000 run1 "8 map a 1e9-neuron population (1 GiB heap limit)" 'true' -- map --model huge.json --chip loihi1 --out hugemap.json

# 9. Values the chip cannot hold, contradictory mapping files, a NIR graph without edges
cp "$REPO/traces/golden/three-neurons.json" three.json
sed 's/\[\[2.0\]\]/[[1e30]]/' three.json > bigw.json
run1 "9 map a network with a weight of 1e30" 'true' -- map --model bigw.json --chip tiny --out bigw-map.json
neuro map --model three.json --chip tiny --out three-map.json -q >/dev/null 2>&1
/usr/bin/python3 - <<'PY'
import json, copy
m = json.load(open("three-map.json"))
c = copy.deepcopy(m); g = dict(c["synapseGroups"][0]); g["weightExponent"] -= 1; c["synapseGroups"].append(g)
json.dump(c, open("conflict-map.json", "w"), indent=1)
c = copy.deepcopy(m); c["scaleLog2"]["ghost"] = 3
json.dump(c, open("unknown-map.json", "w"), indent=1)
PY
run1 "9 mapping with two conflicting copies of a synapse group" 'true' -- run --model three.json --chip tiny --mapping conflict-map.json --input "$REPO/traces/golden/three-neurons-input.csv" --steps 12 -q
run1 "9 mapping with a scale for an unknown population" 'true' -- run --model three.json --chip tiny --mapping unknown-map.json --input "$REPO/traces/golden/three-neurons-input.csv" --steps 12 -q
run1 "9 import nir of a graph with no edges" 'test -e ne.json && echo "ne.json written"' -- import nir noedges.nir --out ne.json

# 10. Smaller
touch ".map.json.4000000.0123456789abcdef0123456789abcdef.tmp"
run1 "10 stale .tmp of a killed writer, then map --out map.json" 'test -e .map.json.4000000.0123456789abcdef0123456789abcdef.tmp && echo "stale .tmp still there" || echo "stale .tmp removed"' -- map --model m.json --chip loihi1 --out map.json
for t in 1 2; do neuro run --model m.json --chip loihi1 --dataset embedded --samples 4 --threads $t --trace th$t.trace -q >/dev/null 2>&1; done
row "10 trace files for --threads 1 and 2" "0" /dev/null "$(cmp -s th1.trace th2.trace && echo "byte-identical" || echo "differ: $(cmp th1.trace th2.trace | head -1)")"
mkdir -p sub other-chips && echo '{ "extends": "loihi1", "name": "base", "core": { "synapticOp": { "energyPj": -1, "latencyNs": 1 } } }' > other-chips/base.json
echo '{ "extends": "../other-chips/base.json", "name": "top" }' > sub/top.json
run1 "10 extends outside the chip folder with a bad value" 'true' -- chip validate sub/top.json
run1 "10 run --samples 0" 'true' -- run --model m.json --chip loihi1 --dataset embedded --samples 0 -q
