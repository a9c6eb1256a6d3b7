"""annotate() once per article, compare_annotated() across them; both round-trip through JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factdiff import annotate, compare, compare_annotated
from factdiff.annotated import AnnotatedArticle, AnnotationError
from factdiff.cli import app
from factdiff.ingest import read_inputs
from factdiff.report import Report, ReportFormatError

FERRY = Path(__file__).resolve().parent.parent / "examples" / "ferry"


def _without_timings(report: Report) -> dict:
    data = report.to_json()
    data["stats"].pop("timings_s", None)
    return data


@pytest.fixture(scope="module")
def docs():
    return read_inputs([str(FERRY)])


@pytest.fixture(scope="module")
def direct(docs):
    return compare(docs)


def test_compare_is_annotate_then_compare_annotated_through_json(docs, direct):
    stored = [json.dumps(annotate(d).to_dict()) for d in docs]  # what a store keeps
    back = [AnnotatedArticle.from_dict(json.loads(s)) for s in stored]
    again = compare_annotated(back)
    assert direct.contradictions, "the ferry example has contradictions to carry through"
    assert _without_timings(again) == _without_timings(direct)
    # the parse travelled too: the negation and who-asked-whom contradictions need it
    kinds = {r.verdict.kind for r in again.contradictions}
    assert {"negation", "roles"} <= kinds


def test_annotation_does_not_depend_on_the_other_articles(docs):
    alone = annotate(docs[0]).to_dict()
    for other in docs[1:]:
        annotate(other)
    assert annotate(docs[0]).to_dict() == alone
    assert all(c["id"].startswith(docs[0].id + ":") for c in alone["claims"])
    assert alone["schema_version"] == 1 and alone["document"]["language"] == "en"


def test_report_round_trips_through_json(direct):
    data = direct.to_json()
    assert data["schema_version"] == 1
    again = Report.from_json(json.loads(json.dumps(data)))
    assert again.to_json() == data
    assert len(again.contradictions) == len(direct.contradictions) > 0


def test_damaged_annotation_is_refused_with_a_reason(docs):
    good = annotate(docs[0]).to_dict()
    with pytest.raises(AnnotationError, match="schema version"):
        AnnotatedArticle.from_dict({**good, "schema_version": 99})
    vecs = {name: {**v, "shape": [v["shape"][0] + 1, v["shape"][1]]} for name, v in good["vectors"].items()}
    with pytest.raises(AnnotationError):
        AnnotatedArticle.from_dict({**good, "vectors": vecs})
    with pytest.raises(AnnotationError, match="damaged"):
        AnnotatedArticle.from_dict({**good, "claims": [{"id": "x"}]})
    with pytest.raises(AnnotationError, match="parse"):
        AnnotatedArticle.from_dict({**good, "parse": {"lang": "en", "data": "AAAA"}})


def test_report_from_json_refuses_what_is_not_a_report(direct):
    with pytest.raises(ReportFormatError):
        Report.from_json([1, 2])
    with pytest.raises(ReportFormatError, match="version"):
        Report.from_json({**direct.to_json(), "schema_version": 7})
    with pytest.raises(ReportFormatError, match="damaged"):
        Report.from_json({**direct.to_json(), "relations": [{"a": {}}]})


def test_render_cli_renders_a_stored_report(direct, tmp_path):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(direct.to_json()), encoding="utf-8")
    runner = CliRunner()
    html = runner.invoke(app, ["render", str(path), "-f", "html"])
    assert html.exit_code == 0, html.output
    assert "<html" in html.stdout.lower() and Path(direct.documents[0].source).name in html.stdout
    first = direct.contradictions[0].a.text.split()[:3]
    assert " ".join(first) in html.stdout
    md = runner.invoke(app, ["render", str(path), "-f", "markdown"])
    assert md.exit_code == 0 and "ontradiction" in md.stdout
    js = runner.invoke(app, ["render", str(path), "-f", "json"])
    assert json.loads(js.stdout) == direct.to_json()


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00binary", "not UTF-8"),
    (b"{not json", "not JSON"),
    (b'{"documents": 3}', "not a factdiff report"),
])
def test_render_cli_bad_input_is_one_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["render", str(path)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(app, ["render", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "cannot read" in missing.output
