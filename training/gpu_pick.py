"""After a GPU run of several settings side by side (training/gpu_run.sh): pick the run whose best
validation accuracy is highest and write its weights as a carry checkpoint (fp16, like make_carry.py),
cut into parts small enough for the device tool to send back, plus a summary of every run.

    python training/gpu_pick.py RUNS_DIR OUT_DIR          # on the GPU machine
    cat OUT_DIR/best.pt.part* > training/runs/gpu/best.pt   # here; then export_onnx.py --ckpt it
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import torch

PART_BYTES = 15 * 2**20


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    runs, out = Path(args[0]), Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    summary = {}
    for meta_path in sorted(runs.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text())
        ck = meta["checkpoints"]
        best = max(ck, key=lambda c: c["val"]["acc_all"]) if ck else None
        summary[meta_path.parent.name] = {
            "hparams": meta["hparams"], "steps": meta.get("steps"), "pairs_seen": meta.get("pairs_seen"),
            "wall_s": meta.get("wall_s"), "best": best,
            "curve": [(c["step"], c["epoch"], round(c["val"]["acc_all"], 4)) for c in ck],
        }
    if not summary:
        print(f"no runs under {runs}", file=sys.stderr)
        return 1
    name = max((n for n in summary if summary[n]["best"]), key=lambda n: summary[n]["best"]["val"]["acc_all"])
    ck = torch.load(runs / name / "best.pt", map_location="cpu", weights_only=False)
    meta = json.loads((runs / name / "meta.json").read_text())
    keep = {"model": {k: v.half() if v.is_floating_point() else v for k, v in ck["model"].items()},
            "step": ck["step"], "hparams": ck["hparams"], "val": ck["val"], "run": name, "meta": meta}
    buf = io.BytesIO()
    torch.save(keep, buf)
    raw = buf.getvalue()
    for i in range(0, len(raw), PART_BYTES):
        (out / f"best.pt.part{i // PART_BYTES}").write_bytes(raw[i : i + PART_BYTES])
    summary["picked"] = name
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({n: (s["best"] or {}).get("val") for n, s in summary.items() if n != "picked"}, indent=1))
    print(f"picked {name}: {len(raw) / 1e6:.1f} MB in {(len(raw) - 1) // PART_BYTES + 1} parts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
