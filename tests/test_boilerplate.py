"""Page furniture (ads, "read also" links, bylines) is reported as noise, never read as a claim."""

from __future__ import annotations

import pytest

import factdiff
from factdiff.doc import Document
from factdiff.text import is_boilerplate


@pytest.mark.parametrize("line, lang", [
    ("Anzeige", "de"), ("Lesen Sie auch: Neue Brücke für die Altstadt", "de"), ("Von Anna Keller", "de"),
    ("Advertisement", "en"), ("Read more: the council's budget in five charts", "en"), ("By Jane Doe", "en"),
    ("Lire aussi : la grève des ferries", "fr"), ("Lee también: el puente cerrado", "es"),
    ("Leggi anche: il ponte chiuso", "it"), ("Leia também: a ponte fechada", "pt"), ("Lees ook: de brug", "nl"),
    ("Czytaj także: most zamknięty", "pl"), ("Baca juga: jembatan ditutup", "id"), ("Reklam", "tr"),
    (".", "en"), ("* * *", "en"), ("– HERALD/WIRE/AP", "es"), ("(DPA)", "de"),
])
def test_furniture_is_recognised(line, lang):
    assert is_boilerplate(line, lang)


@pytest.mark.parametrize("line, lang", [
    ("Von den zwölf Passagieren wurden drei verletzt.", "de"),
    ("By noon, the bridge had reopened to traffic.", "en"),
    ("Advertisers pulled out of the festival after the storm.", "en"),
    ("Read the full statement of the harbour authority below, the mayor said.", "it"),
    ("NASA LOSES CONTACT WITH PROBE AT 21:15", "en"), ("The EU and NATO agreed.", "en"),
    # scripts without case have no "line in capitals"
    ("船长周二被警方拘留。", "zh"), ("احتجزت الشرطة القبطان.", "ar"),
])
def test_claims_are_not_furniture(line, lang):
    assert not is_boilerplate(line, lang)


def test_furniture_is_noise_not_claims():
    a = ("Die alte Brücke in Lindau wurde am Montag nach drei Wochen wieder geöffnet.\nAnzeige\n"
         "Lesen Sie auch: Neue Radwege für die Innenstadt\nDie Reparatur kostete zwei Millionen Euro.")
    b = ("The old bridge in Lindau reopened on Monday after three weeks of repairs.\n"
         "The repairs cost two million euros.")
    report = factdiff.compare([Document("a", "a.txt", a, language="de"), Document("b", "b.txt", b, language="en")],
                              nli=False)
    texts = {c.text for c in report.claims["a"]}
    assert not any("Anzeige" in t or "Lesen Sie" in t for t in texts)
    assert {s.text.strip() for s in report.noise} == {"Anzeige", "Lesen Sie auch: Neue Radwege für die Innenstadt"}
    assert report.to_json()["summary"]["noise"] == 2
    assert report.claims["a"] and report.relations  # the rest was read and judged
