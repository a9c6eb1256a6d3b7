"""Does a trained head treat contradiction as symmetric? Scores one or more model dirs on the training
validation slice (premise-grouped 5%, the same one train_nli.py selects on) in both directions.

    python training/symmetry_check.py src/factdiff/models/nli /tmp/other_model_dir

Reports: accuracy forward, accuracy on swapped contradiction+neutral pairs (labels kept), and the
share of contradiction pairs called contradiction both ways.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nlidata as D  # noqa: E402
from train_nli import build_train, split_by_premise  # noqa: E402


def main(argv: list[str]) -> int:
    from factdiff.nli import load_nli

    pairs = build_train(False)
    _, va = split_by_premise(pairs, 0.05, 0)
    cache = D.EmbeddingCache("use")
    u = cache.embed([pairs.premises[i] for i in va], verbose=False)
    v = cache.embed([pairs.hypotheses[i] for i in va], verbose=False)
    y = pairs.y[va]
    c, n = D.LABEL_ID["contradiction"], D.LABEL_ID["neutral"]
    sym = (y == c) | (y == n)
    for model_dir in argv:
        m = load_nli(model_dir)
        fwd = m.predict_embeddings(u, v).argmax(1)
        bwd = m.predict_embeddings(v, u).argmax(1)
        both = float(((fwd == c) & (bwd == c))[y == c].mean())
        print(
            f"{model_dir}: forward acc {float((fwd == y).mean()):.4f}  swapped C+N acc"
            f" {float((bwd[sym] == y[sym]).mean()):.4f}  contradiction both ways {both:.4f}  (n={len(y)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
