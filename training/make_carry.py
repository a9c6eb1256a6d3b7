"""Shrink a training checkpoint (last.pt: fp32 weights + Adam state, ~260 MB) to a carry checkpoint
(fp16 trainable weights + counters, ~45 MB) that can be committed, so that training goes on in a
later session on a fresh machine: ``python training/train_crossencoder.py --resume-carry
training/checkpoints/ce-carry.pt``.

    python training/make_carry.py [--ckpt training/runs/ce/last.pt] [--out training/checkpoints/ce-carry.pt]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ckpt", type=Path, default=ROOT / "runs" / "ce" / "last.pt")
    ap.add_argument("--out", type=Path, default=ROOT / "checkpoints" / "ce-carry.pt")
    args = ap.parse_args(argv)
    ck = torch.load(args.ckpt, map_location="cpu", weights_only=False)
    keep = {k: ck[k] for k in ("step", "epoch", "pos", "pairs_seen", "wall_s", "torch_rng", "hparams") if k in ck}
    keep["model"] = {k: v.half() if v.is_floating_point() else v for k, v in ck["model"].items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(keep, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) at step {keep.get('step')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
