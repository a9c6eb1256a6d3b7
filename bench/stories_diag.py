"""Diagnosis (not part of the suite): why do gold-same articles fail to join on the topic-level streams?

``PYTHONPATH=src:. python bench/stories_diag.py [STREAM ...]`` (names as in ``bench.stories``: wikiref220,
ECB+ topic, ...). For every article whose gold story already has an earlier article:

* live: run the clusterer with the out-of-sample model (as the bench does) and, before each decision, look at
  the active story that holds most of the article's earlier gold-mates (the "right" story): its rank among all
  active stories by centroid cosine, whether it is among the top-k candidates, the probability the model gives
  it, whether the word floor zeroed it, what was decided;
* teacher-forced: the same over the gold stories (as the fit's training pairs): rank and probability of the
  gold story, and the mean feature values of gold-story rows against the training sets' positives (coef x
  difference: which features push P down);
* the two vectors: ours (title + 5-sentence lead) and the mean-embedding baseline's (title + 20 sentences):
  the cosine of gold-same and gold-different article pairs and how well each separates them (AUC).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stories as B  # noqa: E402
from bench.common import encode, save_cache, split_sentences  # noqa: E402
from factdiff.stories.cluster import FEATURES, Decision, Model, OnlineClusterer, load_model  # noqa: E402


def live(s: B.Stream, model: Model) -> None:
    feats = B.stream_features(s)
    c = OnlineClusterer(model)
    story_of: list[int] = []  # article -> story key at its step
    parent: dict[int, int] = {}

    def root(k: int) -> int:
        while k in parent:
            k = parent[k]
        return k

    counts: Counter[str] = Counter()
    ranks: list[int] = []
    ps: list[float] = []
    rows = []
    for i, f in enumerate(feats):
        mates = [j for j in range(i) if s.labels[j] == s.labels[i]]
        c.observe(f)
        keys = c.candidates(f.vector, time=f.time)
        scored: list[tuple[int, float]] = []
        if keys:
            x, same = c._features_and_language(f, keys)
            p = model.prob(x, same, floor=len(keys) > 1)
            p_nofloor = model.prob(x, same, floor=False)
            scored = sorted(zip(keys, p.tolist(), strict=True), key=lambda t: -t[1])
        if mates:
            counts["articles with an earlier gold-mate"] += 1
            held = Counter(root(story_of[j]) for j in mates)
            active = [k for k in held if k in c.stories]
            if not active:
                counts["right story expired (window)"] += 1
            else:
                right = max(active, key=lambda k: held[k])
                allk = list(c.stories)
                cos = np.array([float(c.stories[k].centroid @ f.vector) for k in allk])
                order = [allk[j] for j in np.argsort(-cos)]
                rank = order.index(right) + 1
                ranks.append(rank)
                if right not in keys:
                    counts["right story NOT among candidates"] += 1
                else:
                    counts["right story among candidates"] += 1
                    j = keys.index(right)
                    ps.append(float(p[j]))
                    rows.append(x[j])
                    if p[j] == 0 and p_nofloor[j] > 0:
                        counts["  ... zeroed by the word floor"] += 1
                        if p_nofloor[j] >= model.threshold:
                            counts["  ... zeroed by the word floor though P >= threshold"] += 1
                    if p[j] >= model.threshold:
                        counts["  ... P >= threshold"] += 1
                        if scored[0][0] != right:
                            counts["  ... P >= threshold but another story scored higher"] += 1
                    else:
                        counts["  ... P < threshold"] += 1
        # the clusterer's own step (OnlineClusterer.add after observe)
        if scored and scored[0][1] >= model.threshold:
            key = scored[0][0]
            c._join(key, f)
            d = Decision(key, scored[0][1], False)
            if c.merge:
                d.merged = c._merge_from(key, c.merge_candidates(scored))
                for kept, gone in d.merged:
                    parent[gone] = kept
                if d.merged:
                    d.story = d.merged[-1][0]
            story_of.append(d.story)
        else:
            story_of.append(c.open_story(f))
        if mates:
            now = root(story_of[-1])
            counts["decision: ended with a gold-mate" if any(root(story_of[j]) == now for j in mates)
                   else "decision: ended away from every gold-mate"] += 1
    pred = [root(k) for k in story_of]
    print(f"\n== live, {s.name}: {len(feats)} articles, t={model.threshold}; B3 P/R/F1 "
          + " ".join(f"{v:.3f}" for v in B.b_cubed(s.labels, pred)))
    for k, v in counts.items():
        print(f"  {k}: {v}")
    if ranks:
        r = np.array(ranks)
        print(f"  rank of the right story by centroid cosine: median {np.median(r):.0f}, <=10: {(r <= 10).sum()}, "
              f"<=20: {(r <= 20).sum()}, <=50: {(r <= 50).sum()}, of {len(r)}; active stories at the end: "
              f"{len(c.stories)}")
    if ps:
        q = np.quantile(ps, [0.1, 0.25, 0.5, 0.75, 0.9])
        print("  P(right story) quantiles 10/25/50/75/90%: " + " ".join(f"{v:.3f}" for v in q))
        print("  mean features of the right story's rows: " + ", ".join(
            f"{n}={v:.3f}" for n, v in zip(FEATURES, np.mean(rows, axis=0), strict=True)))


def teacher(s: B.Stream, model: Model, ref: np.ndarray | None) -> np.ndarray:
    feats = B.stream_features(s)
    x, y, same = B.training_pairs(feats, s.labels)
    # rank of the gold story among the candidates and whether it is there at all
    c = OnlineClusterer(Model(tuple([0.0] * len(FEATURES)), 0.0, 1.1), merge=False)
    key_of: dict[str, int] = {}
    there = missing = 0
    for f, lab in zip(feats, s.labels, strict=True):
        c.observe(f)
        k = key_of.get(lab)
        if k is not None and k in c.stories:
            if k in c.candidates(f.vector, time=f.time):
                there += 1
            else:
                missing += 1
            c._join(k, f)
        else:
            key_of[lab] = c.open_story(f)
    p = model.prob(x, same, floor=False)
    pos = y == 1
    print(f"\n== teacher-forced, {s.name}: gold story among the top-{B.TOP_K} candidates {there} of "
          f"{there + missing}; gold rows {pos.sum()}, P >= t={model.threshold}: {(p[pos] >= model.threshold).sum()}; "
          f"P quantiles 10/50/90% of gold rows: " + " ".join(f"{v:.3f}" for v in np.quantile(p[pos], [.1, .5, .9])))
    floor = same & (x[:, FEATURES.index("words")] < model.words_floor)
    print(f"  gold rows below the word floor ({model.words_floor:.3f}, same language): {(floor & pos).sum()} of "
          f"{(pos & same).sum()}; non-gold rows below it: {(floor & ~pos).sum()} of {(~pos & same).sum()}")
    mean_pos = x[pos].mean(axis=0)
    mean_neg = x[~pos].mean(axis=0) if (~pos).any() else np.zeros(len(FEATURES))
    extra = "  train-gold-mean  coef*(gold-train)" if ref is not None else ""
    print("  feature        gold-mean  other-mean" + extra)
    for j, n in enumerate(FEATURES):
        line = f"  {n:14s} {mean_pos[j]:9.3f}  {mean_neg[j]:10.3f}"
        if ref is not None:
            line += f"  {ref[j]:15.3f}  {model.coef[j] * (mean_pos[j] - ref[j]):17.3f}"
        print(line)
    z = x[pos] @ np.asarray(model.coef) + model.intercept
    t_logit = np.log(model.threshold / (1 - model.threshold))
    print(f"  mean logit of gold rows {z.mean():.2f} (threshold logit {t_logit:.2f})")
    return mean_pos


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    allv = np.concatenate([pos, neg])
    ranks = np.argsort(np.argsort(allv)) + 1
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def vectors(s: B.Stream) -> None:
    ours = np.stack([f.vector for f in B.stream_features(s)])
    base = []
    lead_n, all_n = [], []
    for d in s.docs:
        texts = ([d.title] if d.title.strip() else []) + split_sentences(d.text)[:B.BASELINE_SENTENCES]
        v = encode("use", texts or ["-"]).mean(axis=0)
        base.append(v / max(float(np.linalg.norm(v)), 1e-9))
        all_n.append(len(split_sentences(d.text)))
    base_m = np.stack(base)
    lab = np.array(s.labels)
    same = lab[:, None] == lab[None, :]
    iu = np.triu_indices(len(lab), 1)
    print(f"\n== vectors, {s.name}: sentences per article median {np.median(all_n):.0f}")
    for name, m in (("ours (title + 5-sentence lead)", ours), ("baseline (title + 20 sentences)", base_m)):
        sim = (m @ m.T)[iu]
        sm = same[iu]
        print(f"  {name:34s} cos gold-same mean {sim[sm].mean():.3f}, gold-different mean {sim[~sm].mean():.3f}, "
              f"AUC {auc(sim[sm], sim[~sm]):.3f}")
    del lead_n


def main() -> None:
    import os

    from bench.stories_exp import VARIANTS

    for part in filter(None, os.environ.get("VARIANT", "").split("+")):
        VARIANTS[part]()
    wanted = sys.argv[1:] or ["wikiref220", "ECB+ topic"]
    streams = B.load_streams()
    shipped = load_model()
    train_pos = []
    for t in streams:
        if t.group in B.EVENT_GROUPS and t.name != "ECB+ topic":
            x, y, _ = B.training_pairs(B.stream_features(t)[:B.FIT_MAX_ARTICLES], t.labels[:B.FIT_MAX_ARTICLES])
            train_pos.append(x[y == 1].mean(axis=0))
    ref = np.mean(train_pos, axis=0)  # each training set weighs the same
    print("training sets' gold-row means: " + ", ".join(f"{n}={v:.3f}" for n, v in zip(FEATURES, ref, strict=True)))
    for s in streams:
        if not any(w.lower() in s.name.lower() for w in wanted):
            continue
        model = shipped if s.group not in B.EVENT_GROUPS else B.fit([o for o in streams if o.group != s.group])
        live(s, model)
        teacher(s, model, ref)
        vectors(s)
    save_cache()


if __name__ == "__main__":
    main()
