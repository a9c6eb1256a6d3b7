"""End to end on real inputs: our example against our gold, the seeds against ../shared's gold."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLE, as_summary, score, shared_or_skip

import factdiff


@pytest.fixture(scope="module")
def example_report():
    return factdiff.compare([EXAMPLE])


def test_example_every_conflict_found(example_report):
    gold = json.loads((EXAMPLE / "gold.json").read_text(encoding="utf-8"))
    result = score(example_report.to_json(), gold)
    assert result["conflicts"] == (len(gold["conflicts"]), len(gold["conflicts"]))
    assert result["no_agree_on_disagreement"][0] == result["no_agree_on_disagreement"][1]
    assert result["duplicates"] == (1, 1)
    assert result["agreements"][0] >= 4


def test_example_report_fields(example_report):
    data = example_report.to_json()
    ids = {d["id"] for d in data["documents"]}
    assert {d["language"] for d in data["documents"]} == {"en", "fr"}
    for rel in data["relations"]:
        assert rel["label"] in {"agree", "contradict", "tension"}
        assert rel["explanation"]
        for side in ("a", "b"):
            doc = next(d for d in data["documents"] if d["id"] == rel[side]["doc"])
            assert 0 <= rel[side]["start"] < rel[side]["end"] <= len(doc["text"])
    assert len(data["similarity"]) == 3
    assert all(0.0 <= s["score"] <= 1.0 and {s["a"], s["b"]} <= ids for s in data["similarity"])
    # the French and English reports of the same event are found similar
    assert min(s["score"] for s in data["similarity"]) > 0.3
    assert example_report.stats["judge_calls"] < example_report.stats["claim_pairs"]


def test_seeds_meet_the_gold_floors():
    seeds = sorted(shared_or_skip("seeds").glob("*.txt"))
    gold = json.loads(shared_or_skip("gold", "seed-pair.json").read_text(encoding="utf-8"))
    from bench.floors import SEED_FLOORS, check

    report = factdiff.compare(seeds)
    result = score(report.to_json(), gold)
    failures = check(as_summary(result), SEED_FLOORS)
    assert not failures, failures
    # the naive baseline would judge every pair; the prefilter keeps it under a tenth
    assert report.stats["judge_calls"] <= 0.10 * report.stats["claim_pairs"]


def test_python_api_accepts_documents():
    from factdiff.doc import Document

    a = Document("x", "x.txt", "The bridge reopened on Monday after three weeks of repairs.")
    b = Document("y", "y.txt", "The bridge reopened on Monday after five weeks of repairs.")
    report = factdiff.compare([a, b])
    assert [r.verdict.kind for r in report.contradictions] == ["quantity"]
    assert "21 d vs 35 d: duration" in report.contradictions[0].verdict.explanation


def test_readme_sample_is_current(example_report):
    """The README shows real output: the sample must match what compare prints today."""
    from factdiff.render import render

    readme = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    sample = readme.split("## What the report looks like", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    printed = render(example_report, "terminal", color=False)
    assert printed.startswith(sample.rstrip("\n")), "README sample is stale: rerun factdiff compare examples/ferry"


def test_an_article_and_its_translation_agree_sentence_by_sentence():
    """A faithful translation states every fact of its original: counterpart sentences agree, nothing is at odds
    (bench/translations.py measures the same on MEANTIME)."""
    from bench.translations import compare_pair

    original = ["Storm closes mountain pass",
                "A landslide blocked the only road over the Kessel pass on Sunday night.",
                "About 40 trucks were stuck on both sides for nine hours.",
                "The regional council said the road would reopen on Wednesday.",
                "Nobody was injured, according to the fire brigade.",
                "Engineers will inspect the slope again next month."]
    translation = ["La tormenta cierra un puerto de montaña",
                   "Un deslizamiento de tierra bloqueó el domingo por la noche la única carretera del puerto "
                   "de Kessel.",
                   "Unos 40 camiones quedaron atrapados a ambos lados durante nueve horas.",
                   "El consejo regional dijo que la carretera se reabriría el miércoles.",
                   "Nadie resultó herido, según los bomberos.",
                   "Los ingenieros volverán a inspeccionar la ladera el mes que viene."]
    t = compare_pair(original, translation, "es")
    assert t.sentences == 5
    assert t.aligned >= 4, t
    assert t.misaligned == 0 and t.contradictions == 0 and t.tensions == 0, t.examples
