"""Diagnosis (not part of the suite): the real multilingual events of the "BASIL + dev events" stream, one by one.

``PYTHONPATH=src:. python bench/stories_dev.py [VARIANT[+VARIANT...]]``

The stream of ``python -m bench stories`` that adds the real multi-outlet reports of ../shared/gold/dev to BASIL
(``bench.stories._basil_dev``), replayed with BASIL's fold model (fitted on ECB+ and MEANTIME, as the bench does;
VARIANT names ``bench/stories_exp.py`` variants patched in before the fit). For each dev event: its languages,
whether its articles end in one story, and for each later article its closest-member cosine with its own event's
story (the best over that story's kept members), the stream's closeness level it was read against, and P(same
story) for that story (the level is the cross-language one where the story has no article in the article's
language). Then how many events stay whole, and the median of those cosines (every pair here is
across languages) beside the median closeness level.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stories as B  # noqa: E402
from bench import stories_exp as E  # noqa: E402
from bench.common import save_cache  # noqa: E402
from factdiff.stories import cluster as C  # noqa: E402
from factdiff.stories.cluster import story_root  # noqa: E402
from factdiff.stories.features import ArticleFeatures  # noqa: E402


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "base"
    for part in name.split("+"):
        E.VARIANTS[part]()
    streams = B.load_streams()
    s = next((x for x in streams if x.name == "BASIL + dev events"), None)
    if s is None:
        raise SystemExit("stories_dev: the BASIL + dev events stream needs ../shared/data BASIL and ../shared/gold/dev")
    model = B.fit([o for o in streams if o.group != s.group])
    feats = B.stream_features(s)
    save_cache()
    c = C.OnlineClusterer(model)
    parent: dict[int, int] = {}
    story_of: dict[str, int] = {}  # dev article id -> the story it went to (before later merges)
    seen: dict[str, list[str]] = defaultdict(list)  # dev event -> its article ids so far
    lines: dict[str, list[str]] = defaultdict(list)
    cosines: list[float] = []
    levels: list[float] = []
    now: list[tuple[str, str, str]] = []  # the dev article being added: (id, language, event)
    score = c.score

    def diagnosed(f: ArticleFeatures) -> list[tuple[int, float]]:
        out = score(f)  # the article observed, as add() scores it
        if now and seen[now[0][2]]:
            art, language, label = now[0]
            own = [k for k in dict.fromkeys(story_root(parent, story_of[i]) for i in seen[label]) if k in c.stories]
            if own:
                keys = own + [k for k in c.candidates(f.vector, time=f.time) if k not in own]
                raw = c.raw_closeness, c.raw_closeness_cross
                x, same = c._features_and_language(f, keys)
                c.raw_closeness, c.raw_closeness_cross = raw  # what add() records: the scored candidates' best
                p = model.prob(x, same)
                best = int(np.argmax(x[: len(own), C.FEATURES.index("cos_max")]))
                level = float(c._levels(same)[best])
                cos = float(x[best, C.FEATURES.index("cos_max")] + level)
                cosines.append(cos)
                levels.append(level)
                lines[label].append(f"{art.rsplit('/', 1)[1]} ({language}): cosine {cos:.2f}, level {level:.2f}, "
                                    f"P {float(p[best]):.2f}, {len(keys) - len(own)} other candidates")
        return out

    c.score = diagnosed  # type: ignore[method-assign]
    for d, label, f in zip(s.docs, s.labels, feats, strict=True):
        dev = "/" in d.id
        now[:] = [(d.id, d.language, label)] if dev else []
        decision = c.add(f)
        for kept, gone in decision.merged:
            parent[gone] = kept
        if dev:
            story_of[d.id] = decision.story
            seen[label].append(d.id)
    whole = 0
    events = [label for label in dict.fromkeys(s.labels) if "/" in s.docs[s.labels.index(label)].id]
    for label in events:
        roots = {story_root(parent, story_of[i]) for i in seen[label]}
        langs = "+".join(dict.fromkeys(s.docs[[d.id for d in s.docs].index(i)].language for i in seen[label]))
        whole += len(roots) == 1
        print(f"{label} [{langs}]: {'one story' if len(roots) == 1 else f'{len(roots)} stories'}")
        for line in lines[label]:
            print("   " + line)
    print(f"dev events in one story: {whole} of {len(events)} ({name}); closest-member cosine of a later article "
          f"with its own event's story: median {np.median(cosines):.2f} (10th-90th percentile "
          f"{np.percentile(cosines, 10):.2f}-{np.percentile(cosines, 90):.2f}, {len(cosines)} articles), against a "
          f"closeness level of {np.median(levels):.2f}")


if __name__ == "__main__":
    main()
