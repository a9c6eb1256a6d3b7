"""The story fit's threshold grid (not part of the suite): every (join, merge) threshold pair's mean training
B-cubed F1, raw and as the fit ranks it (``bench.stories._smoothed``), for each way the fit tries.

``PYTHONPATH=src:. python bench/stories_grid.py [--topic] [--without=GROUP] [--cross | --no-cross]
[--scopes=candidates,joinable]``

``--without=GROUP``: the fold that leaves that data set out (``BASIL``, ``MEANTIME``, ``ECB+``; the default fits on
all of them, as the shipped model does). ``--cross`` / ``--no-cross``: ``CROSS_CLOSENESS`` on or off for the run.
``--scopes=``: the merge scopes the fit tries (``MERGE_SCOPE_GRID``); with two, each one's kept pair's training score
is printed with the model (``train_by_merge_scope``), the grid that of the better.
``--bootstrap``: for the kept way, each pair's difference from the best pair, with its standard error over
``RESAMPLES`` resamples of each training stream's gold events (paired: the same resamples for every pair), the
noise a tie (``bench.stories.THRESHOLD_TIE``) is read against. Only the standard error is printed: the resampled
differences' mean leans towards the looser pairs (a resample that leaves out an event forgives the stories that mixed
it with another).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench import stories as B  # noqa: E402
from bench.common import save_cache  # noqa: E402
from factdiff.stories.cluster import Model, cluster_stream  # noqa: E402

RESAMPLES = 200


def _draw(labels: list[str], rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """The stream's gold events drawn with replacement: the articles' indices, and their gold labels tagged with
    the copy (each copy of an event a world of its own)."""
    by_event: dict[str, list[int]] = {}
    for i, g in enumerate(labels):
        by_event.setdefault(g, []).append(i)
    events = sorted(by_event)
    idx: list[int] = []
    gold: list[str] = []
    for k, e in enumerate(rng.choice(len(events), len(events))):
        idx += by_event[events[e]]
        gold += [f"{events[e]}#{k}"] * len(by_event[events[e]])
    return np.asarray(idx), gold


def bootstrap(train: list[B.Stream], feats: dict, model: Model, scores: dict) -> None:  # type: ignore[type-arg]
    best = max(scores, key=lambda k: scores[k])
    preds = {}
    for t, m in scores:
        variant = replace(model, threshold=t, merge_threshold=m)
        preds[(t, m)] = {s.name: cluster_stream(feats[s.name], variant) for s in train}
    rng = np.random.default_rng(0)
    diffs: dict[tuple[float, float | None], list[float]] = {k: [] for k in scores}
    for _ in range(RESAMPLES):
        draws = {s.name: _draw(s.labels, rng) for s in train}
        row = {}
        for k in scores:
            f = []
            for s in train:
                idx, gold = draws[s.name]
                copy = [g.rsplit("#", 1)[1] for g in gold]
                pred = [f"{preds[k][s.name][i]}#{c}" for i, c in zip(idx, copy, strict=True)]
                f.append(B.b_cubed(gold, pred)[2])
            row[k] = float(np.mean(f))
        for k in scores:
            diffs[k].append(row[k] - row[best])
    print(f"  paired bootstrap ({RESAMPLES} resamples of the gold events), difference from t={best[0]} "
          f"merge={best[1]}:")
    for k in scores:
        d = np.asarray(diffs[k])
        print(f"  t={k[0]:<4} merge={str(k[1]):5s} {scores[k] - scores[best]:+.4f}  SE {d.std(ddof=1):.4f}")


def main() -> None:
    args = sys.argv[1:]
    level = "topic" if "--topic" in args else "story"
    without = [a.split("=", 1)[1] for a in args if a.startswith("--without=")]
    if "--cross" in args:
        B.CROSS_CLOSENESS = True
    if "--no-cross" in args:
        B.CROSS_CLOSENESS = False
    for a in args:
        if a.startswith("--scopes="):
            B.MERGE_SCOPE_GRID = {**B.MERGE_SCOPE_GRID, level: tuple(a.split("=", 1)[1].split(","))}
    streams = [s for s in B.load_streams() if s.group not in without]
    train = [B.Stream(s.name, s.group, s.docs[:B.FIT_MAX_ARTICLES], s.labels[:B.FIT_MAX_ARTICLES])
             for s in streams if B._trains_on(s, level)]
    feats = {s.name: B.stream_features(s)[:B.FIT_MAX_ARTICLES] for s in train}
    save_cache()
    print(f"{level} level, fitted on {', '.join(s.name for s in train)}; cross_closeness={B.CROSS_CLOSENESS}, "
          f"choice {B.THRESHOLD_CHOICE} (tie {B.THRESHOLD_TIE})")
    kept: tuple[float, Model, dict] | None = None  # type: ignore[type-arg]
    for background in B.MARGIN_BACKGROUND_GRID[level]:
        for over in B.MARGIN_OVER_GRID[level]:
            scores: dict[tuple[float, float | None], float] = {}
            model = B._fit_one(train, feats, background, B.CLOSENESS[level], B.NAMES_BY_SHARE[level], over,
                               B.MERGE_MEMBERS[level], record=scores, level=level)
            print(f"margins over the {over}, background {background}: chosen t={model.threshold} "
                  f"merge={model.merge_threshold} scope={model.merge_scope} {model.meta}")
            for (t, m), v in scores.items():
                mark = " <-" if (t, m) == (model.threshold, model.merge_threshold) else ""
                print(f"  t={t:<4} merge={str(m):5s} mean {v:.4f} smoothed {B._smoothed(scores, (t, m)):.4f}{mark}")
            score = float(model.meta["train_mean_bcubed_f1"])
            if kept is None or score > kept[0]:
                kept = (score, model, scores)
    if "--bootstrap" in args and kept is not None:
        print(f"kept: margins over the {kept[1].margin_over}, background {kept[1].margin_background}")
        bootstrap(train, feats, kept[1], kept[2])


if __name__ == "__main__":
    main()
