import pytest

from factdiff.quantities import compare_dates, compare_quantities, extract_dates, extract_quantities


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
    assert compare_quantities(q("more than two hours"), q("three hours"))[0] == "agree"
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
    assert extract_quantities("Fifteen of the 19 Sept. 11 hijackers", "en")[0].low == 19
    assert extract_quantities("sept blessés", "fr")[0].low == 7
    assert all(x.low < 100 for x in extract_quantities("it cost 50 cents", "en"))  # "cent" is not a hundred


def test_when_something_was_said_is_not_when_it_happened():
    assert not extract_dates("Two officials said Thursday that the troops would leave.").weekdays
    assert not extract_dates("On Saturday, the president told reporters he was pleased.").weekdays
    assert extract_dates("The troops will leave on Thursday, officials said.").weekdays == {3}
    assert not extract_dates("President Brandt on Saturday said he was pleased.").weekdays
