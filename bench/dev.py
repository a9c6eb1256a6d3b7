"""Real multi-outlet cases: factdiff on ../shared/gold/dev, beside the pre-issue-8 pipeline as the baseline.

Each case folder holds 2-3 articles of one real event in different languages and a gold file in the
seed-pair format; ``score_gold.py`` scores a report against it. Figures are micro-averaged over the
cases (ok / of summed, then divided), and split by language pair for the relation measures.

The baseline is the pipeline as it stood before the real-news work (git ``BASELINE_REF``), exported
with ``git archive`` into ``out/baseline-src/`` and run in a subprocess in the same bench run, so
both columns are measured on the same machine with the same data.

``--quick`` (CI) runs only our pipeline, checks ``DEV_FLOORS`` (bench/floors.py) and skips the baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import ROOT, SHARED, Skip, Table, archived_src
from bench.floors import DEV_FLOORS, DEV_GOALS, check, describe
from bench.gold import Case, cases_under, scorer

DEV = SHARED / "gold" / "dev"
BASELINE_REF = "49a8851"  # main before issue 8 (real-news verdicts)
MEASURES = ["conflicts", "tensions", "contradiction_precision", "agreements", "no_agree_on_disagreement",
            "unique", "duplicates", "entities_same", "entities_different"]
PAIRED = {"conflicts", "tensions", "agreements", "no_agree_on_disagreement"}


def dev_cases() -> list[Case]:
    if not DEV.is_dir():
        raise Skip(f"{DEV} not found (the real dev cases live in ../shared/gold/dev)")
    cases = cases_under(DEV)
    if not cases:
        raise Skip(f"no CASE/gold.json under {DEV}")
    return cases


def our_reports(cases: list[Case], **options: Any) -> dict[str, dict[str, Any]]:
    from factdiff import compare

    return {c.name: dict(compare([str(p) for p in c.paths], **options).to_json()) for c in cases}


def out_of_fold_reports(cases: list[Case], **options: Any) -> dict[str, dict[str, Any]]:
    """Each case compared with a same-fact model fitted on the other cases only (leave one case out)."""
    import numpy as np

    from factdiff import compare

    sys.path.insert(0, str(ROOT / "training"))
    from fit_samefact import case_rows, fit  # type: ignore[import-not-found]

    rows = {c.name: case_rows(c) for c in cases}
    out = {}
    for case in cases:
        x = np.concatenate([rows[c.name][0] for c in cases if c.name != case.name])
        y = np.concatenate([rows[c.name][1] for c in cases if c.name != case.name])
        model = fit(x, y)  # the default config's encoders ("use")
        out[case.name] = dict(compare([str(p) for p in case.paths], samefact_model=model, **options).to_json())
    return out


_BASELINE_SCRIPT = """
import json, sys
from factdiff import compare
out = {}
for name, paths in json.load(open(sys.argv[1])).items():
    out[name] = dict(compare(paths).to_json())
json.dump(out, open(sys.argv[2], "w"))
"""


def baseline_reports(cases: list[Case]) -> dict[str, dict[str, Any]]:
    """The pre-issue-8 pipeline's reports, run from its own source tree in a subprocess."""
    src = archived_src(BASELINE_REF)
    with tempfile.TemporaryDirectory() as tmp:
        spec, out = Path(tmp) / "cases.json", Path(tmp) / "reports.json"
        spec.write_text(json.dumps({c.name: [str(p) for p in c.paths] for c in cases}), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(src / "src"))
        done = subprocess.run([sys.executable, "-c", _BASELINE_SCRIPT, str(spec), str(out)], env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"baseline run failed: {done.stderr.strip().splitlines()[-1:]}")
        return dict(json.loads(out.read_text(encoding="utf-8")))


def score_items(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, list[tuple[bool, str]]]:
    sg = scorer()
    try:
        return dict(sg.score(sg.Report(report, gold), gold))
    except SystemExit as exc:
        raise RuntimeError(f"score_gold: {exc}") from exc


def languages(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, str]:
    """Gold document key (A, B, ...) -> the language the report detected for it."""
    by_file = {os.path.basename(str(d.get("source", ""))): d.get("language", "und") for d in report["documents"]}
    return {k: by_file.get(f, "und") for k, f in gold["documents"].items()}


def pair_labels(gold: dict[str, Any], langs: dict[str, str]) -> dict[str, list[str]]:
    """For each paired measure, the language pair of each gold item, in score_gold's order."""
    out: dict[str, list[str]] = defaultdict(list)
    for section in ("conflicts", "tensions"):
        for item in gold.get(section, []):
            ka, kb = [k for k in item if len(k) == 1 and k.isupper()][:2]
            lp = "-".join(sorted((langs[ka], langs[kb])))
            out[section].append(lp)
            out["no_agree_on_disagreement"].append(lp)
    for item in gold.get("agreements", []):
        ka, kb = [k for k in item if len(k) == 1 and k.isupper()][:2]
        out["agreements"].append("-".join(sorted((langs[ka], langs[kb]))))
    return out


def summarise(reports: dict[str, dict[str, Any]], cases: list[Case]) -> tuple[dict[str, list[int]],
                                                                              dict[str, dict[str, list[int]]],
                                                                              dict[str, dict[str, list[int]]]]:
    """(micro totals, per case, per language pair) as measure -> [ok, of]."""
    total: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_case: dict[str, dict[str, list[int]]] = {}
    per_pair: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for case in cases:
        report = reports[case.name]
        items = score_items(report, case.gold)
        labels = pair_labels(case.gold, languages(report, case.gold))
        per_case[case.name] = {}
        for measure, results in items.items():
            ok = sum(bool(o) for o, _ in results)
            total[measure][0] += ok
            total[measure][1] += len(results)
            per_case[case.name][measure] = [ok, len(results)]
            if measure in PAIRED:
                for (o, _), lp in zip(results, labels[measure]):
                    per_pair[lp][measure][0] += bool(o)
                    per_pair[lp][measure][1] += 1
    return dict(total), per_case, per_pair


def _ratio(got: list[int] | None) -> str:
    if not got or not got[1]:
        return "n/a"
    return f"{got[0] / got[1]:.2f} ({got[0]}/{got[1]})"


def tables(quick: bool = False) -> list[Table]:
    cases = dev_cases()
    ours = our_reports(cases) if quick else out_of_fold_reports(cases)
    ours_total, ours_case, ours_pair = summarise(ours, cases)
    summary = {m: {"ok": v[0], "of": v[1]} for m, v in ours_total.items()}
    failures = check(summary, DEV_FLOORS)
    cmd = "python -m bench dev" + (" --quick" if quick else "")
    notes = [
        f"{len(cases)} real events, 2-3 outlets each (../shared/gold/dev); micro-averaged ok/of over the cases.",
        "Floors (bench/floors.py DEV_FLOORS, checked in CI): "
        + ("all hold." if not failures else "DROPPED: " + "; ".join(failures)),
        "Goals of issue 8 in the goal column; a floor below its goal means the goal is not reached yet.",
        "Full run: out-of-fold figures (each case compared with a same-fact model fitted on the other 15 cases, "
        "training/fit_samefact.py). --quick uses the shipped model, fitted on all cases: a regression check only.",
    ]
    if quick:
        rows = [[m, describe(DEV_FLOORS[m]) if m in DEV_FLOORS else "", DEV_GOALS.get(m, ""),
                 _ratio(ours_total.get(m))] for m in MEASURES]
        return [Table("Dev cases (quick: ours only)", cmd, ["measure", "floor", "goal", "factdiff"], rows, notes,
                      ok=not failures)]
    base = baseline_reports(cases)
    base_total, _, base_pair = summarise(base, cases)
    no_nli = out_of_fold_reports(cases, nli=False)
    nn_total, _, _ = summarise(no_nli, cases)
    ce_total = _crossencoder_totals(cases)
    rows = [[m, describe(DEV_FLOORS[m]) if m in DEV_FLOORS else "", DEV_GOALS.get(m, ""),
             _ratio(ours_total.get(m)), _ratio(nn_total.get(m)), _ratio((ce_total or {}).get(m)),
             _ratio(base_total.get(m))] for m in MEASURES]
    out = [Table("Dev cases: micro-averaged", cmd,
                 ["measure", "floor", "goal", "factdiff", "factdiff --no-nli", "factdiff, cross-encoder as NLI",
                  f"baseline ({BASELINE_REF})"],
                 rows, notes + [f"Baseline: the pipeline at git {BASELINE_REF} (before issue 8), run from "
                                "`git archive` in a subprocess in the same bench run.",
                                "Cross-encoder column: the same run with Config(nli_model='crossencoder'): the "
                                "shipped cross-encoder (docs/MODEL.md) in place of the frozen-embedding NLI head, "
                                "same NLI policy (judge.NliPolicy)" + ("" if ce_total is not None else
                                "; not available here (no model)") + "."], ok=not failures)]
    pair_rows = []
    for lp in sorted(set(ours_pair) | set(base_pair)):
        row: list[Any] = [lp]
        for m in ("conflicts", "tensions", "agreements"):
            row += [_ratio(ours_pair.get(lp, {}).get(m)), _ratio(base_pair.get(lp, {}).get(m))]
        pair_rows.append(row)
    out.append(Table("Dev cases by language pair", cmd,
                     ["pair", "conflicts", "(baseline)", "tensions", "(baseline)", "agreements", "(baseline)"],
                     pair_rows, ["Language pairs as the report detects the documents' languages."]))
    case_rows = [[name, *[_ratio(v.get(m)) for m in ("conflicts", "tensions", "contradiction_precision",
                                                     "agreements", "unique", "entities_same")]]
                 for name, v in ours_case.items()]
    out.append(samefact_table(cases, cmd))
    out.append(Table("Dev cases one by one (factdiff)", cmd,
                     ["case", "conflicts", "tensions", "contra. precision", "agreements", "unique", "entities_same"],
                     case_rows))
    return out


def _crossencoder_totals(cases: list[Case]) -> dict[str, list[int]] | None:
    from factdiff.config import Config
    from factdiff.crossencoder import crossencoder_available

    if not crossencoder_available():
        return None
    reports = out_of_fold_reports(cases, config=Config(nli_model="crossencoder"))
    return summarise(reports, cases)[0]


def samefact_table(cases: list[Case], cmd: str) -> Table:
    """The same-fact model's out-of-fold ranking figures and reliability (predicted vs observed)."""
    sys.path.insert(0, str(ROOT / "training"))
    from fit_samefact import evaluate  # type: ignore[import-not-found]

    rows: list[list[Any]] = []
    notes = ["Leave one case out: every claim pair across two articles of a case is scored by a model fitted on the "
             "other cases; positive = the two claims cover a gold agreement, conflict or tension "
             "(training/fit_samefact.py)."]
    for encoders in ("use", "use+e5"):
        oof = evaluate(cases, encoders)["meta"]["out_of_fold"]
        notes.append(f"{encoders}: ROC AUC {oof['roc_auc']:.3f} (USE cosine alone {oof['roc_auc_cosine']:.3f}), "
                     f"average precision {oof['average_precision']:.3f}.")
        if encoders == "use":
            rows = [[r["bin"], r["pairs"], r["predicted"], r["observed"]] for r in oof["reliability"]]
    notes.append("Rows: reliability of the default model (encoders 'use'): mean predicted probability against the "
                 "observed share of gold pairs, per probability bin.")
    notes.append("Each fold's model carries the close-pair term (samefact.SameFactModel.close: across languages, "
                 "claims closer than a sentence and its translation usually are; fitted on MEANTIME translations, "
                 "training/fit_samefact.py). On the dev cases it moves only the few cross-lingual pairs above its "
                 "knot, most of them not annotated though they restate one fact (two headlines of one transfer), so "
                 "the average precision here is lower with it (python training/samefact_variants.py logistic close) "
                 "while the verdicts gain agreements (the tables above).")
    return Table("Same-fact model, out of fold", cmd, ["p bin", "claim pairs", "predicted", "observed"], rows, notes)
