#!/usr/bin/env bash
# gpucheck.sh: check headroom's live reading against a real NVIDIA GPU.
#
# Run from anywhere on a machine with the NVIDIA driver, Go and a C compiler:
#     bash gpu/testdata/gpucheck.sh
# It needs nvidia-smi and python3; the allocation step also needs PyTorch
# with CUDA (it is skipped, and says so, without it). It prints a report to
# paste into BENCHMARKS.md ("GPU sources"), and exits non-zero when a check
# fails.
#
# 1. builds headroom;
# 2. compares `headroom snapshot --json` with
#    nvidia-smi --query-gpu=memory.total,memory.reserved,memory.used,memory.free
#    for every GPU (nvidia-smi prints MiB, rounded down);
# 3. allocates 20 GiB on GPU 0 with PyTorch and checks that the snapshot's
#    used memory grows by that much (plus the CUDA context) and that the
#    process is listed, then that it shrinks back once the process exits.
set -euo pipefail
cd "$(dirname "$0")/../.."

export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g -Wno-deprecated-declarations}"
# NVML numbers GPUs by PCI bus; make CUDA do the same, so cuda:0 is GPU 0.
export CUDA_DEVICE_ORDER=PCI_BUS_ID
unset HEADROOM_NVML_LIB

work=$(mktemp -d)
trap 'kill "${holder:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== machine"
uname -srm
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader
go version

echo "== build"
go build -o "$work/headroom" .
"$work/headroom" --version
start=$(date +%s%N)
"$work/headroom" snapshot --json >"$work/before.json"
echo "one snapshot, process start to exit: $(( ($(date +%s%N) - start) / 1000000 )) ms"
nvidia-smi --query-gpu=memory.total,memory.reserved,memory.used,memory.free \
  --format=csv,noheader,nounits >"$work/smi.csv"

echo "== snapshot against nvidia-smi (MiB)"
python3 - "$work/before.json" "$work/smi.csv" <<'EOF'
import json, sys
snap = json.load(open(sys.argv[1]))
rows = [[int(x) for x in line.split(",")] for line in open(sys.argv[2]) if line.strip()]
MiB = 1 << 20
ok = True
print(f"source {snap['source']}, driver {snap['driver_version']}, CUDA {snap['cuda_version']}")
for dev, row in zip(snap["devices"], rows):
    print(f"GPU {dev['index']} {dev['name']} (memory from {dev.get('memory_source')})")
    for field, smi in zip(("total", "reserved", "used", "free"), row):
        got = dev["memory"][field + "_bytes"]
        if got is None:
            print(f"  {field:8} headroom null   nvidia-smi {smi}   FAIL (not read)")
            ok = False
            continue
        # Total and reserved do not move; used and free may between the
        # two readings, by a little on an idle card.
        slack = 1 if field in ("total", "reserved") else 64
        diff = got / MiB - smi
        verdict = "ok" if -slack <= diff <= slack + 1 else "FAIL"
        ok &= verdict == "ok"
        print(f"  {field:8} headroom {got / MiB:10.1f}   nvidia-smi {smi:7d}   {verdict}")
if len(rows) != len(snap["devices"]):
    print(f"FAIL: nvidia-smi lists {len(rows)} GPUs, headroom {len(snap['devices'])}")
    ok = False
sys.exit(0 if ok else 1)
EOF

echo "== allocate 20 GiB on GPU 0 with PyTorch"
if ! python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  echo "SKIPPED: python3 has no PyTorch with CUDA"
  exit 0
fi
python3 -u - >"$work/holder.log" 2>&1 <<'EOF' &
import time, torch
x = torch.ones(20 << 30, dtype=torch.uint8, device="cuda:0")  # 20 GiB, touched
torch.cuda.synchronize()
print("allocated", flush=True)
time.sleep(120)
EOF
holder=$!
for _ in $(seq 120); do
  grep -q allocated "$work/holder.log" && break
  kill -0 "$holder" 2>/dev/null || { cat "$work/holder.log"; echo "FAIL: the allocation died"; exit 1; }
  sleep 0.5
done
"$work/headroom" snapshot --json >"$work/during.json"
kill "$holder"; wait "$holder" 2>/dev/null || true
sleep 2 # let the driver release the memory
"$work/headroom" snapshot --json >"$work/after.json"

python3 - "$work/before.json" "$work/during.json" "$work/after.json" "$holder" <<'EOF'
import json, sys
GiB = 1 << 30
before, during, after = (json.load(open(p))["devices"][0] for p in sys.argv[1:4])
pid = int(sys.argv[4])
grew = (during["memory"]["used_bytes"] - before["memory"]["used_bytes"]) / GiB
back = (after["memory"]["used_bytes"] - before["memory"]["used_bytes"]) / GiB
proc = [p for p in during["processes"] if p["pid"] == pid]
held = proc[0]["used_bytes"] / GiB if proc and proc[0]["used_bytes"] is not None else None
# 20 GiB of tensor plus a CUDA context of about 0.25 to 0.65 GiB
# (pytorch#107667, pytorch PR #86509).
checks = [
    ("used grew by 20 GiB plus the CUDA context", 20 <= grew <= 21.5, f"{grew:.2f} GiB"),
    ("free fell by as much", abs((before["memory"]["free_bytes"] - during["memory"]["free_bytes"]) / GiB - grew) < 0.1, ""),
    ("the process is listed with its memory", held is not None and 20 <= held <= 21.5,
     f"{proc[0]['name'] if proc else 'missing'}: {held if held is None else round(held, 2)} GiB"),
    ("used went back once it exited", abs(back) < 0.25, f"{back:+.2f} GiB"),
]
ok = True
for what, passed, detail in checks:
    ok &= passed
    print(f"  {'ok  ' if passed else 'FAIL'} {what} {detail}")
sys.exit(0 if ok else 1)
EOF
echo "== all checks passed"
