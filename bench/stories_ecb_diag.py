"""Diagnosis (not part of the suite): where ECB+ goes wrong, by stage, with the out-of-sample fold models.

    PYTHONPATH=src:. python bench/stories_ecb_diag.py

Fits the ECB+ fold's story model (BASIL, MEANTIME) and topic model (UCI, wikiref220), as ``python -m bench stories``
does, then:

* story level, sub-topic gold: the stories that mix gold sub-topics, those that mix the two sub-topics of one topic
  (sibling events: the same kind of event, other people and places) against those that mix topics; for each mixed
  story that the split step may check, the sub-topics of its 2-means halves and P(same story) of those halves, and
  of the gold halves, beside the fold's split threshold;
* topic layer, topic gold: articles that joined a cluster whose gold majority is another topic (wrong joins), merges
  of two clusters of different majorities (wrong merges), and articles that opened a new cluster although their topic
  had earlier articles (fragments).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import bench.stories as B  # noqa: E402
import factdiff.stories.cluster as C  # noqa: E402
from bench.common import save_cache  # noqa: E402


def _majority(labels: list[str], members: list[int]) -> str:
    return Counter(labels[j] for j in members).most_common(1)[0][0]


def _halves_p(c: C.OnlineClusterer, st: C.StoryState, rows: list[list[int]]) -> float:
    halves = [c._half(st, r, st.key if i == 0 else -1) for i, r in enumerate(rows)]
    for half in halves:
        for m in half.members:
            half.words.setdefault(m.language, Counter()).update(m.words)
    x, same = c._halves_rows(halves[0], halves[1])
    return float(c.model.split_prob(x, same)[0])


def stories(streams: list[B.Stream]) -> None:
    s = next(x for x in streams if x.name == "ECB+ subtopic")
    model = B.fit([o for o in streams if o.group != s.group])
    c = C.OnlineClusterer(model)
    label: list[int] = []
    parent: dict[int, int] = {}
    for i, f in enumerate(B.stream_features(s)):
        C.follow(c.add(f, ref=i), label, parent)
    pred = [C.story_root(parent, k) for k in label]
    p, r, f1 = B.b_cubed(s.labels, pred)
    print(f"ECB+ sub-topic, story model (t={model.threshold}, split={model.split_below}): P {p:.3f} R {r:.3f} "
          f"F1 {f1:.3f}, {len(set(pred))} stories")
    by: dict[int, list[int]] = defaultdict(list)
    for i, k in enumerate(pred):
        by[k].append(i)
    kinds: Counter[str] = Counter()
    for idx in by.values():
        gold = Counter(s.labels[i] for i in idx)
        if len(gold) > 1:
            (a, _), (b, _) = gold.most_common(2)
            kinds["siblings (one topic)" if a.split("/")[0] == b.split("/")[0] else "topics"] += 1
    print(f"  stories mixing sub-topics: {sum(kinds.values())} ({dict(kinds)})")
    for st in c.stories.values():
        gold = Counter(s.labels[m.ref] for m in st.members)
        if len(gold) < 2:
            continue
        if st.size < C.SPLIT_MIN or st.size > len(st.members):
            print(f"  {dict(gold)}: not checked (size {st.size})")
            continue
        assign = C.two_means(st.matrix.astype(np.float64))
        if assign is None:
            print(f"  {dict(gold)}: 2-means finds one group")
            continue
        halves = [[i for i in range(len(assign)) if assign[i] == j] for j in (0, 1)]
        found = [dict(Counter(s.labels[st.members[i].ref] for i in h)) for h in halves]
        names = sorted(gold)
        gold_halves = [[i for i, m in enumerate(st.members) if s.labels[m.ref] == g] for g in names]
        gold_p = _halves_p(c, st, gold_halves[:2]) if len(names) == 2 else None
        print(f"  {dict(gold)}: 2-means halves {found[0]} | {found[1]}, P {_halves_p(c, st, halves):.2f}; gold halves "
              f"P {'-' if gold_p is None else f'{gold_p:.2f}'}")


def topics(streams: list[B.Stream]) -> None:
    s = next(x for x in streams if x.name == "ECB+ topic")
    model = B.fit([o for o in streams if o.group != s.group], "topic")
    c = C.OnlineClusterer(model)
    members: dict[int, list[int]] = defaultdict(list)
    wrong_join = wrong_merge = fragments = 0
    pairs: Counter[tuple[str, str]] = Counter()
    label: list[int] = []
    parent: dict[int, int] = {}
    for i, f in enumerate(B.stream_features(s)):
        d = c.add(f, ref=i)
        C.follow(d, label, parent)
        gold = s.labels[i]
        if d.new:
            fragments += any(s.labels[j] == gold for j in range(i))
        elif members[d.story] and (major := _majority(s.labels, members[d.story])) != gold:
            wrong_join += 1
            pairs[(gold, major)] += 1
        members[d.story].append(i)
        for kept, gone in d.merged:
            wrong_merge += _majority(s.labels, members[kept]) != _majority(s.labels, members[gone])
            members[kept] += members.pop(gone)
        for cut in d.splits:
            moved = set(cut.moved)
            members[cut.new] = [j for j in members[cut.story] if j in moved]
            members[cut.story] = [j for j in members[cut.story] if j not in moved]
    pred = [C.story_root(parent, k) for k in label]
    p, r, f1 = B.b_cubed(s.labels, pred)
    print(f"ECB+ topic, topic layer (t={model.threshold}, merge={model.merge_threshold}): P {p:.3f} R {r:.3f} "
          f"F1 {f1:.3f}, {len(set(pred))} topics")
    print(f"  wrong joins {wrong_join}, wrong merges {wrong_merge}, fragments {fragments}; topic pairs by wrong "
          f"joins (article's topic, cluster's): {pairs.most_common(8)}")


def main() -> None:
    streams = B.load_streams()
    stories(streams)
    topics(streams)
    save_cache()


if __name__ == "__main__":
    main()
