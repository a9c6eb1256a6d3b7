"""Where each missed disagreement, missed agreement and false contradiction fails, stage by stage, on the dev cases.

    python bench/dev_errors.py [--in-sample] [--cases NAME ...] [--set KEY=VALUE ...] [-v]
    python bench/dev_errors.py --sweep KEY=V1,V2,...   # fit one Config threshold, leaving each case out

Every case of ../shared/gold/dev is compared (out of fold by default: the same-fact model is fitted
on the other cases, as in ``python -m bench dev``) while the judge's inputs are recorded. Then:

- each gold conflict / tension that is not found is put in the first stage that loses it:
  ``split``      no claim covers the gold span in one of the articles (claim splitting, noise lines);
  ``align``      the covering claims never reach the judge (same-fact probability under
                 ``Config.candidate_p``, or not among the ``top_k``);
  ``judge:*``    the pair is judged, but not as a disagreement; the suffix says which check could
                 have spoken: ``quantity:gated`` / ``date:gated`` / ``polarity:gated`` (a figure, date or
                 negation pair that ``_partners`` did not let through), ``quantity:keys`` (both have
                 figures, none measure the same thing), ``quantity:values`` (compared and found equal),
                 ``quantity:one-side`` (figures in one claim only), ``date:values``, ``date:one-side``,
                 ``place`` (both claims have a place, judged the same or unknown), ``semantic`` (no figure,
                 date, place or negation: needs a pair model or world knowledge);
  ``tension-not-contradict``  a gold conflict printed as a tension.
- each gold agreement that is not found is put in the first stage that loses it (``agreement_stage``):
  ``split``, ``align:<p bin>`` (no covering pair judged; the best same-fact probability of a covering
  pair), ``select`` (judged "agree", dropped by ``report.select_relations``), ``judged:<label>:<source>``
  (the closest judged covering pair got another verdict; ``unrelated:embedding:<p bin>`` is under
  ``Config.agree_p``), ``overruled`` (a disagreement on the same pair hides it).
- each printed contradiction that touches no gold disagreement is counted by the check that
  raised it, and whether the gold calls the pair an agreement.

``--sweep`` runs every case for each value of one Config field and prints the figures, then, for each
case, takes the value with the best ``objective`` on the other cases: the out-of-fold figures of a fitted
threshold (the same-fact model is out of fold too).

Gold text is read from ../shared at run time and printed only with ``-v``; nothing of it is stored.
Annotated articles are cached under out/dev-errors-cache (keyed by the text and the annotate code).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

from bench.dev import dev_cases  # noqa: E402
from bench.gold import Case, scorer  # noqa: E402

CACHE = ROOT / "out" / "dev-errors-cache"
SRC = ROOT / "src" / "factdiff"
# the code annotate() depends on: a change to any of it invalidates the cache
ANNOTATE_CODE = ["annotated.py", "claims.py", "text.py", "embed.py", "entities.py", "lang"]


def _code_hash() -> str:
    h = hashlib.sha256()
    for name in ANNOTATE_CODE:
        p = SRC / name
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p]:
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def annotated(case: Case, encoders: str = "use") -> list[Any]:
    from factdiff.annotated import AnnotatedArticle, annotate
    from factdiff.config import Config
    from factdiff.ingest import read_inputs

    docs = read_inputs([str(p) for p in case.paths])
    code = _code_hash()
    out = []
    CACHE.mkdir(parents=True, exist_ok=True)
    for d in docs:
        key = hashlib.sha256((code + d.id + d.source + d.text + ("" if encoders == "use" else encoders)).encode()
                             ).hexdigest()[:24]
        path = CACHE / f"{key}.json"
        if path.exists():
            out.append(AnnotatedArticle.from_dict(json.loads(path.read_text(encoding="utf-8"))))
            continue
        art = annotate(d, config=Config(encoders=encoders))
        path.write_text(json.dumps(art.to_dict()), encoding="utf-8")
        out.append(art)
    return out


def rows_of(case: Case, arts: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Same-fact rows of one case, built by training/fit_samefact.py (labels: 1 for a gold pair)."""
    from fit_samefact import rows_from_prepared  # type: ignore[import-not-found]

    from factdiff.pipeline import prepared_from

    x, y, _codes = rows_from_prepared(case, prepared_from(arts, entities=False))
    return x, y


class Recorder:
    """Wraps the pipeline's stage functions to keep what the judge saw."""

    def __init__(self) -> None:
        self.judged: list[tuple[Any, Any]] = []
        self.ctx: Any = None
        self.probs: dict[tuple[str, str], np.ndarray] = {}

    def __enter__(self) -> Recorder:
        from factdiff import pipeline

        self._orig = (pipeline.judge_pair, pipeline.candidates_by_probability)
        judge, cands = self._orig

        def judge_pair(cand: Any, ctx: Any) -> Any:
            self.ctx = ctx
            verdict = judge(cand, ctx)
            self.judged.append((cand, verdict))
            return verdict

        def candidates_by_probability(claims: Any, probs: Any, *args: Any, **kw: Any) -> Any:
            self.probs = dict(probs)
            return cands(claims, probs, *args, **kw)

        pipeline.judge_pair = judge_pair  # type: ignore[assignment]
        pipeline.candidates_by_probability = candidates_by_probability  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: Any) -> None:
        from factdiff import pipeline

        pipeline.judge_pair, pipeline.candidates_by_probability = self._orig  # type: ignore[assignment]


JUDGED: list[Any] = []  # the current case's judged candidates (set by analyse)


def gate_reason(a: Any, b: Any, ctx: Any) -> str:
    """Why _partners kept a figure pair apart: no shared measured key, the probability floor,
    or another claim that is a better match for the same key."""
    def keys(c: Any) -> set[str]:
        return {":".join(q.key()) for q in ctx.cues[c.id].quantities}

    shared = keys(a) & keys(b)
    if not shared:
        return ":no-shared-key"
    sim = next(cand.similarity for cand, _ in JUDGED if {cand.a.id, cand.b.id} == {a.id, b.id})
    measured = any(q.measured for q in ctx.cues[a.id].quantities)
    floor = ctx.thresholds.structured if measured else ctx.thresholds.related
    if sim < floor:
        return ":below-floor"
    for mine, other in ((a, b), (b, a)):
        for key in shared:
            for cand, _ in JUDGED:
                for x, y in ((cand.a, cand.b), (cand.b, cand.a)):
                    if x.id == mine.id and y.doc == other.doc and y.id != other.id and key in keys(y) \
                            and cand.similarity > sim:
                        return ":not-mutual-best"
    return ":other"


def why_not(a: Any, b: Any, verdict: Any, ctx: Any, gold_conflict: bool) -> str:
    """The judge stage a judged-but-missed gold disagreement fails at."""
    from factdiff.quantities import compare_dates, compare_quantities

    if verdict.label == "tension" and gold_conflict:
        return "tension-not-contradict"
    ca, cb = ctx.cues[a.id], ctx.cues[b.id]
    pair = (a.id, b.id)
    if ca.quantities and cb.quantities:
        found = compare_quantities(list(ca.quantities), list(cb.quantities))
        if found is None:
            return "judge:quantity:keys"
        if found[0] == "agree":
            return "judge:quantity:values"
        if (*pair, "quantity") not in ctx.partners:
            return "judge:quantity:gated" + gate_reason(a, b, ctx)
        return f"judge:quantity:{found[0]}-overruled"
    if not ca.dates.empty() and not cb.dates.empty():
        found_d = compare_dates(ca.dates, cb.dates)
        if found_d is None:
            return "judge:date:values"
        if (*pair, "date") not in ctx.partners:
            return "judge:date:gated"
        return "judge:date:overruled"
    if (ca.negated & cb.affirmed) or (cb.negated & ca.affirmed):
        return "judge:polarity:gated"
    if ca.quantities or cb.quantities:
        return "judge:quantity:one-side"
    if not ca.dates.empty() or not cb.dates.empty():
        return "judge:date:one-side"
    if ctx.places.get(a.id) and ctx.places.get(b.id):
        return "judge:place"
    return "judge:semantic"


P_BINS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)  # edges of the probability bins the agreement misses are put in


def p_bin(p: float) -> str:
    """The same-fact probability as a bin label: "p<0.02", "p0.10-0.20", "p>=0.50"."""
    if p < P_BINS[0]:
        return f"p<{P_BINS[0]:.2f}"
    for lo, hi in zip(P_BINS, P_BINS[1:]):
        if lo <= p < hi:
            return f"p{lo:.2f}-{hi:.2f}"
    return f"p>={P_BINS[-1]:.2f}"


def best_probability(rec: Any, index: dict[str, tuple[str, int]], cov_a: list[Any], cov_b: list[Any]) -> float:
    """The highest same-fact probability of any claim pair covering the two gold spans."""
    ps = []
    for x in cov_a:
        for y in cov_b:
            dx, i = index[x.id]
            dy, j = index[y.id]
            p = rec.probs.get((dx, dy))
            ps.append(float(p[i, j]) if p is not None else float(rec.probs[(dy, dx)][j, i]))
    return max(ps)


def agreement_stage(cov_a: list[Any], cov_b: list[Any], judged: dict[tuple[str, str], Any],
                    index: dict[str, tuple[str, int]], rec: Recorder, labels: set[str]) -> tuple[str, str]:
    """The first stage that loses a gold agreement (covering claims ``cov_a`` x ``cov_b``):

    ``split``            no claim covers the gold span in one article;
    ``align:<p bin>``    no covering pair reaches the judge (best same-fact probability of any covering pair);
    ``select``           a covering pair is judged "agree" but ``report.select_relations`` drops it
                         (a better agreement of one of the claims in that article);
    ``judged:<label>:<source>``  the best judged covering pair gets another verdict: ``unrelated:embedding``
                         with its probability bin means under ``Config.agree_p``; ``unrelated:quantity``
                         the different-figures rule; ``contradict`` / ``tension`` with the check that raised it;
    ``overruled``        judged "agree" and kept, yet a disagreement on the same pair hides it."""
    if not cov_a or not cov_b:
        return "split", ""
    pairs = [judged[(x.id, y.id)] for x in cov_a for y in cov_b if (x.id, y.id) in judged]
    if not pairs:
        best = best_probability(rec, index, cov_a, cov_b)
        return f"align:{p_bin(best)}", f"p={best:.3f}"
    agreeing = [(c, v) for c, v in pairs if v.label == "agree"]
    if agreeing:
        cand, v = max(agreeing, key=lambda cv: cv[0].similarity)
        if labels & {"contradict", "tension"}:
            return "overruled", f"p={cand.similarity:.2f}"
        return "select", f"p={cand.similarity:.2f}"
    cand, v = max(pairs, key=lambda cv: cv[0].similarity)
    stage = f"judged:{v.label}:{v.source}"
    if v.label == "unrelated" and v.source == "embedding":
        stage += ":" + p_bin(cand.similarity)
    return stage, f"p={cand.similarity:.2f} -> {v.label}/{v.source}: {v.explanation[:90]}"


def analyse(case: Case, report: dict[str, Any], rec: Recorder, verbose: bool) -> tuple[Counter[str], Counter[str]]:
    sg = scorer()
    rep = sg.Report(report, case.gold)
    from factdiff.doc import Claim

    all_claims: dict[str, list[Any]] = defaultdict(list)

    for c in report.get("claims", []):
        all_claims[c["doc"]].append(Claim(c["id"], c["doc"], c.get("sentence", -1), c["start"], c["end"],
                                          c.get("text", "")))
    JUDGED[:] = rec.judged
    judged = {(cand.a.id, cand.b.id): (cand, v) for cand, v in rec.judged}
    judged.update({(cand.b.id, cand.a.id): (cand, v) for cand, v in rec.judged})
    index = {c.id: (d, k) for d, cs in all_claims.items() for k, c in enumerate(cs)}
    missed: Counter[str] = Counter()
    false: Counter[str] = Counter()
    gold_pairs = []
    for section in ("conflicts", "tensions"):
        for item in case.gold.get(section, []):
            ka, kb = sg.pair_keys(item)
            ida, idb = rep.key_to_id[ka], rep.key_to_id[kb]
            sa, sb = rep.spans(ka, item[ka]), rep.spans(kb, item[kb])
            gold_pairs.append((ida, sa, idb, sb))
            labels = {r["label"] for r in rep.relations_between(ka, item[ka], kb, item[kb])}
            ok = "contradict" in labels if section == "conflicts" else bool(labels & {"contradict", "tension"})
            if ok:
                continue
            cov_a = [c for c in all_claims[ida] if any(sg.overlaps(s, {"start": c.start, "end": c.end}) for s in sa)]
            cov_b = [c for c in all_claims[idb] if any(sg.overlaps(s, {"start": c.start, "end": c.end}) for s in sb)]
            if not cov_a or not cov_b:
                stage = "split"
                detail = ""
            else:
                pairs = [judged[(x.id, y.id)] for x in cov_a for y in cov_b if (x.id, y.id) in judged]
                if not pairs:
                    stage = "align"
                    detail = f"p={best_probability(rec, index, cov_a, cov_b):.3f}"
                else:
                    cand, v = max(pairs, key=lambda cv: cv[0].similarity)
                    stage = why_not(cand.a, cand.b, v, rec.ctx, section == "conflicts")
                    detail = f"p={cand.similarity:.2f} -> {v.label}/{v.source}: {v.explanation[:90]}"
            missed[f"{section}:{stage}"] += 1
            if verbose:
                print(f"  MISS {section[:-1]:8s} {stage:28s} {detail}\n      {item[ka][:80]!r}\n      {item[kb][:80]!r}"
                      f"\n      gold: {item.get('why', '')[:140]}")
    agree_pairs = []
    for item in case.gold.get("agreements", []):
        ka, kb = sg.pair_keys(item)
        ida, idb = rep.key_to_id[ka], rep.key_to_id[kb]
        sa, sb = rep.spans(ka, item[ka]), rep.spans(kb, item[kb])
        agree_pairs.append((ida, sa, idb, sb))
        labels = {r["label"] for r in rep.relations_between(ka, item[ka], kb, item[kb])}
        if "agree" in labels:
            continue
        cov_a = [c for c in all_claims[ida] if any(sg.overlaps(s, {"start": c.start, "end": c.end}) for s in sa)]
        cov_b = [c for c in all_claims[idb] if any(sg.overlaps(s, {"start": c.start, "end": c.end}) for s in sb)]
        stage, detail = agreement_stage(cov_a, cov_b, judged, index, rec, labels)
        missed[f"agreements:{stage}"] += 1
        if verbose:
            print(f"  MISS agree    {stage:28s} {detail}\n      {item[ka][:80]!r}\n      {item[kb][:80]!r}")

    def touches(rel: dict[str, Any], pairs: list[Any]) -> bool:
        for ida, sa, idb, sb in pairs:
            for x, y in ((rel["a"], rel["b"]), (rel["b"], rel["a"])):
                if x["doc"] == ida and y["doc"] == idb and any(sg.overlaps(s, x) for s in sa) \
                        and any(sg.overlaps(s, y) for s in sb):
                    return True
        return False

    for rel in report["relations"]:
        if rel["label"] != "contradict" or touches(rel, gold_pairs):
            continue
        gold_agree = touches(rel, agree_pairs)
        kind = f"{rel['kind']}:{'gold-agreement' if gold_agree else 'no-gold-pair'}"
        false[kind] += 1
        if verbose:
            docs = {d["id"]: d["text"] for d in report["documents"]}
            ta = docs[rel["a"]["doc"]][rel["a"]["start"]:rel["a"]["end"]]
            tb = docs[rel["b"]["doc"]][rel["b"]["start"]:rel["b"]["end"]]
            print(f"  FALSE {kind:28s} {rel['explanation'][:100]}\n      {ta[:110]!r}\n      {tb[:110]!r}")
    return missed, false


MEASURES = ("conflicts", "tensions", "contradiction_precision", "agreements", "no_agree_on_disagreement", "unique")


def objective(scores: dict[str, list[int]]) -> int:
    """What a threshold sweep maximises: every gold item found counts one (conflicts, tensions,
    agreements, unique claims, disagreements not called agreements), every false contradiction minus one."""
    cp = scores.get("contradiction_precision", [0, 0])
    return sum(scores.get(m, [0, 0])[0] for m in MEASURES if m != "contradiction_precision") - (cp[1] - cp[0])


def run_cases(cases: list[Case], arts: dict[str, list[Any]], models: dict[str, Any], config: Any,
              only: list[str] | None, verbose: bool) -> tuple[dict[str, dict[str, list[int]]], Counter[str],
                                                              Counter[str]]:
    """Per case {measure: [ok, of]}, missed gold items by stage, false contradictions by kind."""
    from factdiff.pipeline import compare_annotated

    missed_all: Counter[str] = Counter()
    false_all: Counter[str] = Counter()
    per_case: dict[str, dict[str, list[int]]] = {}
    for case in cases:
        if only and case.name not in only:
            continue
        with Recorder() as rec:
            report = dict(compare_annotated(arts[case.name], samefact_model=models.get(case.name),
                                            config=config).to_json())
        if verbose:
            print(f"== {case.name}")
        missed, false = analyse(case, report, rec, verbose)
        missed_all.update(missed)
        false_all.update(false)
        res = scorer().score(scorer().Report(report, case.gold), case.gold)
        per_case[case.name] = {m: [sum(bool(o) for o, _ in res.get(m, [])), len(res.get(m, []))] for m in MEASURES}
    return per_case, missed_all, false_all


def total(per_case: dict[str, dict[str, list[int]]], names: Any = None) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {m: [0, 0] for m in MEASURES}
    for name, scores in per_case.items():
        if names is None or name in names:
            for m in MEASURES:
                out[m][0] += scores[m][0]
                out[m][1] += scores[m][1]
    return out


def figures(t: dict[str, list[int]]) -> str:
    return ", ".join(f"{m} {t[m][0]}/{t[m][1]}" for m in MEASURES)


def sweep(spec: str, cases: list[Case], arts: dict[str, list[Any]], models: dict[str, Any], base: Any) -> None:
    """``KEY=v1,v2,...``: every value's figures over all cases, then the value chosen out of fold (for each
    case, the value with the best ``objective`` on the other cases, applied to that case)."""
    import dataclasses

    key, _, values = spec.partition("=")
    kind = type(getattr(base, key))
    if kind is bool:
        def kind(v: str) -> bool:  # bool("False") is True
            return v.strip().lower() in ("1", "true", "yes")
    runs = {}
    for v in values.split(","):
        per_case, _, _ = run_cases(cases, arts, models, dataclasses.replace(base, **{key: kind(v)}), None, False)
        runs[v] = per_case
        print(f"{key}={v}: objective {objective(total(per_case))}; {figures(total(per_case))}", flush=True)
    chosen: dict[str, dict[str, list[int]]] = {}
    picks: Counter[str] = Counter()
    for case in cases:
        others = [c.name for c in cases if c.name != case.name]
        best = max(runs, key=lambda v: (objective(total(runs[v], others)), v == values.split(",")[0]))
        picks[best] += 1
        chosen[case.name] = runs[best][case.name]
    print(f"{key} chosen out of fold (value: cases) {dict(picks)}; on all cases: "
          f"{max(runs, key=lambda v: objective(total(runs[v])))}")
    print(f"  out-of-fold figures of the chosen values: objective {objective(total(chosen))}; {figures(total(chosen))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--in-sample", action="store_true", help="use the shipped same-fact model (fitted on all cases)")
    ap.add_argument("--cases", nargs="*", help="only these case names (the model is still fitted on the others)")
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                    help="Config fields for an ablation, e.g. frame_pairs=false")
    ap.add_argument("--sweep", metavar="KEY=V1,V2,...",
                    help="fit one Config threshold: figures for each value, and the value chosen leaving each case out")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every miss and false contradiction")
    args = ap.parse_args()

    import dataclasses

    from fit_samefact import fit  # type: ignore[import-not-found]

    from factdiff.config import DEFAULT

    changes: dict[str, Any] = {}
    for kv in args.set:
        key, _, value = kv.partition("=")
        kind = type(getattr(DEFAULT, key))
        changes[key] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    config = dataclasses.replace(DEFAULT, **changes)
    cases = dev_cases()
    arts = {c.name: annotated(c, config.encoders) for c in cases}
    models: dict[str, Any] = {}
    if not args.in_sample:
        rows = {c.name: rows_of(c, arts[c.name]) for c in cases}
        for case in cases:
            x = np.concatenate([rows[c.name][0] for c in cases if c.name != case.name])
            y = np.concatenate([rows[c.name][1] for c in cases if c.name != case.name])
            models[case.name] = fit(x, y)
    if args.sweep:
        sweep(args.sweep, cases, arts, models, config)
        return
    per_case, missed_all, false_all = run_cases(cases, arts, models, config, args.cases, args.verbose)
    print("figures ({}):".format("in sample" if args.in_sample else "out of fold"), figures(total(per_case)))
    print("missed gold disagreements by stage:")
    for k, n in sorted(missed_all.items(), key=lambda kv: (-kv[1], kv[0])):
        if not k.startswith("agreements:"):
            print(f"  {n:3d}  {k}")
    print("missed gold agreements by stage:")
    for k, n in sorted(missed_all.items(), key=lambda kv: (-kv[1], kv[0])):
        if k.startswith("agreements:"):
            print(f"  {n:3d}  {k}")
    coarse: Counter[str] = Counter()
    for k, n in missed_all.items():
        if k.startswith("agreements:"):
            coarse[":".join(k.split(":")[1:3 if k.startswith("agreements:judged") else 2])] += n
    print("  by stage: " + ", ".join(f"{k} {n}" for k, n in sorted(coarse.items(), key=lambda kv: -kv[1])))
    print("false contradictions by kind:")
    for k, n in sorted(false_all.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:3d}  {k}")


if __name__ == "__main__":
    main()
