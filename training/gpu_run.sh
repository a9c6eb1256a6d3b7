#!/bin/bash
# One GPU lease (the device tool; see training/README.md "GPU run"): four settings side by side on one
# GPU from training/gpu/bundle.pkl.xz, each stopped after $MIN minutes or its step budget; then
# gpu_pick.py sends back the best run's weights (by validation accuracy) and a summary of all four.
set -u
OUT=${OUT:-/tmp/gpu-out}
MIN=${MIN:-5}
B=training/gpu/bundle.pkl.xz
export PYTHONUNBUFFERED=1
mkdir -p "$OUT" /tmp/runs
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
run() {
  name=$1; shift
  python3 training/train_crossencoder.py --bundle $B --device "${DEVICE:-cuda}" ${EXTRA:-} --threads 2 --ckpt-epochs --ckpt-min 1000 \
    --log-every 200 --max-minutes "$MIN" --run-dir /tmp/runs/$name "$@" > "$OUT/$name.log" 2>&1 &
}
run a --batch 32 --lr 3e-5 --head-lr 5e-4 --warmup 300 --total-steps 6000 --max-steps 6000
run b --batch 32 --lr 5e-5 --head-lr 5e-4 --warmup 300 --total-steps 6000 --max-steps 6000
run c --batch 64 --lr 6e-5 --head-lr 1e-3 --warmup 150 --total-steps 3000 --max-steps 3000
run d --batch 32 --lr 3e-5 --head-lr 5e-4 --warmup 300 --total-steps 10000 --max-steps 10000
sleep 45; nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader; tail -n 2 "$OUT"/a.log
wait
python3 training/gpu_pick.py /tmp/runs "$OUT"
