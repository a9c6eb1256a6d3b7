"""The split step's threshold, fold by fold: what each setting scores in training and out of sample.

Fits the story model on BASIL and MEANTIME (the ECB+ fold of ``python -m bench stories``) once per margin reading and
split setting (``bench.stories.SPLIT_GRID``) and clusters ECB+ at sub-topic level with each fit: the mean training
B-cubed F1 the fit chooses by, beside ECB+'s out of sample. ``--own-gap`` scores a split's halves with the time gap
between their latest members (as a merge check scores two stories) instead of none (``OnlineClusterer._halves_rows``).

    PYTHONPATH=src:. python bench/stories_split.py [--own-gap]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import numpy as np  # noqa: E402

import bench.stories as B  # noqa: E402
import factdiff.stories.cluster as C  # noqa: E402


def _own_gap() -> None:
    """Score a split's halves with their own time gap (the merge check's rows as they are)."""
    def rows(self: C.OnlineClusterer, kept: C.StoryState, cut: C.StoryState) -> tuple[np.ndarray, np.ndarray]:
        x, same = self._story_rows(kept, [cut])
        C._margins(x, same, self.model.margin_background, self.model.margin_over)
        return x, same

    C.OnlineClusterer._halves_rows = rows  # type: ignore[method-assign]


def main() -> None:
    if "--own-gap" in sys.argv[1:]:
        _own_gap()
    streams = B.load_streams()
    train = [B.Stream(s.name, s.group, s.docs[:B.FIT_MAX_ARTICLES], s.labels[:B.FIT_MAX_ARTICLES])
             for s in streams if s.group != "ECB+" and B._trains_on(s, "story")]
    feats = {s.name: B.stream_features(s)[:B.FIT_MAX_ARTICLES] for s in train}
    ecb = next(s for s in streams if s.name == "ECB+ subtopic")
    ecb_feats = B.stream_features(ecb)
    print(f"fit on {', '.join(s.name for s in train)}; out of sample: {ecb.name}"
          + (" (halves scored with their own time gap)" if "--own-gap" in sys.argv[1:] else ""))
    grid = B.SPLIT_GRID["story"]
    for over in B.MARGIN_OVER_GRID["story"]:
        for below in grid:
            B.SPLIT_GRID = {"story": (below,), "topic": (None,)}
            m = B._fit_one(train, feats, False, B.CLOSENESS["story"], B.NAMES_BY_SHARE["story"], over,
                           B.MERGE_MEMBERS["story"], level="story")
            p, r, f = B.b_cubed(ecb.labels, C.cluster_stream(ecb_feats, m))
            print(f"margins over {over:9s} split {below!s:4s} train {m.meta['train_mean_bcubed_f1']:.4f} "
                  f"(t={m.threshold}, merge={m.merge_threshold})  ECB+ sub-topic P {p:.3f} R {r:.3f} F1 {f:.3f}",
                  flush=True)
    B.save_cache()


if __name__ == "__main__":
    main()
