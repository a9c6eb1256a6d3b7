"""What the split step costs ingest: the ingest bench's stream stored into SQLite with the shipped story model and with
the same model without the split step (``Model.split_below`` None), runs interleaved in one process.

    PYTHONPATH=src:. python bench/ingest_split.py [N] [ROUNDS]    (default 2000 articles, 2 rounds)
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.ingest_scale import build_stream  # noqa: E402
from factdiff.store import open_store  # noqa: E402
from factdiff.stories import ingest  # noqa: E402
from factdiff.stories.cluster import load_model  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    docs, _ = build_stream(n)
    module = importlib.import_module("factdiff.stories.ingest")
    shipped = load_model()
    models = {"shipped": shipped, "no split step": replace(shipped, split_below=None)}
    best: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    for _ in range(rounds):
        for name, model in models.items():
            module.load_model = lambda model=model: model  # type: ignore[attr-defined]
            with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{tmp}/s.db") as store:
                t0 = time.perf_counter()
                for at in range(0, len(docs), 1000):
                    ingest(docs[at:at + 1000], store=store, cross_check=False)
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
                counts[name] = store.counts()
    for name in models:
        print(f"{name:14s} {n / best[name]:7.1f} articles/s (fastest of {rounds})  {counts[name]}")
    print(f"the shipped model ingests {best['no split step'] / best['shipped']:.2f}x as fast as without the split step")


if __name__ == "__main__":
    main()
