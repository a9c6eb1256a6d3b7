"""Portuguese: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "pt"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Mais de 230 pessoas morreram no incêndio.", 230, "more", "dead"),
    ("O acidente deixou cinco mortos.", 5, "exact", "dead"),
    ("Quase 100 feridos foram hospitalizados.", 100, "almost", "injured"),
    ("Cerca de 1000 pessoas foram evacuadas.", 1000, "about", "evacuated"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("A reunião durou duas horas e meia.", "duration", 2.5, "h"),
    ("O clube pagou 100 milhões de euros.", "money", 100e6, "EUR"),
    ("A inflação chegou a 4,5 por cento.", "percent", 4.5, "%"),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("O fogo começou às 2h30 da madrugada.", 2 * 60 + 30),
    ("A conferência terminou às 22H40.", 22 * 60 + 40),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("A eleição foi realizada em 27 de janeiro.", {(1, 27)}, set()),
    ("O incêndio começou na quinta-feira.", set(), {3}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities('Pelo menos 231 pessoas morreram.', LANG)
    b = extract_quantities('231 mortos foram confirmados.', LANG)
    assert compare_quantities(a, b) == ('agree', 'at least 231 vs 231: dead')


def test_language_data():
    lang = get(LANG)
    assert {'nunca', 'não'} <= lang.negators and 'disse' in lang.speech_verbs


def test_das_before_hours_is_a_clock_time():
    text = "O ministro falou aos jornalistas cerca das 22 horas, depois da reunião."
    assert [(t.point, t.hedge) for t in extract_dates(text, LANG).times] == [(22 * 60, "about")]
    assert not [q for q in extract_quantities(text, LANG) if q.dimension == "duration"]


def test_a_figure_after_cost_the_lives_of_counts_the_dead():
    found = extract_quantities('O incêndio custou a vida de 17 moradores.', LANG)
    assert [(q.value, q.measured) for q in found] == [(17, "dead")]


def test_a_person_of_n_years_is_an_age_not_a_duration():
    found = extract_quantities('Duas meninas de sete e quatro anos foram atendidas no local.', LANG)
    assert [q.value for q in found if q.dimension == "age"] == [7, 4]
    assert not [q for q in found if q.dimension == "duration"]
    # the same words after a noun that is not a person: a duration
    other = extract_quantities('Uma obra de cinco anos bloqueou o porto.', LANG)
    assert [q.dimension for q in other] == ["duration"]


def test_between_with_articles_is_a_range():
    found = [q for q in extract_quantities("O novo ferry pode levar entre os 300 e os 350 passageiros.", LANG)
             if q.dimension == "count"]
    assert [(q.low, q.high, q.hedge, q.measured) for q in found] == [(300, 350, "range", "passengers")]


def test_ago_before_the_figure_and_postponement_are_time_offsets():
    found = extract_quantities("Há dois anos, a obra foi adiada por 3 meses.", LANG)
    assert [(q.value, q.measured) for q in found if q.dimension == "duration"] == [(2 * 8760, "delay"),
                                                                                   (3 * 730, "delay")]
