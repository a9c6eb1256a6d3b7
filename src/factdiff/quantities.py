"""Quantities, durations, dates and times, read without a model (English and French).

Every value becomes an interval so that hedges compare sensibly: "three hours" is
[3, 3], "about three hours" is [2.55, 3.45], "more than two hours" is (2, inf). Two
claims about the same fact contradict when their intervals for the same dimension
do not overlap.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
    # French
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "douzaine": 12,
}
FRENCH_ONLY = {"deux", "trois", "quatre", "cinq", "sept", "huit", "neuf", "dix", "onze", "douze", "treize",
               "quatorze", "quinze", "seize", "vingt", "trente", "quarante", "cinquante", "soixante",
               "douzaine", "cent", "cents", "mille", "milliard", "milliards", "demi", "demie", "un", "une"}
SCALE = {"hundred": 100, "thousand": 1000, "million": 1e6, "millions": 1e6, "billion": 1e9,
         "billions": 1e9, "cent": 100, "cents": 100, "mille": 1000, "milliard": 1e9, "milliards": 1e9}
ARTICLE = {"a", "an", "un", "une"}
HALF = {"half", "demi", "demie"}
TIMES = {"once": 1, "twice": 2, "thrice": 3}
# duration units in hours
UNITS = {
    "second": 1 / 3600, "seconds": 1 / 3600, "seconde": 1 / 3600, "secondes": 1 / 3600,
    "minute": 1 / 60, "minutes": 1 / 60, "min": 1 / 60, "mins": 1 / 60,
    "hour": 1, "hours": 1, "hr": 1, "hrs": 1, "h": 1, "heure": 1, "heures": 1,
    "day": 24, "days": 24, "jour": 24, "jours": 24, "journée": 24, "journées": 24,
    "week": 168, "weeks": 168, "semaine": 168, "semaines": 168,
    "month": 730, "months": 730, "mois": 730,
    "year": 8760, "years": 8760, "an": 8760, "ans": 8760, "année": 8760, "années": 8760,
    "decade": 87600, "decades": 87600, "décennie": 87600, "décennies": 87600,
}
HEDGES = [
    (("about", "around", "approximately", "roughly", "some", "almost", "nearly", "environ",
      "près de", "presque", "quelque", "quelques", "approximativement", "circa"), "about"),
    (("more than", "over", "at least", "upwards of", "plus de", "au moins", "over a"), "more"),
    (("less than", "under", "fewer than", "at most", "up to", "moins de", "jusqu'à", "au plus"), "less"),
]
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4,
    "samedi": 5, "dimanche": 6,
}
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-zàâçéèêëîïôûùüÿœ']+|%|\$|€|£")


@dataclass(frozen=True)
class Quantity:
    """A value with its dimension: ("duration", "h"), ("count", "people"), ("percent", "%")."""

    dimension: str
    unit: str
    low: float
    high: float
    text: str

    def describe(self) -> str:
        if self.dimension == "duration":
            return _format_hours(self.low, self.high)
        lo, hi = _fmt(self.low), _fmt(self.high)
        value = lo if lo == hi else (f"> {lo}" if math.isinf(self.high) else f"{lo}-{hi}")
        return f"{value} {self.unit}".strip()


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf"
    return f"{x:g}"


def _format_hours(lo: float, hi: float) -> str:
    def one(h: float) -> str:
        if math.isinf(h):
            return "inf"
        if h >= 8760:
            return f"{h / 8760:g} y"
        if h >= 24 and h % 24 == 0:
            return f"{h / 24:g} d"
        if h < 1:
            return f"{h * 60:g} min"
        return f"{h:g} h"

    if lo == hi:
        return one(lo)
    if math.isinf(hi):
        return f"> {one(lo)}"
    return f"{one(lo)}-{one(hi)}"


def _number(tok: str) -> float | None:
    if tok[0].isdigit():
        try:
            if re.fullmatch(r"\d{1,3}(,\d{3})+", tok):
                return float(tok.replace(",", ""))
            return float(tok.replace(",", "."))
        except ValueError:
            return None
    if tok in SMALL:
        return float(SMALL[tok])
    return None


def _is_num_word(tok: str) -> bool:
    return _number(tok) is not None or tok in SCALE or tok in HALF


def _parse_number(toks: list[str]) -> float:
    total, current = 0.0, 0.0
    for k, t in enumerate(toks):
        if t in ARTICLE and k + 1 < len(toks) and toks[k + 1] in HALF:
            continue
        if t in HALF:
            current = current + 0.5 if current else 0.5
        elif t in SCALE:
            current = (current or 1) * SCALE[t]
            if SCALE[t] >= 1000:
                total, current = total + current, 0.0
        elif t in ARTICLE:
            current += 1
        else:
            v = _number(t)
            if v is not None:
                current += v
    return total + current


def _hedge(prefix: str) -> str:
    prefix = " " + prefix.lower().strip() + " "
    for words, kind in HEDGES:
        for w in words:
            if prefix.endswith(" " + w + " "):
                return kind
    return "exact"


def _interval(value: float, hedge: str) -> tuple[float, float]:
    if hedge == "about":
        return value * 0.85, value * 1.15
    if hedge == "more":
        return value, math.inf
    if hedge == "less":
        return 0.0, value
    return value, value


_MONTH_NAMES = ("january|february|march|april|may|june|july|august|september|october|november|december"
                "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# spans that hold digits but no quantity: the digit group (group 1) is blanked before reading
_NOT_A_NUMBER = [
    re.compile(r"\b(\d+(?:/\d+)+)\b"),  # 9/11, 24/7, dates written 3/5/2020
    re.compile(r"\b(?:" + _MONTH_NAMES + r")\.?\s+(\d{1,2})\b"),  # "Sept. 11", "February 24": dates
    re.compile(r"\b(sept)\."),  # "Sept." is September, not "sept" (seven)
]


def _blank(match: re.Match[str]) -> str:
    whole, (a, b) = match.group(), match.span(1)
    a, b = a - match.start(), b - match.start()
    return whole[:a] + "#" * (b - a) + whole[b:]


def extract_quantities(text: str, language: str = "und") -> list[Quantity]:
    """Durations, frequencies, counts of things, percentages and money in a claim.

    French number words are read only in text that is not English ("sept" is not seven
    in "Sept. 11", nor "cent" a hundred)."""
    low = text.lower().replace("\u2019", "'")
    low = re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)", ",", low)  # "2 300" (French thousands)
    for pattern in _NOT_A_NUMBER:
        low = pattern.sub(_blank, low)
    if language == "en":
        low = re.sub(r"\b(?:" + "|".join(sorted(FRENCH_ONLY)) + r")\b", lambda m: "#" * len(m.group()), low)
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(low)]
    words = [t for t, _, _ in toks]
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        w = words[i]
        if w in TIMES:
            out.append(Quantity("frequency", "times", TIMES[w], TIMES[w], text[toks[i][1]:toks[i][2]]))
            i += 1
            continue
        starts_number = _is_num_word(w) or (
            w in ARTICLE and i + 1 < len(words) and (words[i + 1] in UNITS or words[i + 1] in HALF)
        )
        if not starts_number:
            i += 1
            continue
        j = i
        num: list[str] = []
        while j < len(words):
            t = words[j]
            if _is_num_word(t) or (t in ARTICLE and (not num or num[-1] in {"and", "et"})):
                num.append(t)
                j += 1
            elif t in {"and", "et"} and num and j + 1 < len(words) and (
                _is_num_word(words[j + 1]) or words[j + 1] in ARTICLE
            ):
                num.append(t)
                j += 1
            else:
                break
        if not num or all(t in ARTICLE or t in {"and", "et"} for t in num) and (
            j >= len(words) or words[j] not in UNITS
        ):
            i = max(j, i + 1)
            continue
        value = _parse_number(num)
        start = toks[i][1]
        hedge = _hedge(low[max(0, start - 30):start])
        unit = words[j] if j < len(words) else ""
        if unit in ARTICLE and j + 1 < len(words) and words[j + 1] in UNITS:  # "half an hour"
            j += 1
            unit = words[j]
        if unit in UNITS and i > 0 and words[i - 1] in {"à", "at", "vers"} and unit in {"h", "heure", "heures"}:
            i = j + 1  # a clock time ("à 15 h"), not a duration
            continue
        # "1h30" / "1 h 30"
        if unit in UNITS and unit in {"h", "heure", "heures"} and j + 1 < len(words) and words[j + 1].isdigit():
            value += float(words[j + 1]) / 60
            j += 1
        if unit in UNITS:
            hours = value * UNITS[unit]
            end_tok = j
            rest = words[j + 1:j + 4]
            if rest[:3] == ["and", "a", "half"] or rest[:2] in (["et", "demie"], ["et", "demi"]):
                hours += 0.5 * UNITS[unit]
                end_tok = j + (3 if rest[0] == "and" else 2)
            lo, hi = _interval(hours, hedge)
            out.append(Quantity("duration", "h", lo, hi, text[start:toks[end_tok][2]]))
            i = end_tok + 1
            continue
        if num[0][0].isdigit() and len(num) == 1 and re.fullmatch(r"1[89]\d\d|20\d\d", num[0]):
            i = j  # a year: dates handle it
            continue
        prev_cap = i > 0 and text[toks[i - 1][1]:toks[i - 1][2]][:1].isupper() and toks[i - 1][1] > 0
        if unit in {"%", "percent", "pourcent"} or words[j:j + 2] in (["per", "cent"], ["pour", "cent"]):
            lo, hi = _interval(value, hedge)
            out.append(Quantity("percent", "%", lo, hi, text[start:toks[min(j, len(toks) - 1)][2]]))
        elif i > 0 and words[i - 1] in {"$", "€", "£"}:
            lo, hi = _interval(value, hedge)
            out.append(Quantity("money", words[i - 1], lo, hi, text[toks[i - 1][1]:toks[j - 1][2]]))
        elif (
            unit and unit[0].isalpha() and not prev_cap and len(unit) > 2
            and unit not in MONTHS and unit not in WEEKDAYS
            and not text[toks[j][1]:toks[j][1] + 1].isupper()
        ):
            lo, hi = _interval(value, hedge)
            out.append(Quantity("count", _stem(unit), lo, hi, text[start:toks[j][2]]))
        i = max(j, i + 1)
    return out


def _stem(noun: str) -> str:
    for suffix in ("ies", "es", "s"):
        if noun.endswith(suffix) and len(noun) > len(suffix) + 2:
            return noun[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return noun


def _overlap(a: Quantity, b: Quantity) -> bool:
    tol = 0.05 * max(abs(a.high if not math.isinf(a.high) else a.low), abs(b.low), 1e-9)
    return a.low <= b.high + tol and b.low <= a.high + tol


MAX_RATIO = 30.0  # values further apart than this measure different things ("a year" vs "three days")


def _far_apart(a: Quantity, b: Quantity) -> bool:
    lo = max(min(a.low, b.low), 1e-9)
    hi = max(a.high if not math.isinf(a.high) else a.low, b.high if not math.isinf(b.high) else b.low)
    return hi / lo > MAX_RATIO


def compare_quantities(a: list[Quantity], b: list[Quantity]) -> tuple[str, str] | None:
    """("contradict" | "agree", explanation) for the first dimension both claims measure.

    Values of the same dimension more than ``MAX_RATIO`` apart are taken to measure different
    things (a tenure and a speech), not to contradict."""
    agreements: list[str] = []
    for dim_key in _dims(a) & _dims(b):
        qa = [q for q in a if (q.dimension, q.unit) == dim_key]
        qb = [q for q in b if (q.dimension, q.unit) == dim_key]
        if any(_overlap(x, y) for x in qa for y in qb):
            agreements.append(f"{qa[0].describe()} ~ {qb[0].describe()}")
            continue
        if all(_far_apart(x, y) for x in qa for y in qb):
            continue
        what = "" if dim_key[0] in {"duration", "percent"} else f" ({dim_key[0]})"
        return "contradict", f"{qa[0].text} vs {qb[0].text}: {qa[0].describe()} vs {qb[0].describe()}{what}"
    if agreements:
        return "agree", "; ".join(agreements)
    return None


def _dims(qs: list[Quantity]) -> set[tuple[str, str]]:
    return {(q.dimension, q.unit) for q in qs}


@dataclass(frozen=True)
class DateFacts:
    weekdays: frozenset[int]
    days: frozenset[tuple[int, int]]  # (month, day)
    years: frozenset[int]
    clock: frozenset[int]  # minutes after midnight

    def empty(self) -> bool:
        return not (self.weekdays or self.days or self.years or self.clock)


_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\s+([a-zéû]+)")
_MONTH_DAY = re.compile(r"\b([a-zéû]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:h\b|:|heures?|hours?|%))")
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d\d))?\s*([ap])\.?m\.?|\b(\d{1,2}):(\d\d)\b|\bà\s+(\d{1,2})\s*h\s*(\d\d)?")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


_DAY_WORDS = "|".join(list(WEEKDAYS) + ["yesterday", "today", "hier", "aujourd'hui"])
_SPEECH = ("said|says|told|tells|announced|added|reported|wrote|tweeted|confirmed|stated|declared|insisted"
           "|noted|warned|argued|statement|interview|briefing|a déclaré|a annoncé|a affirmé|a indiqué|a précisé")
# "officials said Thursday", "On Friday, the minister told reporters" (at the start of a clause):
# when something was said, not when the reported fact happened, so two reports may date it
# differently without clashing
_REPORTING_TIME = re.compile(
    rf"\b(?:{_SPEECH})\s+(?:on\s+|late\s+|early\s+|last\s+)?(?:{_DAY_WORDS})s?\b(?:\s+(?:night|morning|evening))?"
    rf"|(?:^|(?<=[.;:!?] ))(?:on\s+)?(?:{_DAY_WORDS})s?(?:\s+(?:night|morning|evening|afternoon))?,?\s+"
    rf"(?:\w+\s+){{0,3}}?(?:{_SPEECH})\b"
    rf"|\b(?:on\s+)?(?:{_DAY_WORDS})s?\s+(?:{_SPEECH})\b"
)


def extract_dates(text: str) -> DateFacts:
    low = _REPORTING_TIME.sub(" ", text.lower())
    weekdays = {v for k, v in WEEKDAYS.items() if re.search(rf"\b{k}s?\b", low)}
    days: set[tuple[int, int]] = set()
    for m in _DAY_MONTH.finditer(low):
        if m.group(2) in MONTHS and 1 <= int(m.group(1)) <= 31:
            days.add((MONTHS[m.group(2)], int(m.group(1))))
    for m in _MONTH_DAY.finditer(low):
        if m.group(1) in MONTHS and 1 <= int(m.group(2)) <= 31 and m.group(1) != "may":
            days.add((MONTHS[m.group(1)], int(m.group(2))))
        elif m.group(1) == "may" and text[m.start():m.start() + 1] == "M":
            days.add((5, int(m.group(2))))
    clock: set[int] = set()
    for m in _CLOCK.finditer(low):
        if m.group(1):
            h = int(m.group(1)) % 12 + (12 if m.group(3) == "p" else 0)
            clock.add(h * 60 + int(m.group(2) or 0))
        elif m.group(4):
            clock.add(int(m.group(4)) * 60 + int(m.group(5)))
        elif m.group(6):
            clock.add(int(m.group(6)) * 60 + int(m.group(7) or 0))
    years = {int(y) for y in _YEAR.findall(low)}
    return DateFacts(frozenset(weekdays), frozenset(days), frozenset(years), frozenset(clock))


def compare_dates(a: DateFacts, b: DateFacts) -> tuple[str, str, str] | None:
    """(label, kind, explanation) when both claims date the fact and the dates cannot match."""
    if a.days and b.days and not (a.days & b.days):
        return "contradict", "date", f"{_days(a.days)} vs {_days(b.days)}"
    if a.weekdays and b.weekdays and not (a.weekdays & b.weekdays):
        return "contradict", "date", f"{_weekdays(a.weekdays)} vs {_weekdays(b.weekdays)}"
    if a.clock and b.clock and not (a.clock & b.clock):
        return "contradict", "time", f"{_clock(a.clock)} vs {_clock(b.clock)}"
    if a.years and b.years and not (a.years & b.years):
        return "tension", "date", f"{'/'.join(map(str, sorted(a.years)))} vs {'/'.join(map(str, sorted(b.years)))}"
    return None


def _days(days: frozenset[tuple[int, int]]) -> str:
    names = ["", "January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
    return "/".join(f"{names[m]} {d}" for m, d in sorted(days))


def _weekdays(days: frozenset[int]) -> str:
    return "/".join(WEEKDAY_NAMES[d] for d in sorted(days))


def _clock(minutes: frozenset[int]) -> str:
    return "/".join(f"{m // 60:02d}:{m % 60:02d}" for m in sorted(minutes))
