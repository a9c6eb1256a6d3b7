"""Diagnosis (not part of the suite): the joins of one held-out event-level stream, by outcome and by how many
candidate stories the article had.

``PYTHONPATH=src:. python bench/stories_joins.py GROUP [VARIANT[+VARIANT...]]``

GROUP is a leave-one-out unit of ``bench.stories`` (BASIL, MEANTIME, ECB+, or NewsWCL50 with the ``newswcl``
variant); VARIANT names ``bench/stories_exp.py`` variants patched in before the fit (default: none, the shipped
code). The model is fitted on the other event-level sets, as ``python -m bench stories`` does, and the stream is
replayed with it. Every join into a story that already holds an article is counted right (the story's majority
gold label is the article's) or wrong, and split by whether the article had one candidate story (a lone candidate,
whose margins are its whole cosines unless a variant says otherwise) or several. For each group: the 10th, 50th and
90th percentile of the closest-member cosine less the stream's closeness, the names share, the word cosine and the
closest-member margin. Every merge of two stories with articles is counted too: right where their majority labels
are one.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stories as B  # noqa: E402
from bench import stories_exp as E  # noqa: E402
from bench.common import save_cache  # noqa: E402
from factdiff.stories import cluster as C  # noqa: E402

SHOWN = ("cos_max", "names", "words", "margin")


def joins(s: B.Stream, model: C.Model) -> tuple[Counter[str], list[tuple[bool, int, np.ndarray]]]:
    """Outcome counts, and (right, candidates, feature row) per join into a story that held an article."""
    feats = B.stream_features(s)
    c = C.OnlineClusterer(model)
    parent: dict[int, int] = {}
    members: dict[int, list[str]] = {}
    counts: Counter[str] = Counter()
    rows: list[tuple[bool, int, np.ndarray]] = []

    seen: dict[str, Any] = {}
    scored_on = c._features_and_language

    def record(f: Any, keys: list[int]) -> tuple[np.ndarray, np.ndarray]:
        x, same = scored_on(f, keys)
        p = model.prob(x, same, floor=len(keys) > 1)  # as OnlineClusterer.score: the best is the one joined
        seen.update(candidates=len(keys), best=x[int(np.argmax(p))])
        return x, same

    c._features_and_language = record  # type: ignore[method-assign]  # the rows the article was scored on
    for f, label in zip(feats, s.labels, strict=True):
        seen.clear()
        decision = c.add(f)
        for kept, gone in decision.merged:
            a, b = members.get(C.story_root(parent, kept), []), members.get(gone, [])
            if a and b:  # two stories with articles: one event (their majority gold labels) or two
                same = Counter(a).most_common(1)[0][0] == Counter(b).most_common(1)[0][0]
                counts["right merge" if same else "wrong merge"] += 1
            parent[gone] = kept
            members.setdefault(kept, []).extend(members.pop(gone, []))
        key = C.story_root(parent, decision.story)
        before = members.get(key, [])
        if not decision.new and before:
            right = Counter(before).most_common(1)[0][0] == label
            counts["right join" if right else "wrong join"] += 1
            rows.append((right, seen["candidates"], seen["best"]))
        elif decision.new and any(label in v for v in members.values()):
            counts["opened a story though its gold story was there"] += 1
        members.setdefault(key, []).append(label)
    return counts, rows


def _quantiles(rows: list[tuple[bool, int, np.ndarray]]) -> str:
    x = np.array([r[2] for r in rows])
    parts = []
    for name in SHOWN:
        q = np.percentile(x[:, B.FEATURES.index(name)], [10, 50, 90])
        label = "cos_max - closeness" if name == "cos_max" else name
        parts.append(f"{label} {q[0]:.2f}/{q[1]:.2f}/{q[2]:.2f}")
    return "  ".join(parts)


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    group, variant = argv[0], (argv[1] if len(argv) > 1 else "")
    for part in filter(None, variant.split("+")):
        E.VARIANTS[part]()
    streams = B.load_streams()
    held = [s for s in streams if s.group == group]
    if not held:
        raise SystemExit(f"no stream in group {group!r} (the newswcl variant adds NewsWCL50)")
    model = B.fit([s for s in streams if s.group != group])
    print(f"{group}, variant {variant or 'none'}: t={model.threshold} merge={model.merge_threshold} "
          f"over={model.margin_over}; fitted on {', '.join(model.meta.get('fitted_on', []))}")
    for s in held:
        counts, rows = joins(s, model)
        f1 = B.b_cubed(s.labels, C.cluster_stream(B.stream_features(s), model))[2]
        print(f"{s.name}: B-cubed F1 {f1:.3f}; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        for lone in (True, False):
            for right in (True, False):
                sel = [r for r in rows if r[0] == right and (r[1] == 1) == lone]
                if sel:
                    print(f"  {'lone candidate' if lone else 'several candidates'}, {'right' if right else 'wrong'} "
                          f"({len(sel)}), p10/p50/p90: {_quantiles(sel)}")
    save_cache()


if __name__ == "__main__":
    main(sys.argv[1:])
