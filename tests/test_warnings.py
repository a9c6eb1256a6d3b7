"""Sanity warnings: identical inputs, articles about different events, languages without a parser."""

from __future__ import annotations

import factdiff
from factdiff.doc import Document
from factdiff.render import render

BRIDGE = ("The old river bridge in the town centre reopened on Monday after three weeks of repairs. "
          "Engineers replaced the worn steel cables and repainted the railings. "
          "The mayor said traffic would return to normal by the end of the week.")


def test_identical_inputs_are_flagged():
    report = factdiff.compare([Document("a", "a.txt", BRIDGE), Document("b", "b.txt", BRIDGE)], nli=False)
    assert any("same text" in w for w in report.warnings)
    assert report.agreements  # the pair was judged: the warning is about meaning, not a skip


def test_articles_about_different_events_are_flagged():
    other = ("A rare orchid bloomed in the botanical garden for the first time in forty years. "
             "Visitors queued for hours to see its white petals. The gardeners had tended it since 1985.")
    report = factdiff.compare([Document("a", "a.txt", BRIDGE), Document("b", "b.txt", other)], nli=False)
    assert any("may not report the same event" in w for w in report.warnings)
    for fmt in ("terminal", "markdown", "html", "json"):
        assert "may not report the same event" in render(report, fmt, color=False)


def test_a_language_without_parser_is_flagged():
    german = ("Die alte Flussbrücke im Stadtzentrum wurde am Montag nach drei Wochen Reparatur wieder "
              "geöffnet. Ingenieure ersetzten die Stahlseile.")
    report = factdiff.compare([Document("a", "a.txt", BRIDGE, language="en"),
                               Document("b", "b.txt", german, language="de")], nli=False)
    assert any("no parser for language 'de'" in w for w in report.warnings)
    assert not any("language 'en'" in w for w in report.warnings)


def test_leaving_entities_out_changes_no_verdict():
    a = ("The Norwegian Coast Guard asked the Varden Fishermen's Association to keep its boats out of the channel. "
         "Inspectors from Oslo said no fuel had leaked into the sea. The rescue lasted about five hours.")
    b = ("The Varden Fishermen's Association asked the Norwegian Coast Guard to close the channel. "
         "Inspectors from Oslo said fuel had leaked into the sea. The rescue lasted three hours.")
    docs = [Document("a", "a.txt", a, language="en"), Document("b", "b.txt", b, language="en")]
    full = factdiff.compare(docs, nli=False)
    bare = factdiff.compare(docs, nli=False, entities=False)
    verdicts = [(r.a.id, r.b.id, r.verdict.label, r.verdict.kind) for r in full.relations]
    assert {k for _, _, _, k in verdicts} >= {"quantity"}  # the pair was judged on its figures
    assert verdicts == [(r.a.id, r.b.id, r.verdict.label, r.verdict.kind) for r in bare.relations]
    assert full.entities and not bare.entities
