"""Entity resolution on the real dev cases: entities_same / entities_different as score_gold.py counts them.

Run: ``python bench/entities_dev.py [-v] [CASE ...]``. For every case in ../shared/gold/dev, reads the
documents (in the gold's ``documents`` order), runs ``entities.annotate`` (as the pipeline does, after
language detection), builds the report-contract entity list (``Entity.to_json``) and scores it with the
entity part of ../shared/tools/score_gold.py (imported by path). Prints per case and micro-averaged
entities_same / entities_different, the entity names found (``-v``), and why gold variant groups fail:
a variant never found as a mention ("missing"), or all found but in different entities ("not merged").
Skips with a message where ../shared is absent.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "gold" / "dev"
SCORER = SHARED / "tools" / "score_gold.py"

sys.path.insert(0, str(ROOT / "src"))


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_gold", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report(case: Path, gold: dict[str, Any]) -> dict[str, Any]:
    from factdiff import entities, text
    from factdiff.ingest import read_inputs

    docs = read_inputs([case / name for name in gold["documents"].values()])
    for d in docs:
        if d.language in ("", "und"):
            d.language = text.detect_language(d.text)
    ann = entities.annotate(docs)
    return {"documents": [{"id": d.id, "source": d.source, "text": d.text, "language": d.language} for d in docs],
            "entities": [e.to_json() for e in ann.entities]}


def _causes(sg: ModuleType, report: dict[str, Any], gold: dict[str, Any]) -> list[tuple[str, str]]:
    """(cause, group) for each failed entities_same group: 'missing' (a variant is no mention) or 'not merged'."""
    def norm(s: str) -> str:
        return str(sg.normalise(s)[0].strip())

    sets = [{norm(m["text"]) for m in e["mentions"]} | {norm(e["name"])} for e in report["entities"]]
    all_text = " ".join(sg.normalise(d["text"])[0] for d in report["documents"])
    out = []
    for group in gold.get("entities", {}).get("same", []):
        present = [norm(v) for v in group if norm(v) in all_text]
        if any(all(v in s for v in present) for s in sets):
            continue
        missing = [v for v in present if not any(v in s for s in sets)]
        cause = "missing" if missing else "not merged"
        out.append((cause, " = ".join(present) + (f"   [missing: {', '.join(missing)}]" if missing else "")))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("cases", nargs="*", help="case folder names (default: all)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every entity name per case")
    args = ap.parse_args(argv)
    if not DEV.exists() or not SCORER.exists():
        print(f"skip: {DEV} or {SCORER} not found")
        return 0
    sg = _scorer()
    totals: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    failures: list[str] = []
    for gold_path in sorted(DEV.glob("*/gold.json")):
        case = gold_path.parent
        if args.cases and case.name not in args.cases:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        report = _report(case, gold)
        res = sg.score(sg.Report(report, gold), gold)
        line = []
        for key in ("entities_same", "entities_different"):
            items = res.get(key, [])
            ok = sum(bool(o) for o, _ in items)
            totals[key + "_ok"] += ok
            totals[key + "_of"] += len(items)
            line.append(f"{key.split('_')[1]} {ok}/{len(items)}")
            for o, d in items:
                if not o and key == "entities_different":
                    failures.append(f"  {case.name}: MERGED {d}")
        ents = report["entities"]
        junk = [e["name"] for e in ents if len(e["name"]) <= 2 or e["name"][:1].islower()]
        totals["entities"] += len(ents)
        totals["junk"] += len(junk)
        langs = "/".join(d["language"] for d in report["documents"])
        print(f"{case.name:40s} {langs:9s} {'  '.join(line)}  entities {len(ents)}  junk-looking {len(junk)}")
        if args.verbose:
            print("    " + " | ".join(f"{e['name']} ({e['type']})" for e in ents))
        for cause, group in _causes(sg, report, gold):
            causes[cause] += 1
            failures.append(f"  {case.name}: {cause.upper()} {group}")
    same = totals["entities_same_ok"] / max(1, totals["entities_same_of"])
    diff = totals["entities_different_ok"] / max(1, totals["entities_different_of"])
    print(f"\nmicro entities_same {totals['entities_same_ok']}/{totals['entities_same_of']} = {same:.3f}   "
          f"entities_different {totals['entities_different_ok']}/{totals['entities_different_of']} = {diff:.3f}   "
          f"entities {totals['entities']}  junk-looking {totals['junk']}")
    print("failed same-groups by cause: " + ", ".join(f"{k} {v}" for k, v in causes.most_common()))
    print("\n".join(failures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
