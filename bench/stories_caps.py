"""Cost per article of clustering alone under smaller caps on what a story keeps (not part of the suite).

``PYTHONPATH=src:. python bench/stories_caps.py [--n N] [--model PATH ...] [K/M ...]``: the ingest bench's stream
(``bench.ingest_scale``, 10,000 articles, one every 30 s), clustered under each cap pair, K kept members per story
(``OnlineClusterer(members=K)``) and M members in a merge check (``Model.merge_members``), as ingest runs it (one
BLAS thread). The pairs are run in turn, ``REPEATS`` rounds, and each chunk of 1,000 is timed by its fastest round;
prints ms per article chunk by chunk, last/first and last/2nd. Default pairs: 32/8, 32/4 (shipped), 24/4, 16/4.
Accuracy under the same caps: ``bench/stories_exp.py m4``, ``k24m4``, ``k16m4``. ``--model PATH``: also run each
pair with that story model (a ``model.json``, e.g. an earlier commit's from ``git show``), beside the shipped one.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest_scale import CHUNK, build_stream, time_chunks  # noqa: E402
from factdiff.stories import cluster as C  # noqa: E402
from factdiff.stories.features import article_features  # noqa: E402

REPEATS = 3


def main() -> None:
    args = sys.argv[1:]
    n = 10_000
    if "--n" in args:
        at = args.index("--n")
        n = int(args[at + 1])
        del args[at:at + 2]
    models = {"shipped": C.load_model()}
    while "--model" in args:
        at = args.index("--model")
        models[args[at + 1]] = C.load_model(Path(args[at + 1]))
        del args[at:at + 2]
    caps = [tuple(int(v) for v in a.split("/")) for a in args] or [(32, 8), (32, 4), (24, 4), (16, 4)]
    docs, copies = build_stream(n)
    feats = article_features(docs)
    fastest: dict[tuple[str, int, int], list[float]] = {}
    stories: dict[tuple[str, int, int], int] = {}
    for _ in range(REPEATS):
        for name, shipped in models.items():
            for k, m in caps:
                c = C.OnlineClusterer(replace(shipped, merge_members=m), members=k)
                runs = [1000 * t for t in time_chunks(c, feats)[0]]
                key = (name, k, m)
                fastest[key] = [min(a, b) for a, b in zip(fastest.get(key, runs), runs, strict=True)]
                stories[key] = len(c.stories)
    print(f"{n} articles ({copies} perturbed copies), ms per article by chunk of {CHUNK}, fastest of {REPEATS}")
    for (name, k, m), r in fastest.items():
        ratio = f"last/first {r[-1] / r[0]:.2f}" + (f" last/2nd {r[-1] / r[1]:.2f}" if len(r) > 2 else "")
        print(f"{name} K={k} M={m}: " + " ".join(f"{x:.2f}" for x in r) + f"  ({ratio}, summed {sum(r):.2f}; "
              f"{stories[(name, k, m)]} active stories at the end)")


if __name__ == "__main__":
    main()
