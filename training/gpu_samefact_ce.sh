#!/bin/bash
# One GPU lease for the same-fact cross-encoder (training/samefact_ce.py): every run side by side on one GPU
# from training/gpu/samefact_ce.pkl.xz, then the dev logits of all runs in one file and the chosen weights
# in parts of 15 MiB (the device tool sends back at most 8 files).
#   public: ECB+ and MEANTIME only (scores every dev pair: out of sample by construction)
#   dev0..dev3: public + the dev cases of the other three folds (scores its fold)
#   devall: public + every dev case (weights only: the model to ship if the folds beat "public")
#   publicE5: public, 5 epochs
set -u
OUT=${OUT:-/tmp/gpu-out}
B=training/gpu/samefact_ce.pkl.xz
R=/tmp/sce
export PYTHONUNBUFFERED=1
mkdir -p "$OUT" $R
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
run() {
  python3 training/samefact_ce.py train --bundle $B --device cuda --out $R ${EXTRA:-} "$@" > "$R/$2.log" 2>&1 &
}
run --name public --data public --save
run --name publicE5 --data public --epochs 5
for k in 0 1 2 3; do run --name dev$k --fold $k; done
run --name devall --save
sleep 60; nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader; tail -n 1 $R/*.log
wait
cat $R/*.log > "$OUT/runs.log"
python3 - "$R" "$OUT" <<'EOF'
import sys, glob, os
import numpy as np
import torch
r, out = sys.argv[1], sys.argv[2]
arrs = {os.path.basename(p)[:-4]: np.load(p) for p in sorted(glob.glob(f"{r}/*.npy"))}
np.savez_compressed(f"{out}/logits.npz", **arrs)
print("runs with logits:", sorted(arrs))
pick = os.environ.get("PICK", "public")
path = f"{r}/{pick}.pt"
if os.path.exists(path):
    data = open(path, "rb").read()
    part = 15 * 2**20
    for k in range(0, len(data), part):
        open(f"{out}/{pick}.pt.part{k // part}", "wb").write(data[k:k + part])
    print(f"sent {pick}.pt in {(len(data) + part - 1) // part} parts ({len(data) / 2**20:.1f} MiB)")
EOF
