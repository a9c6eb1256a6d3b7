"""Gold scoring: factdiff compare on hand-annotated cases, scored by ../shared/tools/score_gold.py.

Cases: the seed pair (../shared/seeds + ../shared/gold/seed-pair.json) and every folder
``CASE/gold.json`` folders under examples/ (the gold file names the articles). The baseline beside ours is plain
nearest-neighbour matching (the same sentences and embeddings, no judge): a sentence whose best
cosine in another document passes a threshold is an agreement, the rest are unique, near-copies
inside a document are duplicates, and nothing is ever a contradiction.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from bench.common import ROOT, SHARED, Skip, Table, encode
from bench.floors import SEED_FLOORS, check, describe

SCORER = SHARED / "tools" / "score_gold.py"
SEED_GOLD = SHARED / "gold" / "seed-pair.json"
SEED_DIR = SHARED / "seeds"
EXAMPLES = ROOT / "examples"
QUICK_EXAMPLES = 2
BASELINE_BACKEND = "use"
BASELINE_AGREE = 0.6  # USE cosine for "same fact" in the nearest-neighbour baseline
BASELINE_DUPLICATE = 0.9


@dataclass
class Case:
    name: str
    paths: list[Path]
    gold: dict[str, Any]


def scorer() -> ModuleType:
    """score_gold.py imported by path (it is a script, not a package)."""
    if not SCORER.exists():
        raise Skip(f"{SCORER} not found")
    spec = importlib.util.spec_from_file_location("score_gold", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_report(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, dict[str, int]]:
    """score_gold's summary ({measure: {"ok", "of"}}) for one contract-format report."""
    sg = scorer()
    try:
        res = sg.score(sg.Report(report, gold), gold)
    except SystemExit as exc:  # the scorer exits on a gold substring it cannot place
        raise RuntimeError(f"score_gold: {exc}") from exc
    return {k: {"ok": sum(bool(ok) for ok, _ in v), "of": len(v)} for k, v in res.items()}


def seed_case() -> Case:
    """The seed pair, documents in the gold file's key order."""
    if not SEED_GOLD.exists():
        raise Skip(f"{SEED_GOLD} not found")
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    paths = [SEED_DIR / name for name in gold["documents"].values()]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise Skip(f"seed articles not found: {', '.join(missing)}")
    return Case("seeds", paths, gold)


def example_cases(limit: int | None = None) -> list[Case]:
    """examples/CASE/gold.json folders; the documents are named by the gold file."""
    cases = cases_under(EXAMPLES)
    return cases[:limit] if limit is not None else cases


def cases_under(folder: Path) -> list[Case]:
    """Every ``folder/CASE/gold.json`` whose documents (named by the gold file) exist."""
    cases = []
    for gold_path in sorted(folder.glob("*/gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        paths = [gold_path.parent / name for name in gold["documents"].values()]
        if all(p.exists() for p in paths):
            cases.append(Case(gold_path.parent.name, paths, gold))
    return cases


def factdiff_report(case: Case, nli: bool = True) -> dict[str, Any]:
    """Run the project's compare on the case's files (``nli=False``: without the NLI vote)."""
    try:
        from factdiff import compare  # type: ignore[attr-defined]
    except ImportError as exc:
        raise Skip(f"factdiff.compare not available yet ({exc})") from exc
    return dict(compare([str(p) for p in case.paths], nli=nli).to_json())


def baseline_report(case: Case) -> dict[str, Any]:
    """Nearest-neighbour matching over the same sentences: what the pipeline must beat."""
    from factdiff.text import split_sentences

    docs: list[dict[str, Any]] = []
    for path in case.paths:
        text = path.read_text(encoding="utf-8")
        spans = [(s, e) for s, e in split_sentences(text) if text[s:e].strip()]
        docs.append({"id": path.name, "source": str(path), "text": text, "spans": spans})
    vecs = [encode(BASELINE_BACKEND, [d["text"][s:e] for s, e in d["spans"]]) for d in docs]
    relations: list[dict[str, Any]] = []
    unique: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    for i, d in enumerate(docs):
        v = vecs[i]
        inner = v @ v.T if len(v) else np.zeros((0, 0))
        for k in range(len(d["spans"])):
            earlier = [j for j in range(k) if inner[k, j] >= BASELINE_DUPLICATE]
            if earlier:
                s, e = d["spans"][k]
                s0, e0 = d["spans"][earlier[0]]
                duplicates.append(
                    {
                        "doc": d["id"],
                        "start": s,
                        "end": e,
                        "duplicate_of": {"doc": d["id"], "start": s0, "end": e0},
                    }
                )
        matched = np.zeros(len(d["spans"]), dtype=bool)
        for j, other in enumerate(docs):
            if j == i or not len(v) or not len(vecs[j]):
                continue
            sims = v @ vecs[j].T
            best = sims.argmax(axis=1)
            for k, m in enumerate(best):
                if sims[k, m] >= BASELINE_AGREE:
                    matched[k] = True
                    if i < j:
                        (sa, ea), (sb, eb) = d["spans"][k], other["spans"][m]
                        relations.append(
                            {
                                "a": {"doc": d["id"], "start": sa, "end": ea},
                                "b": {"doc": other["id"], "start": sb, "end": eb},
                                "label": "agree",
                                "kind": "paraphrase",
                                "confidence": float(sims[k, m]),
                                "explanation": "nearest neighbour",
                            }
                        )
        for k, (s, e) in enumerate(d["spans"]):
            if not matched[k]:
                unique.append({"doc": d["id"], "start": s, "end": e})
    return {
        "documents": [{"id": d["id"], "source": d["source"], "text": d["text"]} for d in docs],
        "relations": relations,
        "unique": unique,
        "duplicates": duplicates,
        "entities": [],
    }


def _cell(summary: dict[str, dict[str, int]], measure: str) -> str:
    got = summary.get(measure)
    return f"{got['ok']}/{got['of']}" if got else "0/0"


def tables(quick: bool = False) -> list[Table]:
    """The seed table (with floors; ok=False when one drops) and one table over examples/."""
    out = []
    seed = seed_case()
    ours = score_report(factdiff_report(seed), seed.gold)
    no_nli = score_report(factdiff_report(seed, nli=False), seed.gold)
    base = score_report(baseline_report(seed), seed.gold)
    failures = check(ours)
    measures = list(dict.fromkeys([*SEED_FLOORS, *ours, *base]))
    rows = [[m, describe(SEED_FLOORS[m]) if m in SEED_FLOORS else "", _cell(ours, m), _cell(no_nli, m),
             _cell(base, m)] for m in measures]
    notes = [
        "ok/of per score_gold.py measure on the seed pair (gold: ../shared/gold/seed-pair.json).",
        f"Baseline: nearest-neighbour sentence matching ({BASELINE_BACKEND} cosine >= {BASELINE_AGREE} "
        "= agree, "
        f"unmatched = unique, in-document cosine >= {BASELINE_DUPLICATE} = duplicate, no contradictions).",
        "Floors (bench/floors.py): " + ("all hold." if not failures else "DROPPED: " + "; ".join(failures)),
        "factdiff --no-nli: the same pipeline without the NLI model's vote (factdiff compare --no-nli).",
    ]
    cmd = "python -m bench gold" + (" --quick" if quick else "")
    out.append(
        Table("Gold: seed pair", cmd, ["measure", "floor", "factdiff", "factdiff --no-nli", "baseline"], rows, notes,
              ok=not failures)
    )

    cases = example_cases(QUICK_EXAMPLES if quick else None)
    if not cases:
        out.append(
            Table(
                "Gold: examples/",
                cmd,
                ["measure"],
                [],
                [f"No examples/CASE/gold.json folders found under {EXAMPLES}."],
            )
        )
        return out
    per_case = [
        (c.name, score_report(factdiff_report(c), c.gold), score_report(baseline_report(c), c.gold)) for c in cases
    ]
    measures = list(dict.fromkeys(m for _, o, b in per_case for m in [*o, *b]))
    rows = []
    for m in measures:
        tot_o = [sum(o.get(m, {}).get(k, 0) for _, o, _ in per_case) for k in ("ok", "of")]
        tot_b = [sum(b.get(m, {}).get(k, 0) for _, _, b in per_case) for k in ("ok", "of")]
        rows.append([m, f"{tot_o[0]}/{tot_o[1]}", f"{tot_b[0]}/{tot_b[1]}"] + [_cell(o, m) for _, o, _ in per_case])
    out.append(
        Table(
            f"Gold: examples/ ({len(cases)} cases)",
            cmd,
            ["measure", "factdiff (sum)", "baseline (sum)"] + [f"{name}" for name, _, _ in per_case],
            rows,
            ["Per-case cells are factdiff's ok/of." + (f" --quick: first {QUICK_EXAMPLES} cases." if quick else "")],
        )
    )
    return out


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows for callers that want plain dicts."""
    return [dict(zip(t.columns, r, strict=True)) for t in tables(quick) for r in t.rows]
