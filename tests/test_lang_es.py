"""Spanish: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "es"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Más de 200 personas murieron en el incendio.", 200, "more", "dead"),
    ("El accidente dejó cinco muertos.", 5, "exact", "dead"),
    ("Unas 1000 personas fueron evacuadas.", 1000, "about", "evacuated"),
    ("Al menos 40 heridos fueron trasladados.", 40, "atleast", "injured"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("La reunión duró dos horas y media.", "duration", 2.5, "h"),
    ("El fichaje costó 1,5 millones de euros.", "money", 1.5e6, "EUR"),
    ("La inflación subió un 3,2 por ciento.", "percent", 3.2, "%"),
    ("El tren circulaba a 180 km/h.", "speed", 180, "km/h"),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("El robo empezó a las 2.30 de la madrugada.", 2 * 60 + 30),
    ("La primera patrulla llegó a las 5:04.", 5 * 60 + 4),
    ("El tren descarriló a las 20.41 horas.", 20 * 60 + 41),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("Las elecciones se celebraron el 27 de enero.", {(1, 27)}, set()),
    ("El incendio comenzó el domingo.", set(), {6}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities('Iban a bordo 218 pasajeros.', LANG)
    b = extract_quantities('Viajaban 240 pasajeros.', LANG)
    assert compare_quantities(a, b) == ('contradict', '218 vs 240: passengers')


def test_language_data():
    lang = get(LANG)
    assert {'nunca', 'no'} <= lang.negators and 'dijo' in lang.speech_verbs


def test_clock_in_words_is_not_a_count():
    text = "Los ladrones entraron poco antes de las cinco de la madrugada."
    (t,) = extract_dates(text, LANG).times
    assert (t.point, t.hedge) == (5 * 60, "just_before")
    assert extract_quantities(text, LANG) == []


def test_a_toll_that_rose_is_an_update():
    assert one("El número de muertos ascendió a 14 el domingo.").update
    assert not one("En el accidente murieron 9 personas.").update


@pytest.mark.parametrize("text, floor", [
    ("Miles de personas llenaron la plaza.", 1_000),
    ("Cientos de miles de personas llenaron la plaza.", 100_000),
])
def test_plural_scale_words_are_floors_not_figures(text, floor):
    q = one(text, "count")
    assert (q.value, q.high, q.hedge, q.measured) == (floor, float("inf"), "more", "people")


def test_de_las_before_hours_is_a_clock_time():
    text = "El ministro habló con la prensa alrededor de las 22 horas, tras la reunión."
    assert [(t.point, t.hedge) for t in extract_dates(text, LANG).times] == [(22 * 60, "about")]
    assert not [q for q in extract_quantities(text, LANG) if q.dimension == "duration"]


def test_a_figure_after_cost_the_lives_of_counts_the_dead():
    found = extract_quantities('El incendio se cobró la vida de 17 vecinos.', LANG)
    assert [(q.value, q.measured) for q in found] == [(17, "dead")]


def test_a_person_of_n_years_is_an_age_not_a_duration():
    found = extract_quantities('Dos niñas de siete y cuatro años fueron atendidas en el lugar.', LANG)
    assert [q.value for q in found if q.dimension == "age"] == [7, 4]
    assert not [q for q in found if q.dimension == "duration"]
    # the same words after a noun that is not a person: a duration
    other = extract_quantities('Una obra de cinco años bloqueó el puerto.', LANG)
    assert [q.dimension for q in other] == ["duration"]


def test_between_with_singular_articles_is_a_range_of_percentages():
    found = extract_quantities("El paro se sitúa entre el 20 y el 30 por ciento.", LANG)
    assert [(q.low, q.high, q.unit) for q in found] == [(20, 30, "%")]


def test_between_las_is_clock_times_not_a_range_of_hours():
    found = [q for q in extract_quantities("La tienda abre entre las 9 y las 11 horas.", LANG) if q.hedge == "range"]
    assert found == []


def test_between_with_articles_is_a_range():
    found = [q for q in extract_quantities("El nuevo ferry puede llevar entre los 300 y los 350 pasajeros.", LANG)
             if q.dimension == "count"]
    assert [(q.low, q.high, q.hedge, q.measured) for q in found] == [(300, 350, "range", "passengers")]


def test_ago_before_the_figure_and_postponement_are_time_offsets():
    found = extract_quantities("La obra, empezada hace dos años, fue aplazada por 3 meses.", LANG)
    assert [(q.value, q.measured) for q in found if q.dimension == "duration"] == [(2 * 8760, "delay"),
                                                                                   (3 * 730, "delay")]
