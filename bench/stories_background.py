"""The typical cosine of a candidate story that is not the article's own (``cluster.MARGIN_BACKGROUND``).

``python bench/stories_background.py``: for each public stream of ``bench.stories``, the teacher-forced candidate
rows (as the fit sees them) that are not the article's gold story: the mean closest-member cosine and the mean word
cosine (stories with an article in the language); then the mean over the streams.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stories as B  # noqa: E402
from bench.common import save_cache  # noqa: E402
from factdiff.stories.cluster import FEATURES, WORDS  # noqa: E402


def main() -> None:
    cos, words = [], []
    for s in B.load_streams():
        feats = B.stream_features(s)[:B.FIT_MAX_ARTICLES]
        x, y, same = B.training_pairs(feats, s.labels[:B.FIT_MAX_ARTICLES])
        neg = y == 0
        cos.append(float(x[neg, FEATURES.index("cos_max")].mean()))
        words.append(float(x[neg & same, WORDS].mean()))
        print(f"{s.name:22s} other candidates {int(neg.sum()):6d}: closest member {cos[-1]:.3f}, words {words[-1]:.3f}")
    save_cache()
    print(f"mean over {len(cos)} streams: closest member {np.mean(cos):.3f}, words {np.mean(words):.3f}")


if __name__ == "__main__":
    main()
