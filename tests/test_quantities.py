import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factdiff.quantities import compare_dates, compare_quantities, compare_quantity, extract_dates, extract_quantities


def q(text):
    return extract_quantities(text)


@pytest.mark.parametrize("text, hours", [
    ("met for three hours", 3.0),
    ("lasted two and a half hours", 2.5),
    ("an hour and a half", 1.5),
    ("half an hour", 0.5),
    ("a 90-minute meeting", 1.5),
    ("la réunion a duré deux heures et demie", 2.5),
    ("pendant 3 heures", 3.0),
])
def test_durations(text, hours):
    found = [x for x in q(text) if x.dimension == "duration"]
    assert found and found[0].low == pytest.approx(hours) and found[0].high == pytest.approx(hours)


def test_hedged_durations_agree_and_exact_ones_contradict():
    assert compare_quantities(q("about three hours"), q("nearly three hours"))[0] == "agree"
    assert compare_quantities(q("for three hours"), q("lasted two and a half hours"))[0] == "contradict"
    # "more than two hours" vs "three hours": compatible but not the same figure (issue 8: tension)
    assert compare_quantities(q("more than two hours"), q("three hours"))[0] == "tension"
    assert compare_quantities(q("within three hours"), q("about five hours"))[0] == "contradict"


def test_counts_money_percent_in_words_and_digits():
    assert compare_quantities(q("twelve people were injured"), q("12 people were injured"))[0] == "agree"
    assert compare_quantities(q("five people died"), q("seven people died"))[0] == "contradict"
    assert compare_quantities(q("a 5% rise"), q("a rise of 5 percent"))[0] == "agree"
    assert compare_quantities(q("2,300 tonnes of timber"), q("2 300 tonnes de bois"))[0] == "agree"
    assert compare_quantities(q("has twice spoken"), q("spoke twice"))[0] == "agree"


def test_names_and_years_are_not_counts():
    assert q("Channel 12 News reported it") == []
    assert q("the 2015 nuclear deal") == []
    assert compare_quantities(q("five people died"), q("the talks lasted an hour")) is None


def test_dates_weekdays_and_times():
    assert compare_dates(extract_dates("on Thursday"), extract_dates("mercredi"))[:2] == ("contradict", "date")
    assert compare_dates(extract_dates("on Saturday"), extract_dates("samedi")) is None
    assert compare_dates(extract_dates("on February 24"), extract_dates("le 24 février")) is None
    assert compare_dates(extract_dates("on March 3"), extract_dates("on March 5"))[0] == "contradict"
    assert compare_dates(extract_dates("at 3 p.m."), extract_dates("à 15h00")) is None
    assert compare_dates(extract_dates("at 3 p.m."), extract_dates("at 5 p.m."))[1] == "time"


def test_dates_and_slashes_are_not_counts():
    assert q("families of those killed in the Sept. 11 attacks") == []
    assert extract_quantities("the 9/11 victims") == []
    # "Sept. 11" is a date; "Fifteen of the 19" is a partitive: both figures count the same thing
    found = extract_quantities("Fifteen of the 19 Sept. 11 hijackers", "en")
    assert [x.value for x in found] == [15, 19] and found[0].measured == found[1].measured
    assert extract_quantities("sept blessés", "fr")[0].low == 7
    assert all(x.low < 100 for x in extract_quantities("it cost 50 cents", "en"))  # "cent" is not a hundred


def test_when_something_was_said_is_not_when_it_happened():
    assert not extract_dates("Two officials said Thursday that the troops would leave.").weekdays
    assert not extract_dates("On Saturday, the president told reporters he was pleased.").weekdays
    assert extract_dates("The troops will leave on Thursday, officials said.").weekdays == {3}
    assert not extract_dates("President Brandt on Saturday said he was pleased.").weekdays


# ----- comparisons: verdict and explanation (issue 8) -----

def qs(text, lang="en"):
    return extract_quantities(text, lang)


@pytest.mark.parametrize("a, la, b, lb, expected", [
    ("At least 231 people died.", "en", "The death toll stands at 245.", "en",
     ("tension", "at least 231 vs 245: dead")),
    ("At least 231 people died.", "en", "231 people died.", "en", ("agree", "at least 231 vs 231: dead")),
    ("More than 100 people were hospitalised.", "en", "120 people remained hospitalised.", "en",
     ("tension", "more than 100 vs 120: hospitalised")),
    ("The storm left 84 dead.", "en", "86 people were killed by the storm.", "en", ("contradict", "84 vs 86: dead")),
    ("Mindestens 84 Menschen starben.", "de", "84 people died.", "en", ("agree", "at least 84 vs 84: dead")),
    ("Hubo cinco muertos.", "es", "Ci sono stati sette morti.", "it", ("contradict", "5 vs 7: dead")),
    ("The talks lasted about 2.5 hours.", "en", "The talks lasted well over three hours.", "en",
     ("contradict", "about 2.5 h vs more than 3 h: duration (meeting)")),
    ("The first round lasted almost two hours.", "en", "Die erste Runde habe 93 Minuten gedauert.", "de",
     ("contradict", "almost 2 h vs 93 min: duration")),
    ("The wreck lies 11 miles offshore.", "en", "Das Wrack liegt 17,7 Kilometer vor der Küste.", "de",
     ("agree", "17.7028 km vs 17.7 km: distance")),
    ("The club paid 105 million euros.", "en", "O clube pagou 100 milhões de euros.", "pt",
     ("contradict", "105 million EUR vs 100 million EUR: money")),
    # "people" against a kind of people: never more than a tension
    ("About 107,000 people marched.", "en", "100mila manifestanti hanno sfilato.", "it",
     ("tension", "about 107000 vs 100000: people")),
    ("About 100,000 people marched.", "en", "100mila manifestanti hanno sfilato.", "it",
     ("agree", "about 100000 vs 100000: people")),
])
def test_comparisons_give_verdict_and_explanation(a, la, b, lb, expected):
    assert compare_quantities(qs(a, la), qs(b, lb)) == expected


def test_partitive_figures_are_compared_thing_by_thing():
    a = qs("41 of the 78 passengers died.")
    b = qs("78 passengers were on board and 40 died.")
    assert compare_quantities(a, b) == ("contradict", "41 vs 40: dead")
    assert compare_quantity(a[1], b[0]) == ("agree", "78 vs 78: passengers")


def test_different_things_are_not_compared():
    assert compare_quantities(qs("Five people died."), qs("Five people were injured.")) is None
    assert compare_quantities(qs("The first round took 35 percent."), qs("The fine was 35 euros.")) is None
    assert compare_quantity(qs("12 seats")[0], qs("12 votes")[0]) is None


def test_clock_times_and_years_compare():
    assert compare_dates(extract_dates("at 5.40pm", "en"), extract_dates("um 17:40 Uhr", "de")) is None
    assert compare_dates(extract_dates("at 5.40pm", "en"), extract_dates("à 18h40", "fr")) == (
        "contradict", "time", "17:40 vs 18:40")
    assert compare_dates(extract_dates("at 17:40 GMT", "en"), extract_dates("at 19:40", "en")) is None
    assert compare_dates(extract_dates("He joined in 2008.", "en"), extract_dates("Er kam 2009.", "de")) == (
        "contradict", "date", "2008 vs 2009")


@given(st.text(max_size=200))
@settings(max_examples=150, deadline=None)
def test_readers_never_raise(text):
    for lang in ("en", "de", "tr", "und"):
        extract_quantities(text, lang)
        extract_dates(text, lang)


def test_a_count_is_not_a_year_and_a_year_is_not_a_count():
    assert extract_dates("The hall had room for 2000 people.", "en").years == set()
    assert [(q.value, q.measured) for q in qs("The hall had room for 2000 people.")] == [(2000, "capacity")]
    assert qs("The 2018 meeting went well.") == []
    assert extract_dates("The 2018 meeting went well.", "en").years == {2018}


def test_a_change_is_not_a_level():
    lost = qs("The party lost 11 seats.")
    assert [q.measured for q in lost] == ["seats:change"]
    assert compare_quantities(lost, qs("The party won 11 seats.")) is None
    assert compare_quantities(lost, qs("The governing party loses 12 seats.")) == (
        "contradict", "11 vs 12: seats (change)")


def test_an_elliptical_change_counts_what_came_before():
    found = qs("The party kept 24 seats, 10 fewer than before.")
    assert [(q.value, q.measured) for q in found] == [(24, "seats"), (10, "seats:change")]
    assert compare_quantities(found, qs("De partij gaat elf zetels achteruit.", "nl")) == (
        "contradict", "10 vs 11: seats (change)")


def test_a_time_offset_is_not_a_duration():
    """"three days after the closure" says when, not how long: it never meets "closed for three weeks"."""
    from factdiff.quantities import compare_quantities, extract_quantities

    offset = extract_quantities("Repair crews began work on Wednesday, three days after the bridge was closed.", "en")
    lasted = extract_quantities("The bridge will stay closed for three weeks.", "en")
    assert [q.measured for q in offset] == ["delay"]
    assert compare_quantities(offset, lasted) is None
    later = extract_quantities("Zwei Tage später öffnete die Brücke wieder.", "de")
    assert [q.measured for q in later] == ["delay"]
    assert compare_quantities(lasted, extract_quantities("The bridge will stay closed for six weeks.", "en"))[0] == \
        "contradict"


# --- running tolls, "N hours of ...", "afternoon" (issue 8: updates are tensions; a figure read once) ---

def test_a_toll_given_as_an_update_is_a_tension():
    rose = q("The landslide death toll rose to 14 on Sunday.")
    assert [x.update for x in rose] == [True]
    found = compare_quantities(rose, q("Nine people died in the landslide."))
    assert found is not None and found[0] == "tension" and "14 vs 9: dead" in found[1]


def test_a_toll_given_as_a_floor_is_a_tension_but_exact_tolls_contradict():
    assert compare_quantities(q("At least 60 people were injured in the blast."),
                              q("52 people were injured in the blast."))[0] == "tension"
    assert compare_quantities(q("Forty people died in the blast."), q("42 people died in the blast."))[0] == \
        "contradict"


def test_a_floor_on_something_other_than_a_toll_still_contradicts():
    found = compare_quantities(q("The hearing lasted more than six hours."), q("The hearing lasted four hours."))
    assert found is not None and found[0] == "contradict"


def test_hours_of_something_are_no_clock_time():
    assert not extract_dates("Après six heures de négociations, l'accord est signé.", "fr").times
    assert [t.point for t in extract_dates("Ils se retrouvent à 15 heures devant la mairie.", "fr").times] == [900]
    assert [t.point for t in extract_dates("La séance reprend après 14 heures.", "fr").times] == [840]


def test_afternoon_is_not_after_noon():
    assert not extract_dates("En début d'après-midi, la foule se dispersait.", "fr").times
    assert [t.point for t in extract_dates("La foule se dispersait vers midi.", "fr").times] == [720]
    assert [t.point for t in extract_dates("O comboio partiu à meia-noite.", "pt").times] == [0]


def test_a_lasting_verb_says_what_the_duration_measures():
    found = q("The meeting between the two ministers lasted more than three hours.")
    assert [x.measured for x in found if x.dimension == "duration"] == ["meeting"]
    found = extract_quantities("La reunión entre los dos ministros duró más de tres horas.", "es")
    assert [x.measured for x in found if x.dimension == "duration"] == ["meeting"]


def test_an_unlabelled_figure_meets_its_best_counterpart_once():
    # "95 minutes" agrees with the talks' 95 minutes, and is not then set against the lunch's 40
    found = compare_quantities(q("The talks took 95 minutes."),
                               q("The talks lasted 95 minutes and the lunch afterwards 40 minutes."))
    assert found is not None and found[0] == "agree"


def test_durations_thirty_times_apart_are_not_one_fact():
    assert compare_quantities(q("She has chaired the meetings for more than eight years."),
                              q("The meeting lasted three hours.")) is None


def test_the_same_figure_in_both_claims_outweighs_an_earlier_estimate_beside_it():
    a = extract_quantities("The party won 6.1 percent of the votes.", "en")
    b = extract_quantities("Polls had given it 5.2%, but the final count put the party at 6.1 percent of the votes.",
                           "en")
    found = compare_quantities(a, b)
    assert found is not None and found[0] == "agree", found
    # without the shared figure the two counts are at odds
    c = extract_quantities("Polls had given the party 5.2 percent of the votes.", "en")
    assert compare_quantities(a, c) == ("contradict", "6.1% vs 5.2%: percent (votes)")


def test_a_year_inside_another_claims_span_of_years_is_no_tension():
    span = extract_dates("She ran the agency from 1991 to 2004.", "en")
    inside = extract_dates("In 1999 the agency moved to a new building.", "en")
    outside = extract_dates("In 2011 the agency moved to a new building.", "en")
    assert compare_dates(span, inside) is None and compare_dates(inside, span) is None
    assert compare_dates(span, outside) == ("tension", "date", "1991/2004 vs 2011")


def test_counts_of_one_thing_an_order_of_magnitude_apart_are_a_tension():
    whole = q("The airline's collapse left 300,000 travellers stranded.")
    part = q("In Spain, 25,000 travellers were stranded after the airline's collapse.")
    found = compare_quantities(part, whole)
    assert found is not None and found[0] == "tension" and "25000 vs 300000: traveller" in found[1], found
    # nearer counts of the same thing still contradict
    found = compare_quantities(q("In Spain, 25,000 travellers were stranded."),
                               q("In Spain, 40,000 travellers were stranded."))
    assert found is not None and found[0] == "contradict", found


def test_restates_is_the_same_figure_or_bound_for_the_same_thing() -> None:
    from factdiff.quantities import restates

    def one(text: str, lang: str = "en"):
        qs = extract_quantities(text, lang)
        assert len(qs) == 1, qs
        return qs[0]

    more = one("More than 130 people were injured.")
    assert restates(more, one("At least 130 people were injured in the crash."))
    assert restates(one("Twelve people died."), one("12 people died in the fire."))
    assert restates(more, one("Mindestens 130 Menschen wurden verletzt.", "de"))
    assert not restates(more, one("At most 130 people were injured."))
    assert not restates(more, one("More than 130 people died."))
    assert not restates(more, one("More than 140 people were injured."))
    # a measurement with its unit restates itself even where no sentence says what it measures
    assert restates(one("The photo was taken 37,600 km from Earth."), one("It was then 37,600 km away."))
    assert not restates(one("Three people were hurt."), one("Three days later it reopened."))


@pytest.mark.parametrize("a, b, label", [
    ("The probe was 40,000 km from Earth.", "The probe was 37,600 km from Earth.", "tension"),
    ("La sonde était à 40.000 km de la Terre.", "La sonde était à 31.000 km de la Terre.", "contradict"),
    ("The club paid 100 million euros.", "The club paid 105 million euros.", "contradict"),
    ("The hall holds 2,000 people.", "The hall holds 1,700 people.", "contradict"),
])
def test_a_round_measurement_is_vaguer_not_a_clash_within_its_rounding(a, b, label):
    lang = "fr" if "sonde" in a else "en"
    found = compare_quantities(extract_quantities(a, lang), extract_quantities(b, lang))
    assert found is not None and found[0] == label, found


def test_a_vague_range_is_weighed_from_its_nearest_end():
    # "a few kilometres" is 2-9 km: about 13 times 150 m from its lower end, close enough to be one measure
    found = compare_quantities(extract_quantities("The engine failed a few kilometres above the ground.", "en"),
                               extract_quantities("El motor falló a 150 metros del suelo.", "es"))
    assert found is not None and found[0] == "contradict", found
    # exact figures 40 times apart still measure different things
    assert compare_quantities(extract_quantities("The probe flew 4 km above the ground.", "en"),
                              extract_quantities("The probe flew 100 metres above the ground.", "en")) is None


def test_the_seriously_injured_are_a_part_of_the_injured():
    both = "Five people were injured, two of them seriously."
    assert compare_quantities(extract_quantities(both, "en"),
                              extract_quantities("Five people were injured, two seriously.", "en"))[0] == "agree"
    # the parts themselves disagree: three seriously injured against two
    found = compare_quantities(extract_quantities("Cinq blessés, dont deux grièvement.", "fr"),
                               extract_quantities("Fünf wurden verletzt, davon drei schwer.", "de"))
    assert found is not None and found[0] == "contradict" and "seriously injured" in found[1], found
    # a part against a whole where neither claim counts the other's: a tension, not a clash
    found = compare_quantities(extract_quantities("Two people were seriously injured.", "en"),
                               extract_quantities("Five people were injured.", "en"))
    assert found is not None and found[0] == "tension", found


@pytest.mark.parametrize("text, language", [
    ("The old theatre had room for 300 guests.", "en"),
    ("Le gymnase offrait de la place pour 500 personnes.", "fr"),
    ("In der Halle war Platz für 800 Zuschauer.", "de"),
    ("Era un local pequeño, con espacio suficiente para 400 personas.", "es"),
    ("O salão tinha espaço para 250 pessoas.", "pt"),
    ("La sala ha posto per 120 persone.", "it"),
    ("De zaal biedt ruimte voor 600 mensen.", "nl"),
])
def test_room_for_a_number_of_people_is_a_capacity(text, language):
    assert [(q.value, q.measured) for q in extract_quantities(text, language)][0][1] == "capacity"


def test_a_capacity_said_as_room_meets_a_capacity_said_outright():
    found = compare_quantities(extract_quantities("The hall had a capacity of 300 people.", "en"),
                               extract_quantities("Le gymnase avait de la place pour 500 personnes.", "fr"))
    assert found == ("contradict", "300 vs 500: capacity"), found
    # a preposition alone is no room: "2 people" stays a count of people
    assert [q.measured for q in extract_quantities("Paid 3 euros for 2 people.", "en")
            if q.dimension == "count"] == ["people"]


@pytest.mark.parametrize("change, language", [
    ("Pensioners face a 23 percent across-the-board cut in benefits.", "en"),
    ("Benefits would be cut by 23 percent.", "en"),
    ("Les retraités subiraient une baisse de 23 % des pensions.", "fr"),
    ("Den Rentnern droht eine Kürzung um 23 Prozent.", "de"),
    ("Los jubilados sufrirían un recorte del 23 por ciento.", "es"),
])
def test_a_percentage_change_is_not_a_level(change, language):
    level = extract_quantities("The fund will only be able to pay 77 percent of promised benefits.", "en")
    changed = extract_quantities(change, language)
    assert [q.measured for q in changed if q.dimension == "percent"] == [":change"], changed
    assert compare_quantities(level, changed) is None  # a 23% cut and 77% of benefits are not weighed
    # two changes still meet, and two levels still clash
    found = compare_quantities(changed, extract_quantities("Pensioners face a 20 percent cut in benefits.", "en"))
    assert found == ("contradict", "23% vs 20%: percent (change)"), found
    found = compare_quantities(level, extract_quantities("It can pay 80 percent of benefits.", "en"))
    assert found is not None and found[0] == "contradict", found


def test_agreeing_figures_beside_a_figure_in_dispute():
    from factdiff.quantities import agreeing_figures, compare_quantities, extract_quantities

    a = extract_quantities("The storm killed 9 people and injured 30.", "en")
    b = extract_quantities("Nine people were killed and 45 injured in the storm.", "en")
    assert compare_quantities(a, b)[0] == "contradict"  # injured: 30 vs 45
    same = agreeing_figures(a, b)
    assert len(same) == 1 and "dead" in same[0] and "9" in same[0]
    # a figure that does not say what it measures on both sides is not counted as agreed
    c = extract_quantities("The storm lasted 9 hours and injured 30.", "en")
    assert not any("dead" in x for x in agreeing_figures(c, b))
