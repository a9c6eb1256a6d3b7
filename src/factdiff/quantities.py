"""Figures, durations, dates and clock times, read without a model, in every language of ``factdiff.lang``.

Every figure becomes a :class:`Quantity`: a point ``value``, the ``hedge`` its wording puts on it
("about", "more than", "at least", "almost", "up to"), the interval that follows from both, its
dimension and normalised unit (hours, km, km/h, kg, a currency code, %), and ``measured``: a
language-neutral key of what it counts ("dead", "passengers", "votes"), read from the words around
it. Two figures are compared only when they measure the same thing in the same unit:

- intervals that cannot meet: contradiction ("231 vs 245: dead");
- intervals that meet, with different figures and at least one hedged: tension
  ("at least 231 vs 245: dead");
- the same figure ("at least 231" vs 231 included): agreement.

Number words are read by text2num (alpha2digit) where it knows the language, by the language
module's lexicon elsewhere; month and weekday names come from CLDR (Babel); lemmas from simplemma.
Years, dates, ordinals, clock times, phone numbers, street numbers and numbers inside names are
not counts. Clock times become intervals in minutes after midnight ("just before 6:10 p.m." is
[18:00, 18:10]); dates are (month, day) pairs and weekdays.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from .lang import EVENT_CONCEPTS, Lang
from .lang import get as get_lang

__all__ = ["MONTHS", "WEEKDAYS", "ClockTime", "DateFacts", "Quantity", "compare_dates", "compare_quantities",
           "compare_quantity", "extract_dates", "extract_quantities"]

# --------------------------------------------------------------------------------------------------------------
# tokens


@dataclass
class _Tok:
    text: str  # as read (after number words became digits)
    low: str
    start: int  # character offsets in the original text
    end: int
    kind: str  # "num", "word", "punct"
    from_words: bool = False  # a number that was written in words
    space_before: bool = True
    joined: bool = False  # a hyphen or apostrophe joins it to the token before ("90-minute", "100'den")
    blocked: bool = False  # inside a date or a clock time


_GROUP = "\ue000"  # stands for the space inside "1 200" while the text is read (same length, not a space)
_TOKEN = re.compile(r"\d{1,3}(?:\ue000\d{3})+(?!\d)|\d+(?:[.,]\d+)*|[^\W\d_]+|[^\w\s]")
_SPACE_GROUP = re.compile(r"(?<![\d.,])(\d{1,3})[ \u00a0\u202f](?=\d{3}(?![\d]|[.,]\d))")
_NB_GROUP = re.compile(r"(?<![\d.,])(\d{1,3})[\u00a0\u202f](?=\d{3}(?![\d]|[.,]\d))")
_JOINERS = {"-", "'", "\u2019", "\u2010", "\u2011"}
_BOUNDARY = {".", ";", "!", "?", ":", "(", ")", "[", "]", "\u2014", "\u2013", "\"", "\u201c", "\u201d", "\u00ab",
             "\u00bb", "|"}


def _alpha2digit(text: str, code: str) -> str:
    try:
        from text_to_num import alpha2digit

        out: str = alpha2digit(text, code, threshold=0)
        return out
    except Exception:  # the converter is a hint; never let it break reading
        return text


def _tokens(text: str, lang: Lang) -> list[_Tok]:
    """Tokens of ``text`` with number words turned into digits and offsets into ``text`` kept.

    text2num rewrites the text; the rewritten words are aligned back to the original by
    difflib on whitespace-separated chunks, so a converted number points at the words it
    came from ("quatre-vingt-dix" -> 90)."""
    grouping = _SPACE_GROUP if (lang.space_groups or lang.code == "und") else _NB_GROUP
    for _ in range(3):  # "1 200 000": groups overlap, so apply a few times
        text = grouping.sub(lambda m: m.group(1) + _GROUP, text)
    regex = _TOKEN
    code = lang.code if lang.code != "und" else "en"
    if not (lang.text2num or lang.code == "und"):
        return _scan(text, 0, regex, False)
    # "four-year", "quatre-vingt-dix": text2num reads number words joined by a space, not a hyphen
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text)
    converted = _alpha2digit(text, code)
    if converted == text:
        return _scan(text, 0, regex, False)
    from difflib import SequenceMatcher

    orig = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    conv = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", converted)]
    out: list[_Tok] = []
    sm = SequenceMatcher(None, [o[0] for o in orig], [c[0] for c in conv], autojunk=False)
    names = set(lang.weekdays) | set(lang.months)
    heads = {p.split()[0] for p in lang.percent_words if " " in p}
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "equal" and i2 - i1 == 1 and j2 - j1 == 1:
            # text2num also reads "unos" (es: about), "quinta" (pt: Thursday, as "5ª"), "cent" in "pour cent"
            bare = orig[i1][0].lower().strip(".,;:!?()\"'")
            cardinal = conv[j1][0].strip(".,;:!?()\"'").isdigit()
            # and plural scale words ("thousands", "cientos", "miles"): "thousands of people" is no 1000
            if bare in lang.hedges or (bare in names and not cardinal) or bare in lang.approx_numbers or (
                    i1 > 0 and orig[i1 - 1][0].lower() in heads):
                op = "equal"
        if op == "equal":
            for k in range(i2 - i1):
                w, s, _ = orig[i1 + k]
                out.extend(_scan(w, s, regex, False))
        elif j2 > j1:
            span = (orig[i1][1], orig[i2 - 1][2]) if i2 > i1 else (orig[min(i1, len(orig) - 1)][1],) * 2
            if i2 - i1 == 1 and j2 - j1 == 1:  # one chunk: keep the punctuation around it out of the span
                o = orig[i1][0]
                lead = len(o) - len(o.lstrip("([{\"'\u201c\u00ab"))
                trail = len(o) - len(o.rstrip(".,;:!?)]}\"'\u201d\u00bb"))
                span = (span[0] + lead, span[1] - trail)
            for w, _, _ in conv[j1:j2]:
                for t in _scan(w, 0, regex, True):
                    t.start, t.end = span
                    if t.kind != "num":
                        t.from_words = False
                    out.append(t)
    return out


def _scan(chunk: str, offset: int, regex: re.Pattern[str], from_words: bool) -> list[_Tok]:
    out: list[_Tok] = []
    prev_end = -1
    for m in regex.finditer(chunk):
        s = m.group()
        kind = "num" if s[0].isdigit() else "word" if s[0].isalpha() else "punct"
        space = m.start() == 0 or chunk[m.start() - 1].isspace()
        if m.start() == 0 and prev_end == -1:
            space = True
        out.append(_Tok(s, _lower(s), offset + m.start(), offset + m.end(), kind, from_words, space))
        prev_end = m.end()
    return out


def _lower(text: str) -> str:
    """Lower case that keeps every offset: "İ" (Turkish) lower-cases to two characters, so it is kept as "i"."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c.lower()[0] for c in text)


def _filtered(toks: list[_Tok]) -> list[_Tok]:
    """Tokens without hyphens and apostrophes; a token after one is marked ``joined``. A hyphen spaced on
    both sides between two words is a dash ("talks - which included ... - lasted") and stays, as an en dash."""
    out: list[_Tok] = []
    joined = False
    for k, t in enumerate(toks):
        if t.text in _JOINERS and not t.space_before:
            joined = True
            continue
        if t.text == "-" and k + 1 < len(toks) and toks[k + 1].space_before and toks[k + 1].kind == "word" \
                and out and out[-1].kind == "word":
            out.append(dataclasses.replace(t, text="\u2013", low="\u2013", kind="punct"))
            joined = False
            continue
        if t.text == "-" and t.space_before and out and out[-1].kind == "num":
            # "30 - 40" and "30 -- 40" (a dash typed as hyphens): a spaced hyphen after a figure and before
            # another is a dash, as "30 – 40"
            m = k + 1
            while m < len(toks) and toks[m].text == "-":
                m += 1  # (an index walk, not a slice: a long table of "3 - 1" scores stays linear)
            nxt = toks[m] if m < len(toks) else None
            if nxt is not None and nxt.kind == "num" and nxt.space_before:
                out.append(dataclasses.replace(t, text="\u2013", low="\u2013", kind="punct"))
                joined = False  # (a second hyphen, "--", is unspaced before: dropped as a joiner above)
                continue
        if t.text in _JOINERS:
            continue
        t.joined = joined and not t.space_before
        joined = False
        out.append(t)
    return out


def _phrase_at(words: list[str], i: int, keys: Container[str], maxlen: int = 4) -> tuple[str, int] | None:
    """The longest phrase of ``keys`` that starts at ``words[i]``: (phrase, number of words)."""
    for n in range(min(maxlen, len(words) - i), 0, -1):
        cand = " ".join(words[i:i + n])
        if cand in keys:
            return cand, n
    return None


def _phrase_before(words: list[str], i: int, keys: Container[str], maxlen: int = 4) -> tuple[str, int] | None:
    """The longest phrase of ``keys`` that ends just before ``words[i]``."""
    for n in range(min(maxlen, i), 0, -1):
        cand = " ".join(words[i - n:i])
        if cand in keys:
            return cand, n
    return None


# --------------------------------------------------------------------------------------------------------------
# numbers


def _digits(s: str, lang: Lang) -> float | None:
    """A numeral with the locale's separators: "11.000" (de) = 11000, "5,3" (de) = 5.3, "2,300" (en) = 2300."""
    s = re.sub(r"[ \u00a0\u202f\ue000]", "", s)
    try:
        if "," in s and "." in s:
            dec = "," if s.rfind(",") > s.rfind(".") else "."
            other = "." if dec == "," else ","
            return float(s.replace(other, "").replace(dec, "."))
        for sep in (",", "."):
            if sep in s:
                if s.count(sep) > 1:
                    return float(s.replace(sep, ""))
                grouped = re.fullmatch(rf"\d{{1,3}}\{sep}\d{{3}}", s) is not None
                # "600.000" is 600 thousand wherever the locale is unknown, and in English when it ends in 000
                if grouped and (sep != lang.decimal or lang.code == "und" or s.endswith("000")):
                    return float(s.replace(sep, ""))
                return float(s.replace(sep, "."))
        return float(s)
    except ValueError:
        return None


def _word_number(words: list[str], i: int, lang: Lang) -> tuple[float, int] | None:
    """A number written in words for languages text2num does not read: (value, words used)."""
    total, current, last = 0.0, 0.0, 0.0
    j = i
    used = False
    while j < len(words):
        w = words[j]
        if w in lang.number_words:
            v = lang.number_words[w]
            current += v
            last = v
        elif w in lang.multipliers and (used or j == i):
            m = lang.multipliers[w]
            current = current - last + (last or 1) * m
            last = (last or 1) * m
        elif w in lang.teen_words and used:
            current += 10
            last = 0
        elif w in lang.scales and used and lang.scales[w] >= 1000:
            total += (current or 1) * lang.scales[w]
            current = last = 0.0
        elif w in lang.conjunctions and used and j + 1 < len(words) and words[j + 1] in lang.number_words:
            pass
        else:
            break
        used = True
        j += 1
    if not used:
        return None
    return total + current, j - i


# --------------------------------------------------------------------------------------------------------------
# quantities

_HEDGE_WORDS = {"about": "about ", "almost": "almost ", "more": "more than ", "atleast": "at least ",
                "less": "less than ", "atmost": "up to ", "exact": "", "range": ""}
_BAND = 0.05  # "about N": N +- 5 %
_ALMOST = 0.1  # "almost N": [0.9 N, N]


@dataclass(frozen=True)
class Quantity:
    """A figure: ("duration", "h"), ("count", "dead"), ("percent", "%"), ("money", "EUR"), ...

    ``low``/``high`` is the interval the wording allows; ``value`` the figure as written (normalised
    to ``unit``); ``hedge`` one of exact, about, almost, more, atleast, less, atmost, range;
    ``measured`` what is counted or measured: a concept key shared by all languages ("dead"), or
    "~lemma" of the noun after the figure when no concept matches. For counts ``unit`` is
    ``measured``. ``start``/``end`` are character offsets of the figure in the text."""

    dimension: str
    unit: str
    low: float
    high: float
    text: str
    value: float = math.nan
    hedge: str = "exact"
    measured: str = ""
    start: int = -1
    end: int = -1
    precision: float = 0.0  # half the last written digit, in ``unit``: "17 km" may be 16.5-17.5
    update: bool = False  # given as a new level of a running count: "the toll rose to 12"

    def __post_init__(self) -> None:
        if math.isnan(self.value):
            object.__setattr__(self, "value", self.low if math.isinf(self.high) else (self.low + self.high) / 2)

    def key(self) -> tuple[str, str, str]:
        """What two figures must share to be compared: (dimension, unit, measured)."""
        return self.dimension, self.unit, self.measured

    def describe(self) -> str:
        if self.hedge == "range":
            return f"{_fmt_value(self, self.low)}-{_fmt_value(self, self.high)}"
        return _HEDGE_WORDS.get(self.hedge, "") + _fmt_value(self, self.value)


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf"
    if x >= 1e6 and x % 1e5 == 0:
        return f"{x / 1e9:g} billion" if x >= 1e9 and x % 1e8 == 0 else f"{x / 1e6:g} million"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def _format_hours(h: float) -> str:
    if math.isinf(h):
        return "inf"
    if h >= 8760 and h % 8760 == 0:
        return f"{h / 8760:g} y"
    if h >= 24 and h % 24 == 0:
        return f"{h / 24:g} d"
    minutes = h * 60
    if h < 1 or (h < 24 and (h * 2) % 1 > 1e-9 and abs(minutes - round(minutes)) < 1e-6):
        return f"{minutes:.4g} min" if minutes >= 1 else f"{h * 3600:.4g} s"  # "93 min", not "1.55 h"
    return f"{h:.4g} h"


def _fmt_value(q: Quantity, v: float) -> str:
    if q.dimension == "duration":
        return _format_hours(v)
    if q.dimension == "percent":
        return f"{_fmt(v)}%"
    if q.dimension in ("count", "magnitude"):
        return _fmt(v)
    if q.dimension == "age":
        return f"{_fmt(v)} years"
    return f"{_fmt(v)} {q.unit}".strip()


def _interval(value: float, hedge: str) -> tuple[float, float]:
    if hedge == "about":
        return value * (1 - _BAND), value * (1 + _BAND)
    if hedge == "almost":
        return value * (1 - _ALMOST), value
    if hedge in ("more", "atleast"):
        return value, math.inf
    if hedge in ("less", "atmost"):
        return 0.0, value
    return value, value


# measurements whose last written digit is a rounding ("17 km" and "17,26 km" agree); counts, times and
# durations are taken as written
_ROUNDED = {"distance", "speed", "mass", "area", "percent", "money", "magnitude", "power"}
# which concepts may say what a non-count figure measures
_DIM_CONCEPTS = {
    "duration": {"meeting", "flight", "sentence", "delay"},
    "percent": {"votes", "turnout", "seats"},
    "money": {"fee", "price", "cost", "salary", "fine", "debt", "damage"},
    "distance": {"fall", "depth", "altitude"},
}
_ORDINAL_SUFFIXES = {"st", "nd", "rd", "th", "er", "re", "e", "ème", "eme", "è", "º", "ª", "o", "a", "ste", "de",
                     "te", "ncı", "nci", "ncü", "ncu", "inci", "ıncı", "üncü", "uncu", "°"}
_CAP_EXEMPT_DE = ("de",)  # German capitalises every noun: a capital before a figure is no name
_FRAME_CONCEPTS = {"capacity"}  # before a figure, they say what it measures: "capacity for 2000 people"
_WEAK_CONCEPTS = {"people"}  # "people", "orang", "kişi": a classifier more than a thing measured


@dataclass
class _Fig:
    value: float
    i0: int  # first token of the figure (number, currency symbol)
    i1: int  # token after the figure and its unit
    num_end: int  # token after the number itself
    dimension: str = "count"
    unit: str = ""
    hedge: str = "exact"
    high: float | None = None  # for ranges "5-7"
    measured: str = ""
    fixed_measured: bool = False
    from_words: bool = False
    precision: float = 0.0


def extract_quantities(text: str, language: str = "und") -> list[Quantity]:
    """Durations, counts of things, percentages, money, distances, speeds, masses, ages and magnitudes.

    ``language`` is an ISO 639-1 code; with "und" the language is guessed from the text when it is
    long enough, and the union of all languages' vocabulary is used otherwise."""
    try:
        found = _extract(text, language)
    except Exception:  # bad input never breaks a comparison; a figure left unread is the safe failure
        return []
    return [_as_offset(q, text, language) for q in found]


def _as_offset(q: Quantity, text: str, language: str) -> Quantity:
    """A duration followed by "after", "later", "ago"... or after "after", "nach", "tras"... (per language) is
    a time offset: "delay"."""
    if q.dimension != "duration" or q.end < 0:
        return q
    try:
        lang = _resolve_lang(text, language)
    except Exception:  # noqa: BLE001 - an unknown language reads no offsets
        return q
    words = lang.offset_words
    after = re.findall(r"[^\W\d_]+", text[q.end:q.end + 30].lower())
    if after and (after[0] in words or " ".join(after[:2]) in words):
        return dataclasses.replace(q, measured="delay")
    if after and after[0] in lang.length_words:
        return q  # "a month long period"
    before = re.findall(r"[^\W\d_]+", text[max(0, q.start - 30):q.start].lower())
    if before and before[-1] in lang.hedges:
        before.pop()  # "after about seven hours"
    if any(" ".join(before[-n:]) in lang.offset_before for n in (1, 2, 3) if len(before) >= n):
        return dataclasses.replace(q, measured="delay")
    return q


def _resolve_lang(text: str, language: str | None) -> Lang:
    code = (language or "und").lower()
    if code == "und" and len(text) >= 20:
        try:
            from .text import detect_language

            code = detect_language(text)
        except Exception:
            code = "und"
    return get_lang(code)


_DIGIT = re.compile(r"\d")


def _has_digit(text: str) -> bool:
    """Whether ``text`` has a digit (one regular-expression scan, not a Python step per character)."""
    return _DIGIT.search(text) is not None


def _extract(text: str, language: str) -> list[Quantity]:
    digits = bool(text) and _has_digit(text)
    if not text or not digits and len(text) > 20000:
        return []
    lang = _resolve_lang(text, language)
    if not digits and not _triggers(lang.code).search(_lower(text)) \
            and _alpha2digit(text, _t2n_code(lang)) == text:
        return []  # no digit, no number word, no unit: nothing to read (most sentences)
    blocked = _blocked_spans(text, lang)
    toks = _filtered(_tokens(text.replace("\u2019", "'"), lang))
    for t in toks:
        t.blocked = _is_blocked(t, blocked)
    words = [t.low for t in toks]
    figs: list[_Fig] = []
    i = 0
    while i < len(toks):
        fig = _read_figure(toks, words, i, lang, blocked, text)
        if fig is None:
            i += 1
            continue
        figs.append(fig)
        i = max(fig.i1, i + 1)
    _assign_measured(figs, toks, words, lang)
    out: list[Quantity] = []
    for f in figs:
        if f.dimension == "count" and not f.measured:
            continue
        if f.dimension == "count" and f.from_words and f.value == 1:
            continue  # "one of the", "un homme": an article or pronoun, not a count
        unit = f.measured if f.dimension == "count" else f.unit
        if f.high is not None:
            lo, hi, hedge = f.value, f.high, "range"
            value = (lo + hi) / 2
        else:
            lo, hi = _interval(f.value, f.hedge)
            hedge, value = f.hedge, f.value
        start, end = toks[f.i0].start, toks[f.i1 - 1].end
        precision = f.precision if f.dimension in _ROUNDED else 0.0
        if f.dimension == "magnitude" and hedge == "about":
            lo, hi = value - 0.1, value + 0.1  # a logarithmic scale: "about 7" is not 6.3
        out.append(Quantity(f.dimension, unit, lo, hi, text[start:end], value, hedge, f.measured, start, end,
                            precision, _is_update(words, f, lang)))
    return out


def _t2n_code(lang: Lang) -> str:
    """The language text2num reads for ``lang`` (English where it reads none of it)."""
    return lang.code if lang.text2num and lang.code != "und" else "en"


@functools.lru_cache(maxsize=16)
def _triggers(code: str) -> re.Pattern[str]:
    """Words that can start a figure without a digit: number words, fractions, "dozens", units ("an hour")."""
    lang = get_lang(code)
    words: set[str] = set()
    for group in (lang.number_words, lang.multipliers, lang.fractions, lang.approx_numbers, lang.adverbial_counts,
                  lang.units, lang.scales, lang.and_half):
        words.update(k.split()[0] for k in group)
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)")


def _is_blocked(t: _Tok, blocked: list[tuple[int, int]]) -> bool:
    return any(a <= t.start < b for a, b in blocked)


def _read_figure(toks: list[_Tok], words: list[str], i: int, lang: Lang, blocked: list[tuple[int, int]],
                 text: str) -> _Fig | None:
    t = toks[i]
    if t.kind == "punct" and t.text not in "$€£₺¥%":
        return None
    if _is_blocked(t, blocked):
        return None
    w = words[i]
    # "twice", "once": a frequency
    if w in lang.adverbial_counts:
        return _Fig(lang.adverbial_counts[w], i, i + 1, i + 1, "frequency", "times", from_words=True,
                    fixed_measured=True)
    value: float | None = None
    j = i
    from_words = False
    currency = ""
    start = i
    # a currency symbol or code before the figure: "$2m", "€ 100", "US$ 5", "R$ 10"
    sym = _currency_before(words, i)
    if sym and i + sym[1] < len(toks) and toks[i + sym[1]].kind == "num":
        currency = sym[0]
        j = i + sym[1]
    elif w in lang.percent_prefix and i + 1 < len(toks) and toks[i + 1].kind == "num":
        j = i + 1  # "yüzde 5", "%5"
    if toks[j].kind == "num":
        if _is_blocked(toks[j], blocked):
            return None
        if j == i and i > 0 and toks[i - 1].kind == "num" and _scale(toks, words, i, lang):
            return None  # the scale word of a number that was not a figure
        value = _digits(toks[j].text, lang)
        from_words = toks[j].from_words
        j += 1
    elif t.kind == "word" and (ap := _phrase_at(words, i, lang.approx_numbers, 3)):
        value, approx_hedge = lang.approx_numbers[ap[0]]
        j = i + ap[1]
        sc = _scale(toks, words, j, lang) if j < len(toks) else None
        if sc is None and j < len(toks) and toks[j].kind == "num" and toks[j].from_words and toks[j].low == "100":
            sc = (100.0, 1)  # "a few hundred"
        if sc is None and j < len(toks) and toks[j].kind == "num":
            return None  # "several 100000": a hedge on the number that follows
        if sc:
            value, j = value * sc[0], j + sc[1]
        while j + 1 < len(words) and words[j] in lang.connectors | lang.partitive | {"of"} and (
                words[j + 1] in lang.approx_numbers or _scale(toks, words, j + 1, lang)):
            nxt_w = words[j + 1]
            value *= lang.approx_numbers[nxt_w][0] if nxt_w in lang.approx_numbers else _scale(
                toks, words, j + 1, lang)[0]  # type: ignore[index]
            j += 2  # "hundreds of thousands"
        if j < len(words) and words[j] in lang.connectors | {"of"} and _unit_at(words, j + 1, lang):
            j += 1  # "une quinzaine de mètres"
        few = approx_hedge == "few"  # "a few", "quelques", "beberapa": 2 to 9 of what follows
        fig = _Fig(value, i, j, j, hedge="exact" if few else approx_hedge, from_words=True)
        if few:
            fig.high = value * 4.5
        j = _read_unit(fig, toks, words, j, lang, "")
        fig.i1 = j
        return fig
    elif t.kind == "word":
        fr = lang.fractions.get(w)
        got = _word_number(words, i, lang) if (lang.number_words or lang.multipliers) else None
        if got:
            value, n = got
            from_words = True
            j = i + n
        elif fr is not None:
            value, j, from_words = fr, i + 1, True
            if j < len(words) and words[j] in lang.articles:
                j += 1  # "half a million", "half an hour"
        elif w in lang.articles and i + 1 < len(words) and (
                words[i + 1] in lang.fractions or _unit_at(words, i + 1, lang)):
            value, j, from_words = 1.0, i + 1, True  # "an hour", "une heure", "eine halbe Stunde"
            if words[j] in lang.fractions:
                value, j = lang.fractions[words[j]], j + 1
        else:
            return None
    if value is None:
        return None
    num_tok = toks[j - 1]
    fig = _Fig(value, start, j, j, from_words=from_words)
    prefix_percent = words[i] in lang.percent_prefix and j == i + 2
    if prefix_percent:
        fig.dimension, fig.unit = "percent", "%"
    # the number alone: not a year, an ordinal, a code or part of a name
    if num_tok.kind == "num" and not num_tok.from_words and not currency and not prefix_percent:
        if _not_a_figure(toks, words, j - 1, lang, text):
            return None
    # fractions and scales: "1,5 millones", "2 Mio.", "half a million", "1 half miljoen"
    while j < len(toks):
        if words[j] in lang.fractions and j + 1 < len(toks) and _scale(toks, words, j + 1, lang):
            value = value * lang.fractions[words[j]] if value == 1 else value + lang.fractions[words[j]]
            j += 1
            continue
        sc = _scale(toks, words, j, lang)
        if sc is None:
            break
        factor, n = sc
        value *= factor
        j += n
        if j < len(toks) and toks[j].text == "." and not toks[j].space_before:
            j += 1  # "Mio.", "Mrd."
    fig.value = value
    fig.num_end = j
    numeral = toks[j - 1].text if toks[j - 1].kind == "num" else ""
    if num_tok.kind == "num" and not num_tok.from_words:
        dec = re.search(r"[.,](\d+)$", num_tok.text)
        decimals = len(dec.group(1)) if dec and _digits(num_tok.text, lang) != float(
            re.sub(r"\D", "", num_tok.text) or 0) else 0
        scale_factor = value / (_digits(num_tok.text, lang) or 1.0)
        fig.precision = 0.5 * 10 ** -decimals * scale_factor
    del numeral
    # a range: "5-7 people", "4 bis 5 Stunden", "de 275 000 à 325 000" (smaller first)
    # (and "30 – 40 days", a spaced dash; "tra i 210 e i 250", an article before each figure)
    before = start - 2 if start > 1 and words[start - 1] in lang.between_articles else start - 1
    between = before >= 0 and words[before] in lang.between_words and j < len(words) and words[j] in lang.conjunctions
    second = j + 2 if between and j + 2 < len(toks) and words[j + 1] in lang.between_articles else j + 1
    step = 1 if j < len(toks) and toks[j].kind == "num" and toks[j].joined else (
        second - j + 1 if second < len(toks) and (words[j] in lang.range_words or between or words[j] in _RANGE_DASHES)
        and toks[second].kind == "num" else 0)
    if step and not currency and (hi := _digits(toks[j + step - 1].text, lang)) is not None \
            and value < hi < value * 10:
        fig.high = hi
        j += step
    # post-number hedges written before the unit (Turkish "100'den fazla kişi", "100+")
    ph = _phrase_at(words, j, lang.post_hedges)
    if ph and fig.high is None:
        fig.hedge = lang.post_hedges[ph[0]]
        j += ph[1]
    if _phrase_at(words, j, lang.day_periods, 4) and _phrase_before(words, start, lang.clock_before, 3):
        return None  # "a las cinco de la madrugada": a clock time written in words
    j = _read_unit(fig, toks, words, j, lang, currency)
    if fig.dimension == "count" and not fig.unit and start > 0 and words[start - 1] in lang.units_before:
        fig.dimension, fig.unit, factor = lang.units_before[words[start - 1]]  # "mit Tempo 190"
        fig.value *= factor
        fig.high = fig.high * factor if fig.high is not None else None
    # post hedge after the unit: "100 people or more"
    ph = _phrase_at(words, j, lang.post_hedges)
    if ph and fig.hedge == "exact" and fig.high is None and ph[0] not in ("+",):
        fig.hedge = lang.post_hedges[ph[0]]
    # hedge before the figure: "more than", "rund", "co najmniej"
    if fig.hedge == "exact" and fig.high is None:
        hp = _phrase_before(words, start, lang.hedges, 4)
        if hp:
            fig.hedge = lang.hedges[hp[0]]
    if fig.dimension == "duration" and fig.hedge == "exact" and fig.high is None:
        pass
    fig.i1 = j
    return fig


def _currency_before(words: list[str], i: int) -> tuple[str, int] | None:
    if i + 1 < len(words) and words[i] + words[i + 1] in _SYMBOLS:
        return _SYMBOLS[words[i] + words[i + 1]], 2  # "US" "$", "R" "$"
    if words[i] in _SYMBOLS and words[i] not in ("m",):
        return _SYMBOLS[words[i]], 1
    return None


def _symbols() -> dict[str, str]:
    from .lang.base import CURRENCY_SYMBOLS

    return dict(CURRENCY_SYMBOLS)


_SYMBOLS = _symbols()


def _scale(toks: list[_Tok], words: list[str], j: int, lang: Lang) -> tuple[float, int] | None:
    """A scale word at ``j``: (factor, words used). text2num writes "million" as 1000000."""
    if j >= len(toks):
        return None
    t = toks[j]
    if t.kind == "num" and t.from_words and t.low in ("1000", "1000000", "1000000000", "1000000000000"):
        return float(t.low), 1
    got = _phrase_at(words, j, lang.scales, 2)
    if got:
        return lang.scales[got[0]], got[1]
    from .lang.base import COMMON_SCALES

    if words[j] in COMMON_SCALES and not t.space_before:
        return COMMON_SCALES[words[j]], 1  # "$2m", "£1.5bn"
    return None


def _unit_at(words: list[str], j: int, lang: Lang) -> tuple[str, int] | None:
    got = _phrase_at(words, j, lang.units, 4)
    return got


def _years(unit: tuple[str, int] | None, lang: Lang) -> bool:
    """The unit read is years ("ans", "años", "jaar")."""
    return unit is not None and lang.units[unit[0]][0] == "duration" and lang.units[unit[0]][2] == 8760.0


def _age_of_noun(toks: list[_Tok], words: list[str], i: int, lang: Lang) -> bool:
    """The figure at ``i`` follows a noun of people and the language's "of" (``lang.age_of``), with only figures
    and "and" words between: "un enfant de cinq", "deux enfants de neuf et cinq", "een man van 45"."""
    if not lang.age_of:
        return False
    k = i - 1
    while k >= 0 and (toks[k].kind == "num" or words[k] in lang.and_words or words[k] == ","):
        k -= 1
    return k >= 1 and words[k] in lang.age_of and words[k - 1] in lang.age_nouns


def _read_unit(fig: _Fig, toks: list[_Tok], words: list[str], j: int, lang: Lang, currency: str) -> int:
    """Reads what follows the number; sets dimension/unit on ``fig``; returns the token after it."""
    if fig.dimension == "percent":
        return j
    if currency:
        fig.dimension, fig.unit = "money", currency
        return j
    if j < len(toks) and toks[j].text == "%":
        fig.dimension, fig.unit = "percent", "%"
        return j + 1
    got = _phrase_at(words, j, lang.percent_words, 3)
    if got:
        fig.dimension, fig.unit = "percent", "%"
        return j + got[1]
    # money after the number: "100 euros", "2 millions d'euros", "100 Mio. Euro", "5 €"
    k = j
    while k < len(words) and words[k] in lang.connectors and k < j + 2:
        k += 1
    cur = _phrase_at(words, k, lang.currency_words, 2)
    if cur:
        fig.dimension, fig.unit = "money", lang.currency_words[cur[0]]
        return k + cur[1]
    if k < len(words) and words[k] in _SYMBOLS and words[k] not in ("m", "try", "a$", "c$"):
        fig.dimension, fig.unit = "money", _SYMBOLS[words[k]]
        return k + 1
    # age: "34 years old", "34-jährige", "yaşında"; "aged 34"
    before_age = _phrase_before(words, fig.i0, lang.age_before, 3)
    unit = _unit_at(words, j, lang)
    after = j + (unit[1] if unit else 0)
    age = _phrase_at(words, j, lang.age_after, 3) or (_phrase_at(words, after, lang.age_after, 3) if unit else None)
    of_age = _age_of_noun(toks, words, fig.i0, lang)
    if not unit and of_age and j + 1 < len(toks) and words[j] in lang.and_words and toks[j + 1].kind == "num" \
            and _years(_unit_at(words, j + 2, lang), lang):
        # the first of coordinated ages: "deux enfants de neuf et cinq ans"
        fig.dimension, fig.unit, fig.measured, fig.fixed_measured = "age", "y", "age", True
        return j
    if age or ((before_age or of_age) and _years(unit, lang)):
        fig.dimension, fig.unit, fig.measured, fig.fixed_measured = "age", "y", "age", True
        end = after
        if age:
            end = (j if _phrase_at(words, j, lang.age_after, 3) else after) + age[1]
        return end
    if before_age and not unit:
        fig.dimension, fig.unit, fig.measured, fig.fixed_measured = "age", "y", "age", True
        return j
    # magnitude: "magnitude 7.0", "7,0 büyüklüğünde", "Stärke 6,6", "7.0-magnitude"
    mag_after = _phrase_at(words, j, lang.magnitude_words, 2)
    mag_before = _phrase_before(words, fig.i0, lang.magnitude_words, 2) or (
        fig.i0 >= 2 and _phrase_before(words, fig.i0 - 1, lang.magnitude_words, 2))
    if mag_after or mag_before:
        fig.dimension, fig.unit, fig.measured, fig.fixed_measured = "magnitude", "", "magnitude", True
        return j + (mag_after[1] if mag_after else 0)
    if unit:
        dim, norm, factor = lang.units[unit[0]]
        if unit[0] in ("t", "s", "g") or unit[0] == "m" and lang.code in ("en", "und"):
            lone = toks[j].space_before and not _ends_clause(toks, j + 1)
        else:
            lone = False
        if lone:
            unit = None  # a lone letter after a space is rarely a unit
        elif unit[0] == "h" and toks[j].space_before and j + 1 < len(toks) and toks[j + 1].kind == "word":
            unit = None
    if unit:
        dim, norm, factor = lang.units[unit[0]]
        value = fig.value * factor
        end = j + unit[1]
        if dim == "duration":
            # "1h30", "2 h 15"
            if unit[0] in ("h", "hr", "hrs") and end < len(toks) and toks[end].kind == "num":
                minutes = _digits(toks[end].text, lang)
                if minutes is not None and minutes < 60 and minutes == int(minutes):
                    value += minutes / 60
                    end += 1
                    if end < len(words) and words[end] in ("min", "mn"):
                        end += 1
            # "and a half", "et demie", "y media", "e mezza"
            half = _phrase_at(words, end, lang.and_half, 3)
            if half:
                value += 0.5 * factor
                end += half[1]
            # "three minutes and 40 seconds", "2 Stunden und 15 Minuten"
            elif end + 2 < len(toks) and (words[end] in lang.conjunctions or words[end] == ",") \
                    and toks[end + 1].kind == "num":
                nxt = _unit_at(words, end + 2, lang)
                sub = _digits(toks[end + 1].text, lang)
                if nxt and sub is not None and lang.units[nxt[0]][0] == "duration" and lang.units[nxt[0]][2] < factor:
                    value += sub * lang.units[nxt[0]][2]
                    end += 2 + nxt[1]
            if fig.high is not None:
                fig.high *= factor
        elif fig.high is not None:
            fig.high *= factor
        fig.value, fig.dimension, fig.unit = value, dim, norm
        fig.precision *= factor
        if dim in ("duration", "distance", "speed", "mass", "area", "frequency", "power"):
            fig.fixed_measured = dim not in _DIM_CONCEPTS
        return end
    # "two and a half" before a unit: "2 and a half hours"
    half = _phrase_at(words, j, lang.and_half, 3)
    if half and _unit_at(words, j + half[1], lang):
        fig.value += 0.5
        return _read_unit(fig, toks, words, j + half[1], lang, currency)
    return j


def _ends_clause(toks: list[_Tok], j: int) -> bool:
    return j >= len(toks) or toks[j].kind == "punct"


_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")


def _not_a_figure(toks: list[_Tok], words: list[str], k: int, lang: Lang, text: str) -> bool:
    """True when the number at ``k`` is a year, an ordinal, a code, a name's number or a street number."""
    t = toks[k]
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    prev = toks[k - 1] if k > 0 else None
    if _YEAR.fullmatch(t.text):
        if not (nxt and (_unit_at(words, k + 1, lang) or nxt.text == "%" or words[k + 1] in lang.currency_words
                         or _scale(toks, words, k + 1, lang) or _counted(words, k + 1, lang))):
            return True  # a year, unless what follows is counted: "2000 people"
    if nxt is not None and not nxt.space_before:
        if nxt.kind == "word" and nxt.low in _ORDINAL_SUFFIXES and not _unit_at(words, k + 1, lang):
            return True  # "3rd", "1er", "2e", "1º"
        if nxt.text == "." and k + 2 < len(toks) and toks[k + 2].kind == "word" and toks[k + 2].space_before:
            nw = toks[k + 2]
            if lang.code in ("de", "pl", "tr", "und") and (nw.text[:1].islower() or nw.low in lang.months
                                                          or lang.code == "de"):
                if nw.low not in lang.scales:
                    return True  # "3. Runde", "27. Januar", "3. tur"
        if nxt.text in ("/",) and k + 2 < len(toks) and toks[k + 2].kind == "num":
            return True  # 9/11, 24/7, 3/5/2020
        if nxt.kind == "word" and not _unit_at(words, k + 1, lang) and not _scale(toks, words, k + 1, lang) \
                and nxt.low not in lang.percent_words and nxt.low not in lang.currency_words \
                and nxt.low not in _SYMBOLS and not lang.post_hedges.get(nxt.low) \
                and not (lang.age_after and _phrase_at(words, k + 1, lang.age_after, 2)) \
                and not _phrase_at(words, k + 1, lang.magnitude_words, 2) and not nxt.joined:
            return True  # "A320", "3G": a code
    if prev is not None and not t.space_before and prev.kind == "word" and not t.joined:
        return True  # "SJ182", "MH17"
    if prev is not None and t.joined and prev.kind == "word" and prev.text.isupper():
        return True  # "COVID-19", "F-16"
    if prev is not None and nxt is not None and nxt.text == "/" and not nxt.space_before:
        return True
    if prev is not None and prev.text in ("/", "#", "№", "n°") and not t.space_before:
        return True
    if prev is not None and (prev.low in lang.name_markers or prev.low in lang.street_words):
        return True
    if prev is not None and prev.text == "." and k >= 2 and toks[k - 2].low in lang.name_markers:
        return True  # "No. 5", "Nr. 3"
    if nxt is not None and nxt.low in lang.street_words and lang.code in ("fr", "und"):
        return True  # "12 rue ..."
    if nxt is not None and nxt.text[:1].isupper() and k + 2 < len(toks) and toks[k + 2].low in lang.street_words:
        return True  # "221 Baker Street"
    measured_after = nxt is not None and (
        _unit_at(words, k + 1, lang) is not None or _scale(toks, words, k + 1, lang) is not None
        or nxt.text == "%" or _phrase_at(words, k + 1, lang.currency_words, 2) is not None
        or _phrase_at(words, k + 1, lang.percent_words, 3) is not None)
    # a number right after a capitalised word inside a sentence: "Channel 12", "Apollo 11"
    if prev is not None and prev.kind == "word" and prev.text[:1].isupper() and lang.code not in _CAP_EXEMPT_DE \
            and not measured_after:
        before = toks[k - 2] if k >= 2 else None
        starts_sentence = before is None or before.text in _BOUNDARY
        known = (prev.low in lang.hedges or prev.low in lang.measured or prev.low in lang.magnitude_words
                 or prev.low in lang.clock_before or prev.low in lang.percent_prefix or prev.low in lang.age_before
                 or prev.low in lang.speech_verbs or prev.low in lang.months or prev.low in lang.weekdays)
        if not starts_sentence and not known:
            return True
    # phone numbers: "+33 1 23 45 67 89", "0800 123 456"
    return bool(re.fullmatch(r"0\d{2,4}", t.text) and nxt is not None and nxt.kind == "num")


# --------------------------------------------------------------------------------------------------------------
# what a figure measures


def _counted(words: list[str], i: int, lang: Lang) -> bool:
    """A noun of people or things counted ("2000 people"), not of an event ("a 2018 meeting")."""
    c = _concept(words, i, lang)
    return c is not None and not any(c[0] in group for group in _DIM_CONCEPTS.values())


def _concepts(words: list[str], a: int, b: int, lang: Lang, skip: list[bool]) -> list[tuple[str, int] | None]:
    """Concepts of ``words[a:b]``, one slot per word; a phrase fills its first slot and consumes the rest
    ("can kaybı" is one concept, not "can" + "kayıp")."""
    out: list[tuple[str, int] | None] = []
    k = a
    while k < b:
        c = None if skip[k] else _concept(words, k, lang)
        out.append(c)
        n = c[1] if c else 1
        out.extend([None] * (min(k + n, b) - k - 1))
        k += n
    return out


def _concept(words: list[str], i: int, lang: Lang) -> tuple[str, int] | None:
    """A concept key for the phrase starting at ``words[i]``: (concept, words used)."""
    got = _phrase_at(words, i, lang.measured, 4)
    if got:
        return lang.measured[got[0]], got[1]
    lemma = _lemma(words[i], lang.code)
    if lemma in lang.measured:
        return lang.measured[lemma], 1
    concept = _lemma_index(lang.code).get(lemma)
    return (concept, 1) if concept else None


@functools.lru_cache(maxsize=32)
def _lemma_index(code: str) -> dict[str, str]:
    """Lemmas of the one-word measured entries: "evacuadas" meets "evacuados" through "evacuado"."""
    lang = get_lang(code)
    out: dict[str, str] = {}
    for k, v in lang.measured.items():
        if " " not in k:
            out.setdefault(_lemma(k, lang.code), v)
    return out


@functools.lru_cache(maxsize=20000)
def _lemma(word: str, code: str) -> str:
    if code == "und" or not word.isalpha():
        return word
    try:
        import simplemma

        return str(simplemma.lemmatize(word, lang=code)).lower()
    except Exception:
        return word


def _window_right(toks: list[_Tok], start: int, limit: int = 6) -> int:
    """End (exclusive) of the clause window after a figure: stops at punctuation or the next number
    (dates and clock times inside the window are skipped: "19 Sept. 11 hijackers")."""
    k = start
    while k < len(toks) and k < start + limit:
        t = toks[k]
        if t.blocked:
            k += 1
            continue
        if t.kind == "num" or (t.kind == "punct" and t.text not in ("'",)):
            break
        k += 1
    return k


def _window_left(toks: list[_Tok], end: int, limit: int = 5) -> int:
    k = end
    while k > 0 and k > end - limit:
        t = toks[k - 1]
        if t.kind == "num" or (t.kind == "punct" and t.text not in ("'", "$", "€", "£")):
            break
        k -= 1
    return k


_DASHES = frozenset({"-", "\u2013", "\u2014"})
# "30 – 40 days" (a spaced hyphen between figures becomes one); an em dash sets off a clause: "12 — 15 more were hurt"
_RANGE_DASHES = frozenset({"\u2013"})


def _lasting_subject(toks: list[_Tok], words: list[str], end: int, figure: int, lang: Lang,
                     blocked: list[bool], allowed: set[str] | None, limit: int = 12,
                     after: int | None = None) -> list[str]:
    """What a duration measures when a "lasted" verb ties it to its subject, further left in the clause
    than the usual window: "the conversation between the two leaders lasted five hours", "el diálogo entre
    los presidentes duró cinco horas"; the verb may follow the figure where the language puts it last
    ("das Gespräch ... habe 93 Minuten gedauert": ``after``, the token after the figure's unit), and an
    aside between dashes is passed over ("the first round - which included ... - lasted two hours")."""
    verb_after = after is not None and any(w in lang.lasting_verbs for w in words[after:after + 2])
    reach = 2 * limit if verb_after else limit
    k = end
    while k > 0 and k > end - reach:
        t = toks[k - 1]
        if t.kind == "punct" and t.text in _DASHES:
            opening = next((j for j in range(k - 2, max(-1, k - 2 - 3 * limit), -1)
                            if toks[j].kind == "punct" and toks[j].text in _DASHES), None)
            if opening is not None and any(w in lang.lasting_verbs for w in words[k:figure]):
                k = opening  # skip the aside; the subject stands before it
                end = opening
                continue
        if t.kind == "punct" and t.text not in ("'",):
            break
        k -= 1
    if not verb_after and not any(w in lang.lasting_verbs for w in words[k:figure]):
        return []
    found = _concepts(words, k, end, lang, blocked)
    return [c[0] for c in found[::-1] if c is not None and (allowed is None or c[0] in allowed)]


def _room_for(words: list[str], start: int, end: int, lang: Lang) -> bool:
    """A count right after "for" whose room noun stands at most two words before it, in the same clause
    (``words[start:end]`` is the window left of the figure)."""
    if end - 1 < start or words[end - 1] not in lang.room_for:
        return False
    return any(words[k] in lang.room_words for k in range(max(start, end - 4), end - 1))


def _is_percent_change(words: list[str], f: _Fig, l_start: int, r_end: int, lang: Lang) -> bool:
    """A percentage that says how much something changed: a change word ("fell by 5%"), or a noun of change in
    the three words before it ("eine Kürzung um 23 Prozent") or in its clause window ("a 23 percent cut")."""
    if _is_change(words, f, r_end, lang):
        return True
    start = _hedge_start(words, f.i0, lang)
    if start > 0 and words[start - 1] in lang.change_before:
        return True
    return any(w in lang.change_nouns for w in words[max(l_start, start - 3):start] + words[f.i1:r_end])


def _assign_measured(figs: list[_Fig], toks: list[_Tok], words: list[str], lang: Lang) -> None:
    starts = {f.i0: f for f in figs}
    for f in figs:
        if f.fixed_measured:
            continue
        allowed = _DIM_CONCEPTS.get(f.dimension) if f.dimension != "count" else None
        if f.dimension not in ("count", *list(_DIM_CONCEPTS)):
            continue
        r_end = _window_right(toks, f.i1)
        l_start = _window_left(toks, _hedge_start(words, f.i0, lang))
        blocked_at = [t.blocked for t in toks]
        right = [c for c in _concepts(words, f.i1, r_end, lang, blocked_at)]
        left = _concepts(words, l_start, _hedge_start(words, f.i0, lang), lang, blocked_at)
        if f.dimension == "count":  # "ten high schools" counts schools, not a height
            right = [None if c and c[0] in _DIM_CONCEPTS["distance"] else c for c in right]
            left = [None if c and c[0] in _DIM_CONCEPTS["distance"] else c for c in left]
        first = right[0] if right else None
        adjacent = left[-1] if left else None

        def ok(c: tuple[str, int] | None, allowed: set[str] | None = allowed) -> bool:
            return c is not None and (allowed is None or c[0] in allowed)

        choice = ""
        if f.dimension == "count":
            events_r = [c[0] for c in right if c and c[0] in EVENT_CONCEPTS]
            events_l = [c[0] for c in left if c and c[0] in EVENT_CONCEPTS]
            if first and first[0] in EVENT_CONCEPTS:
                choice = first[0]
            elif adjacent and adjacent[0] in EVENT_CONCEPTS:
                choice = adjacent[0]
            elif _room_for(words, l_start, _hedge_start(words, f.i0, lang), lang):
                choice = "capacity"  # "room for 300 guests", "un espacio cerrado para 2000 personas"
            elif any(c and c[0] in _FRAME_CONCEPTS for c in left):
                choice = next(c[0] for c in left[::-1] if c and c[0] in _FRAME_CONCEPTS)  # "capacity for 2000"
            elif events_r:
                choice = events_r[0]
            elif events_l:
                choice = events_l[-1]
            elif first and first[0] in _WEAK_CONCEPTS and any(c and c[0] not in EVENT_CONCEPTS for c in left):
                # "penumpang berjumlah 56 orang": "people" is a classifier; the noun before says what
                choice = next(c[0] for c in left[::-1] if c and c[0] not in EVENT_CONCEPTS)
            elif first:
                choice = first[0]
            elif len(right) > 1 and right[1]:
                choice = right[1][0]  # one adjective between: "78 Brazilian passengers"
            else:
                nxt = next((k for k in range(f.i1, r_end) if not toks[k].blocked
                            and not _function_word(words[k], lang)), None)
                if nxt is not None and toks[nxt].kind == "word" and len(words[nxt]) > 3 \
                        and not _function_word(words[nxt], lang) \
                        and not (toks[nxt].text[:1].isupper() and lang.code not in _CAP_EXEMPT_DE):
                    choice = "~" + _lemma(words[nxt], lang.code)
        else:
            cands = [c[0] for c in right + left[::-1] if c is not None and ok(c)]
            if not cands and f.dimension == "duration":
                cands = _lasting_subject(toks, words, l_start, _hedge_start(words, f.i0, lang), lang, blocked_at,
                                         allowed, after=f.i1)
            choice = cands[0] if cands else ""
        if choice and f.dimension == "count" and _is_change(words, f, r_end, lang):
            choice = f"{choice}:change"  # "lost 11 seats" is not a count of 11 seats
        elif f.dimension == "percent" and _is_percent_change(words, f, l_start, r_end, lang):
            choice = f"{choice}:change"  # "a 23 percent cut in benefits" is not "77 percent of benefits"
        f.measured = choice
    # ellipsis: "24 seats, 10 fewer than before": the change counts what the figure before counted
    for prev, f in zip(figs, figs[1:], strict=False):
        if f.dimension == "count" and not f.measured and prev.dimension == "count" and prev.measured \
                and _phrase_at(words, f.i1, lang.change_words, 3):
            base = prev.measured.removesuffix(":change")
            f.measured = f"{base}:change"
    # totals: "35 seats out of 150": 150 counts seats too
    for f in figs:
        if f.dimension != "count" or not f.measured:
            continue
        r_end = _window_right(toks, f.i1, 4)
        k = r_end
        if k < len(toks) and toks[k].kind == "num" and k > f.i1 and words[k - 1] in lang.out_of:
            g = starts.get(k)
            if g is not None and g.dimension == "count" and not g.measured:
                g.measured = f.measured
    # partitives: "41 of the 78 passengers died": 41 -> dead, 78 -> passengers
    for f in figs:
        if f.dimension != "count" or f.fixed_measured:
            continue
        part = _phrase_at(words, f.i1, lang.partitive, 3)
        if not part:
            continue
        g = starts.get(f.i1 + part[1])
        if g is None or g.dimension != "count":
            continue
        r_end = _window_right(toks, g.i1)
        right = [_concept(words, k, lang) for k in range(g.i1, r_end)]
        events = [c[0] for c in right if c and c[0] in EVENT_CONCEPTS]
        nouns = [c[0] for c in right if c and c[0] not in EVENT_CONCEPTS]
        if events:
            f.measured = events[0]
            if nouns:
                g.measured = nouns[0]
            elif g.measured in EVENT_CONCEPTS:
                g.measured = "~" + _lemma(words[g.i1], lang.code) if g.i1 < len(words) else ""
        elif g.measured:
            f.measured = g.measured


@functools.lru_cache(maxsize=16)
def stop_words(code: str) -> frozenset[str]:
    """spaCy's stop-word list of a language (no model needed); English for unknown languages."""
    import importlib

    try:
        module = importlib.import_module(f"spacy.lang.{code if code != 'und' else 'en'}.stop_words")
        return frozenset(module.STOP_WORDS)
    except Exception:
        return frozenset()


def _function_word(w: str, lang: Lang) -> bool:
    groups = (lang.partitive, lang.conjunctions, lang.connectors, lang.articles, lang.hedges, lang.post_hedges,
              lang.clock_before, lang.negators, lang.speech_verbs, lang.duration_cues, lang.months, lang.weekdays,
              lang.change_words)
    return w in stop_words(lang.code) or any(w in group for group in groups)


def _is_change(words: list[str], f: _Fig, r_end: int, lang: Lang) -> bool:
    """A change word just before the figure ("lost 11 seats") or in its clause window ("10 fewer")."""
    start = _hedge_start(words, f.i0, lang)
    if _phrase_before(words, start, lang.change_words, 3):
        return True
    k = f.i1
    while k < min(r_end + 1, len(words)):
        phrase = _phrase_at(words, k, lang.measured, 4)
        if phrase and phrase[1] > 1:  # "lost their lives", "hayatını kaybetti": a death, not a change
            k += phrase[1]
            continue
        if _phrase_at(words, k, lang.change_words, 3):
            return True
        k += 1
    return False


def _is_update(words: list[str], f: _Fig, lang: Lang) -> bool:
    """An update word just before the figure ("rose to 12") or right after it ("12'ye yükseldi")."""
    if _phrase_before(words, _hedge_start(words, f.i0, lang), lang.update_words, 3):
        return True
    return any(_phrase_at(words, k, lang.update_words_after, 2) for k in range(f.i1, min(f.i1 + 3, len(words))))


def _hedge_start(words: list[str], i: int, lang: Lang) -> int:
    hp = _phrase_before(words, i, lang.hedges, 4)
    return i - hp[1] if hp else i


# --------------------------------------------------------------------------------------------------------------
# comparing figures


# what "people" may stand for: a count of people meets a count of passengers (at most in tension)
_PEOPLE_LIKE = {"passengers", "protesters", "spectators", "tourists", "customers", "jobs", "children", "patients",
                "soldiers", "police", "crew", "residents"}


def _loose(a: str, b: str) -> bool:
    """True when one figure counts "people" and the other a kind of people, or one counts a part of what the
    other counts (the seriously injured among the injured)."""
    if {a, b} in _PART_OF:
        return True
    return {a, b} & {"people"} != set() and ({a, b} - {"people"}) <= _PEOPLE_LIKE and a != b


_PART_OF = [{"seriously_injured", "injured"}]


def concept_match(a: str, b: str) -> bool:
    """Two measured-thing keys name the same thing (same concept, or close lemmas)."""
    if not a or not b:
        return False
    if a == b or _loose(a, b):
        return True
    if a.startswith("~") and b.startswith("~"):
        from rapidfuzz import fuzz

        return fuzz.ratio(a[1:], b[1:]) >= 85
    return False


_PLAIN_HEDGES = frozenset({"exact", "about"})  # "around 35 seats" states the figure "35 seats" states
_OPEN_HEDGES = frozenset({"more", "atleast", "less", "atmost"})  # bounds, not estimates


def same_stated_figure(x: Quantity, y: Quantity) -> bool:
    """The same figure as written for the same thing: same dimension and unit, the same hedge (or plain
    and "about"), equal within the written precision ("17 km" is "16.5 km" rounded), and both say what
    they measure, the same thing (a classifier such as "people" says nothing)."""
    return (same_value(x, y)
            and bool(x.measured) and x.measured not in _WEAK_CONCEPTS and concept_match(x.measured, y.measured))


def restates(x: Quantity, y: Quantity) -> bool:
    """Two figures of one article that state the same thing: :func:`same_stated_figure`, the same
    measurement with its unit where neither says what it measures ("37,600 km" in two sentences), or the
    same bound in the same direction ("more than 130 injured" in a headline, "at least 130 injured" below)."""
    if same_stated_figure(x, y):
        return True
    if x.dimension not in ("count", "percent") and not x.measured and not y.measured and same_value(x, y):
        return True  # the same measurement with its unit, "37,600 km" twice: one thing, even unnamed
    bound = ({x.hedge, y.hedge} <= _LOWER_BOUNDS) or ({x.hedge, y.hedge} <= _UPPER_BOUNDS)
    return (bound and (x.dimension, x.unit) == (y.dimension, y.unit)
            and abs(x.value - y.value) <= max(x.precision, y.precision, 1e-9)
            and bool(x.measured) and x.measured not in _WEAK_CONCEPTS and concept_match(x.measured, y.measured))


_LOWER_BOUNDS = frozenset({"more", "atleast"})
_UPPER_BOUNDS = frozenset({"less", "atmost"})


def near_figure(x: Quantity, y: Quantity, ratio: float) -> bool:
    """Close but different figures for the same thing: :func:`compare_quantity` weighs them and finds
    them apart, at most ``ratio`` times each other. Percentages that do not say what they measure are
    left out (the shares of a vote, of a market: many, all close), and so are open bounds ("more than
    100,000", "hundreds of thousands", "at least 130"): a floor or a ceiling is no estimate of the
    figure, and its value says nothing of how close the other figure is."""
    if x.dimension == "percent" and not (x.measured and y.measured):
        return False
    if math.isinf(x.high) or math.isinf(y.high) or x.hedge in _OPEN_HEDGES or y.hedge in _OPEN_HEDGES:
        return False
    if _ratio(x, y) > ratio or same_value(x, y):
        return False
    found = compare_quantity(x, y)
    return found is not None and found[0] != "agree"


MAX_RATIO = 30.0  # without a measured thing, values this far apart measure different things
# counts of one thing an order of magnitude apart are a tension, not a contradiction (_part_and_whole): set a
# priori, not fitted; on the dev cases (python bench/dev_errors.py) 10 turns one false contradiction into a
# tension and no true one, 5 or 3 also two true contradictions
SCOPE_RATIO = 10.0


def _overlap(x: Quantity, y: Quantity) -> bool:
    lo, hi = max(x.low - x.precision, y.low - y.precision), min(x.high + x.precision, y.high + y.precision)
    eps = 1e-9 * max(1.0, abs(lo))
    return lo <= hi + eps


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def compare_quantity(x: Quantity, y: Quantity) -> tuple[str, str] | None:
    """("contradict" | "tension" | "agree", explanation) for two figures that measure the same thing,
    None when they do not (different dimension, unit or measured thing)."""
    if x.dimension != y.dimension or (x.unit != y.unit and x.dimension != "count"):
        return None
    if x.dimension == "duration" and (x.measured == "delay") != (y.measured == "delay"):
        return None  # how long after something vs how long something lasted
    if x.measured.endswith(":change") != y.measured.endswith(":change"):
        return None  # a change is not a level: "lost 11 seats" / "24 seats", "a 23% cut" / "77% of benefits"
    if x.measured or y.measured:
        if x.dimension == "count" or (x.measured and y.measured):
            if not concept_match(x.measured, y.measured):
                return None
    elif x.dimension == "count":
        return None
    # without a measured thing, values this far apart measure different things; and a measurement
    # (not a count) of the same thing is not 30 times longer in another report: "for more than ten
    # years" near "meetings" is not the meeting's "two and a half hours"
    if (not (x.measured and y.measured) or x.dimension != "count") \
            and x.dimension not in ("percent", "magnitude", "age"):
        if _gap_ratio(x, y) > MAX_RATIO:
            return None
    why = f"{x.describe()} vs {y.describe()}: {_what(x)}"
    strict = x.hedge in ("more", "less") or y.hedge in ("more", "less")
    if not _overlap(x, y):
        if _loose(x.measured, y.measured) or _provisional(x, y) or _part_and_whole(x, y) or _within_round(x, y):
            return "tension", why
        return "contradict", why
    if _same(x.value, y.value) and not (strict and x.hedge != y.hedge):
        return "agree", why
    if x.hedge == y.hedge == "exact" and abs(x.value - y.value) <= max(x.precision, y.precision):
        return "agree", why  # one figure is the other rounded: "17 km" and "17.26 km" (not "11%" and "12%")
    if x.hedge == y.hedge == "exact" and not _loose(x.measured, y.measured):
        return "contradict", why
    return "tension", why


def _within_round(x: Quantity, y: Quantity) -> bool:
    """A round measurement ("40,000 km": three zeros or more written) and a figure inside its rounding
    ("37,600 km"): a vaguer figure, not a clash. Counts are taken as written ("2,000 people")."""
    return any(band and abs(x.value - y.value) <= band for band in (_round_band(x), _round_band(y)))


_WRITTEN_INTEGER = re.compile(r"\d{1,3}(?:([.,\u00a0\u202f ])\d{3})(?:\1\d{3})*(?!\d)|\d+(?![.,]\d)")


def _round_band(q: Quantity) -> float:
    """Half the place of a measurement's last non-zero digit when it is written with three zeros or more
    after it ("40.000 km": 5,000 km), else 0."""
    if q.dimension not in _ROUNDED or q.hedge != "exact":
        return 0.0
    m = _WRITTEN_INTEGER.match(q.text)
    if m is None:
        return 0.0
    digits = re.sub(r"\D", "", m.group())
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros < 3 or not digits.strip("0"):
        return 0.0
    written = float(digits)
    return 0.5 * 10 ** zeros * (q.value / written)


def _part_and_whole(x: Quantity, y: Quantity) -> bool:
    """Two counts of the same thing, one ``SCOPE_RATIO`` times the other or more: more likely a part and
    its whole (the stranded travellers in one country, and in all) than a misreport."""
    if x.dimension != "count" or not (x.measured and y.measured):
        return False
    return _ratio(x, y) >= SCOPE_RATIO


def _gap_ratio(x: Quantity, y: Quantity) -> float:
    """How far apart two figures are, from the nearest ends of their ranges ("a few kilometres", 2-9 km, is
    13 times 150 m, not 37 times); 1 where they overlap."""
    if x.low <= y.high and y.low <= x.high:
        return 1.0
    lo, hi = (x, y) if x.high < y.low else (y, x)
    return hi.low / max(lo.high, 1e-9)


def _ratio(x: Quantity, y: Quantity) -> float:
    """The larger value over the smaller (1 for equal values)."""
    return max(x.value, y.value) / max(min(x.value, y.value), 1e-9)


def _provisional(x: Quantity, y: Quantity) -> bool:
    """A running toll (dead, injured, missing...) given as a new level ("rose to 12") or as a floor
    ("at least 130") is a count still moving: another report's other figure is more likely an
    earlier or later count than a clash."""
    if x.dimension != "count" or x.measured.removesuffix(":change") not in EVENT_CONCEPTS:
        return False
    if x.update or y.update:
        return True
    low, high = (x, y) if x.value <= y.value else (y, x)
    return high.hedge in ("more", "atleast") and low.hedge != "less" and low.hedge != "atmost"


def _what(q: Quantity) -> str:
    m = q.measured.lstrip("~").replace("_", " ")  # "seriously_injured" reads "seriously injured"
    if m.endswith(":change"):
        m = f"{m[:-7]} (change)" if m[:-7] else "change"
    if q.dimension == "count":
        return m
    if m and m != q.dimension:
        return f"{q.dimension} ({m})"
    return q.dimension


_RANK = {"contradict": 2, "tension": 1, "agree": 0}


def same_value(x: Quantity, y: Quantity) -> bool:
    """The same figure as written: same dimension, unit and hedge (or plain and "about"), equal within
    the written precision."""
    return ((x.dimension, x.unit) == (y.dimension, y.unit)
            and (x.hedge == y.hedge or {x.hedge, y.hedge} <= _PLAIN_HEDGES)
            and abs(x.value - y.value) <= max(x.precision, y.precision, 1e-9))


def compare_quantities(a: list[Quantity], b: list[Quantity]) -> tuple[str, str] | None:
    """("contradict" | "tension" | "agree", explanation) over the figures two claims share.

    For each thing measured, the best-matching pair decides (one claim's "78 passengers" agrees
    with the other's even if a second figure differs); over things, a contradiction outranks a
    tension, which outranks an agreement."""
    best = {key: found for key, (found, _named) in compare_by_thing(a, b).items()}
    if not best:
        return None
    worst = max(best.values(), key=lambda v: _RANK[v[0]])
    if worst[0] != "agree":
        return worst
    return "agree", "; ".join(v[1] for v in best.values())


def agreeing_figures(a: list[Quantity], b: list[Quantity]) -> list[str]:
    """The explanations of the things both claims name and give the same figure for ("78 dead" and "78 people
    were killed"), even where another figure of theirs differs: what two reports at odds on one figure still
    agree on. A figure that does not say what it measures on both sides is left out (it may be background)."""
    return [found[1] for found, named in compare_by_thing(a, b).values() if named and found[0] == "agree"]


def compare_by_thing(a: list[Quantity], b: list[Quantity]) -> dict[tuple[str, str, str], tuple[tuple[str, str], bool]]:
    """For each thing measured (dimension, unit, measured concept), the best-matching comparison of the two
    claims' figures, and whether both figures of that comparison say what they measure."""
    best: dict[tuple[str, str, str], tuple[tuple[str, str], bool]] = {}
    both = {(x.dimension, x.unit) for x in a for y in b if x.measured and y.measured
            and (x.dimension, x.unit) == (y.dimension, y.unit) and concept_match(x.measured, y.measured)}
    pairs: list[tuple[int, int, int, tuple[str, str], tuple[str, str, str]]] = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if (x.dimension, x.unit) in both and not (x.measured and y.measured) and not same_value(x, y):
                # a figure that says what it measures meets its like, not an unlabelled one; the same
                # value written in both claims still meets ("5.3% of the vote" and, beside an earlier
                # forecast of 4.8%, "the final count put it at 5.3%")
                continue
            part = {x.measured, y.measured} in _PART_OF
            if part and (any(v.measured == x.measured for v in b) or any(u.measured == y.measured for u in a)):
                continue  # a part meets its whole only where the other claim does not count that part itself
            found = compare_quantity(x, y)
            if found is not None:
                pairs.append((_RANK[found[0]], i, j, found, (x.dimension, x.unit, x.measured or y.measured)))
    # an unlabelled figure meets the other claim's figures once: the one it matches best; it is not
    # weighed again against a second figure there ("93 minutes" agrees with "the meeting lasted 93
    # minutes" and is not then set against the same article's "45 minutes" for another round)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, j, found, key in sorted(pairs, key=lambda p: p[:3]):
        if not a[i].measured or not b[j].measured:
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
        if key not in best or _RANK[found[0]] < _RANK[best[key][0][0]]:
            best[key] = (found, bool(a[i].measured and b[j].measured))
    return best


# --------------------------------------------------------------------------------------------------------------
# dates and clock times


def _all_months() -> dict[str, int]:
    from .lang import all_langs

    out: dict[str, int] = {}
    for lang in all_langs():
        for k, v in lang.months.items():
            out.setdefault(k, v)
    return out


def _all_weekdays() -> dict[str, int]:
    from .lang import all_langs

    out: dict[str, int] = {}
    for lang in all_langs():
        for k, v in lang.weekdays.items():
            out.setdefault(k, v)
    return out


MONTHS: dict[str, int] = _all_months()  # every language's month names -> 1..12
WEEKDAYS: dict[str, int] = _all_weekdays()  # every language's weekday names -> 0 (Monday)..6
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"]
_TIME_BANDS = {"exact": (0, 0), "about": (-10, 10), "before": (-60, 0), "just_before": (-15, 0),
               "after": (0, 60), "just_after": (0, 15)}
_TIME_WORDS = {"exact": "", "about": "about ", "before": "before ", "just_before": "just before ",
               "after": "after ", "just_after": "just after "}


@dataclass(frozen=True)
class ClockTime:
    """A clock time as an interval in minutes after midnight: "just before 6:10 p.m." is [1080, 1090]."""

    low: int
    high: int
    point: int
    hedge: str = "exact"
    zone: str = "local"  # "local" or "utc"
    text: str = ""
    start: int = -1
    end: int = -1

    def describe(self) -> str:
        return f"{_TIME_WORDS.get(self.hedge, '')}{self.point // 60:02d}:{self.point % 60:02d}"


@dataclass(frozen=True)
class DateFacts:
    weekdays: frozenset[int]
    days: frozenset[tuple[int, int]]  # (month, day)
    years: frozenset[int]
    clock: frozenset[int]  # minutes after midnight (the points of ``times``)
    times: tuple[ClockTime, ...] = field(default=())

    def empty(self) -> bool:
        return not (self.weekdays or self.days or self.years or self.clock)


_CLOCK_12 = re.compile(r"(?<![\d.,:/])(\d{1,2})(?:[:.](\d{2}))?\s?([ap])\.?\s?m\b\.?")
_CLOCK_COLON = re.compile(r"(?<![\d.,:/])(\d{1,2}):(\d{2})(?![\d]|[:.,]\d)")
_CLOCK_H = re.compile(r"(?<![\d.,:/])(\d{1,2})\s?h\s?(\d{2})?(?![\w])")
_CLOCK_DOT = re.compile(r"(?<![\d.,:/])(\d{1,2})\.(\d{2})(?![\d]|[.,]\d)")
_CLOCK_UHR = re.compile(r"(?<![\d.,:/])(\d{1,2})\s+(?:uhr|uur)(?:\s+(\d{1,2})(?!\d))?")
_CLOCK_BARE = re.compile(r"(?<![\d.,:/])(\d{1,2})(?![\d]|[.,:]\d)")
# explicit time zones (anything else is the local time of the place reported)
_ZONES = {"gmt": "utc", "utc": "utc", "z": "utc", "et": "et", "est": "et", "edt": "et", "pt": "pt", "pst": "pt",
          "pdt": "pt", "bst": "uk", "cet": "cet", "cest": "cet", "mez": "cet", "mesz": "cet", "msk": "msk"}
_WORDS = re.compile(r"[^\W\d_]+|[.:]")


def _prefix_words(low: str, start: int, n: int = 5) -> list[str]:
    chunk = low[max(0, start - 50):start].replace("'", " ").replace("-", " ")
    return [w for w in _WORDS.findall(chunk) if w not in (".", ":")][-n:] if chunk else []


def _suffix_words(low: str, end: int, n: int = 5) -> list[str]:
    chunk = low[end:end + 50].replace("'", " ").replace("-", " ")
    out: list[str] = []
    for m in re.finditer(r"[^\W_]+|[^\w\s]", chunk):
        w = m.group()
        if w in (".", ",", ";", "!", "?", "(", ")"):
            if w == "." and out and out[-1] in ("a", "p", "m"):
                continue
            break
        out.append(w)
        if len(out) >= n:
            break
    return out


def _clock_spans(text: str, lang: Lang) -> list[ClockTime]:
    low = _lower(text).replace("\u2019", "'")
    taken: list[tuple[int, int]] = []
    out: list[ClockTime] = []
    after_keys = set(lang.clock_after) | set(lang.day_periods) | {"local time", "gmt", "utc"}
    before_keys = set(lang.clock_before) | set(lang.time_hedges)

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(m: re.Match[str], h: int, mi: int, pm: str | None) -> None:
        if not (0 <= h <= 24 and 0 <= mi <= 59) or not free(m.start(), m.end()):
            return
        pre = _prefix_words(low, m.start())
        suf = _suffix_words(low, m.end())
        period = _phrase_at(suf, 0, lang.day_periods, 4) or (
            _phrase_at(suf, 1, lang.day_periods, 4) if suf[:1] in (["wib"], ["uhr"], ["uur"]) else None)
        pre_period = _phrase_before(pre, len(pre), lang.day_periods, 3)
        kind = pm or (lang.day_periods[period[0]] if period else lang.day_periods[pre_period[0]] if pre_period
                      else None)
        if kind == "pm" and h < 12:
            h += 12
        elif kind == "am" and h == 12:
            h = 0
        elif kind == "night" and 6 <= h < 12:
            h += 12
        point = (h % 24) * 60 + mi
        hedge = "exact"
        hp = _phrase_before(pre, len(pre), lang.time_hedges, 4)
        cue = _phrase_before(pre, len(pre), lang.clock_before, 3)
        if not hp and cue:  # "poco antes de | las 5", "kurz vor | um"
            hp = _phrase_before(pre, len(pre) - cue[1], lang.time_hedges, 4)
        if not hp and pre[-1:] and pre[-1] in ("las", "la", "les", "le", "the", "het", "de", "as"):
            hp = _phrase_before(pre, len(pre) - 1, lang.time_hedges, 4)
        if hp:
            hedge = lang.time_hedges[hp[0]]
        ha = _phrase_at(suf, 0, lang.time_hedges_after, 4)
        if ha:
            hedge = lang.time_hedges_after[ha[0]]
        lo, hi = _TIME_BANDS.get(hedge, (0, 0))
        zone = next((_ZONES[w] for w in suf[:3] if w in _ZONES), "local")
        taken.append((m.start(), m.end()))
        out.append(ClockTime(point + lo, point + hi, point, hedge, zone, text[m.start():m.end()], m.start(), m.end()))

    if lang.named_times:
        names = "|".join(re.escape(n) for n in sorted(lang.named_times, key=len, reverse=True))
        spaced = low.replace("-", " ")  # "meia-noite"; same length, so offsets hold
        for m in re.finditer(rf"(?<!\w)(?:{names})(?!\w)", spaced):
            if m.start() > 0 and low[m.start() - 1] == "-":
                continue  # "après-midi" (afternoon) is not "après midi" (after noon)
            minutes = lang.named_times[m.group()]
            add(m, minutes // 60, minutes % 60, None)
    for m in _CLOCK_12.finditer(low):
        h = int(m.group(1))
        if h <= 12:
            add(m, h % 12, int(m.group(2) or 0), "pm" if m.group(3) == "p" else "am")
    for m in _CLOCK_UHR.finditer(low):
        add(m, int(m.group(1)), int(m.group(2) or 0), None)
    for m in _CLOCK_COLON.finditer(low):
        add(m, int(m.group(1)), int(m.group(2)), None)
    for m in _CLOCK_H.finditer(low):
        pre = _prefix_words(low, m.start(), 3)
        if any(w in lang.duration_cues for w in pre) and not _phrase_before(pre, len(pre), before_keys, 3):
            continue  # "a duré 1h30": a duration
        if m.group(2) is None and not _phrase_before(pre, len(pre), before_keys, 3):
            continue  # "24h" alone: more often a duration
        add(m, int(m.group(1)), int(m.group(2) or 0), None)
    for m in _CLOCK_DOT.finditer(low):
        pre = _prefix_words(low, m.start(), 4)
        suf = _suffix_words(low, m.end(), 4)
        marked_after = _phrase_at(suf, 0, after_keys, 3)
        if _phrase_before(pre, len(pre), before_keys, 3) or marked_after:
            if marked_after or not (_phrase_at(suf, 0, lang.units, 2) or _phrase_at(suf, 0, lang.percent_words, 2)):
                add(m, int(m.group(1)), int(m.group(2)), None)
    for m in _CLOCK_BARE.finditer(low):
        pre = _prefix_words(low, m.start(), 3)
        suf = _suffix_words(low, m.end(), 3)
        strong = _phrase_before(pre, len(pre), lang.clock_before, 3)
        if not strong or lang.code == "en" and strong[0] not in ("at",):
            continue
        if suf and not (_phrase_at(suf, 0, after_keys, 3) or suf[0] in ("te", "de", "ta", "da")):
            continue  # "um 20 Prozent", "alle 12 persone"
        if not suf and strong[0] in ("a", "as", "de", "o", "do", "po", "na", "to", "at"):
            continue  # too common to mark a time without a word after
        if _hours_of(pre, suf, lang):
            continue  # "après sept heures de traque": seven hours of something, not seven o'clock
        add(m, int(m.group(1)), 0, None)
    return out


def _hours_of(pre: list[str], suf: list[str], lang: Lang) -> bool:
    """A number after a duration cue and before an hour unit and "of" ("après 7 heures de traque",
    "after 7 hours of talks"): a duration of something, not a clock time."""
    unit = lang.units.get(suf[0]) if suf else None
    return bool(pre and pre[-1] in lang.duration_cues and unit and unit[0] == "duration"
                and len(suf) > 1 and suf[1] in lang.connectors)


def _date_spans(text: str, lang: Lang) -> tuple[set[tuple[int, int]], list[tuple[int, int]]]:
    """(days as (month, day), character spans of the dates)."""
    low = _lower(text).replace("\u2019", "'")
    days: set[tuple[int, int]] = set()
    spans: list[tuple[int, int]] = []
    months = lang.months
    caps = lang.capitalised_only
    joiners = "|".join(re.escape(j) for j in sorted(lang.day_month_joiners | {"de", "of"}))
    word = r"([^\W\d_]+)"
    day_month = re.compile(rf"(?<![\d.,:/])(\d{{1,2}})(?:\.|er|st|nd|rd|th|º|°)?\s*(?:(?:{joiners})\s+)?{word}")
    month_day = re.compile(rf"{word}\.?\s+(\d{{1,2}})(?:st|nd|rd|th|\.)?(?![\d:.,]\d|\s*(?:h\b|%|:|uhr|uur))")

    def month_of(m: re.Match[str], g: int) -> int | None:
        name = m.group(g)
        if name not in months:
            return None
        if name in caps and not text[m.start(g):m.start(g) + 1].isupper():
            return None
        return months[name]

    def overlaps(a: int, b: int) -> bool:
        return any(a < y and x < b for x, y in spans)

    def by_day_month() -> None:
        for m in day_month.finditer(low):
            mo = month_of(m, 2)
            d = int(m.group(1))
            if mo and 1 <= d <= 31 and not overlaps(m.start(), m.end()):
                days.add((mo, d))
                spans.append((m.start(), m.end()))

    def by_month_day() -> None:
        for m in month_day.finditer(low):
            mo = month_of(m, 1)
            d = int(m.group(2))
            if mo and 1 <= d <= 31 and not overlaps(m.start(), m.end()):
                days.add((mo, d))
                spans.append((m.start(), m.end()))

    # English writes the month first ("Sept. 11"); the other languages the day first ("11 septembre")
    for step in ((by_month_day, by_day_month) if lang.code in ("en", "und") else (by_day_month, by_month_day)):
        step()
    # numeric dates: 27/01/2021, 27.01.2021 (month first in English when the day cannot be first)
    for m in re.finditer(r"(?<![\d.,/])(\d{1,2})([./])(\d{1,2})\2(\d{4}|\d{2})(?![\d]|[.,/]\d)", low):
        a, b = int(m.group(1)), int(m.group(3))
        d, mo = (b, a) if (lang.code == "en" and a <= 12 and b > 12) else (a, b)
        if 1 <= mo <= 12 and 1 <= d <= 31:
            days.add((mo, d))
            spans.append((m.start(), m.end()))
    if lang.short_numeric_dates:
        for m in re.finditer(r"\((\d{1,2})/(\d{1,2})\)", low):
            d, mo = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                days.add((mo, d))
                spans.append((m.start(), m.end()))
    for m in re.finditer(r"(?<![\d.,/])\d+(?:/\d+)+(?![\d])", low):
        spans.append((m.start(), m.end()))  # 9/11, 24/7: never a count
    return days, spans


# "+33 1 23 45 67 89", "0800 123 456": a phone number starts with + or 0 and runs in groups
_PHONE = re.compile(r"(?<![\w.,])(?:\+\d{1,3}[ \-]?\(?\d{1,4}\)?|\(?0\d{1,4}\)?)(?:[ \-]\d{2,4}){2,}(?![\d.,]\d|\d)")


def _blocked_spans(text: str, lang: Lang) -> list[tuple[int, int]]:
    """Spans of ``text`` that hold digits but no figure: dates and clock times."""
    try:
        spans = [(c.start, c.end) for c in _clock_spans(text, lang)]
        spans.extend(_date_spans(text, lang)[1])
        spans.extend((m.start(), m.end()) for m in _PHONE.finditer(text))
        return spans
    except Exception:
        return []


def _weekdays(text: str, lang: Lang) -> set[int]:
    """Weekdays of the reported fact; not those of the report ("officials said Thursday")."""
    toks = _filtered(_scan(text.replace("\u2019", "'"), 0, _TOKEN, False))
    words = [t.low for t in toks]
    found: set[int] = set()
    speech = lang.speech_verbs
    glue = {"on", "am", "el", "le", "il", "na", "no", "op", "w", "we", "pada", "hari", "günü", "last", "late",
            "early", "this", "next"}
    for k in range(len(words)):
        got = _phrase_at(words, k, lang.weekdays, 2)
        name = got[0] if got else words[k][:-1] if words[k].endswith("s") and words[k][:-1] in lang.weekdays \
            else None
        if name is None:
            continue
        if name in lang.capitalised_only and not toks[k].text[:1].isupper():
            continue
        n = got[1] if got else 1
        j = k - 1
        while j >= 0 and words[j] in glue:
            j -= 1
        if j >= 0 and words[j] in speech:
            continue  # "said Thursday", "sagte am Donnerstag"
        e = k + n
        while e < len(words) and (words[e] in lang.day_periods or words[e] in
                                  ("night", "morning", "evening", "afternoon")):
            e += 1
        if e < len(words) and words[e] in speech:
            continue  # "on Saturday said"
        at_start = j < 0 or toks[j].text in _BOUNDARY
        if at_start and e < len(words) and toks[e].text == "," and any(
                w in speech for w in words[e + 1:e + 6]):
            continue  # "On Saturday, the president told reporters"
        found.add(lang.weekdays[name])
    return found


def _counted_after(text: str, end: int, lang: Lang) -> bool:
    """True when the word after a year-like number says it counts something ("2000 people", "2010 km")."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+|%", text[end:end + 40])][:3]
    if not words or text[end:end + 1] not in (" ", "\u00a0", "%"):
        return False
    return words[0] == "%" or _counted(words, 0, lang) or bool(_unit_at(words, 0, lang)) or bool(
        _phrase_at(words, 0, lang.currency_words, 2) or _phrase_at(words, 0, lang.percent_words, 3))


@functools.lru_cache(maxsize=16)
def _date_words(code: str) -> re.Pattern[str]:
    """Weekday names and named times ("midnight"): what can date a claim without a digit."""
    lang = get_lang(code)
    words = {k.split()[0] for k in (*lang.weekdays, *lang.named_times)}
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)
    return re.compile(rf"(?<!\w)(?:{alts})")


def extract_dates(text: str, language: str = "und") -> DateFacts:
    """Weekdays, days of the month, years and clock times of a claim.

    When the report itself is dated ("officials said Thursday"), that weekday is left out."""
    try:
        lang = get_lang(language)
        if not _has_digit(text) and not _date_words(lang.code).search(_lower(text)) \
                and _alpha2digit(text, _t2n_code(lang)) == text:
            return DateFacts(frozenset(), frozenset(), frozenset(), frozenset())
        spoken = text
        if lang.text2num or lang.code == "und":  # "a las cinco de la madrugada"
            spoken = _alpha2digit(re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", _unhyphen(text, lang), text),
                                  lang.code if lang.code != "und" else "en")
        days, _ = _date_spans(text, lang)
        times = tuple(_clock_spans(spoken, lang))
        years = {int(m.group(1)) for m in re.finditer(r"(?<![\d.,/$€£])(1[89]\d\d|20\d\d)(?![\d]|[.,/]\d)", text)
                 if not _counted_after(text, m.end(), lang)}
        weekdays = _weekdays(text, lang)
        return DateFacts(frozenset(weekdays), frozenset(days), frozenset(years),
                         frozenset(t.point for t in times), times)
    except Exception:
        return DateFacts(frozenset(), frozenset(), frozenset(), frozenset())


def _unhyphen(text: str, lang: Lang) -> Callable[[re.Match[str]], str]:
    """Hyphens between words become spaces ("vingt-trois", "meia-noite"), except before a named time
    that ends a compound: "après-midi" (afternoon) must not read as "après midi" (after noon)."""
    low = _lower(text)
    tails = [n for n in lang.named_times if " " not in n and "-" not in n]

    def repl(m: re.Match[str]) -> str:
        after = low[m.end():m.end() + 12]
        before = low[max(0, m.start() - 12):m.start()].split()[-1:]
        for n in tails:
            if after.startswith(n) and not after[len(n):len(n) + 1].isalpha() \
                    and f"{before[0] if before else ''} {n}" not in lang.named_times:
                return "-"
        return " "
    return repl


def compare_clock(x: ClockTime, y: ClockTime) -> tuple[str, str] | None:
    """("contradict" | "tension" | "agree", explanation) for two clock times, None across time zones."""
    if x.zone != y.zone:
        return None
    why = f"{x.describe()} vs {y.describe()}"
    shift = 1440 if x.point - y.point > 720 else -1440 if y.point - x.point > 720 else 0
    if shift:  # "23:50" and "about midnight" are 10 minutes apart, not 23 hours
        y = ClockTime(y.low + shift, y.high + shift, y.point + shift, y.hedge, y.zone)
    if x.high < y.low or y.high < x.low:
        return "contradict", why
    if x.point == y.point and (x.hedge == y.hedge or "exact" in (x.hedge, y.hedge)):
        return "agree", why
    return "tension", why


def compare_dates(a: DateFacts, b: DateFacts) -> tuple[str, str, str] | None:
    """(label, kind, explanation) when both claims date the fact and the dates cannot match, or
    match only loosely ("just before 6:10 p.m." vs "at about 6:05 p.m.": tension)."""
    if a.days and b.days and not (a.days & b.days):
        return "contradict", "date", f"{_days(a.days)} vs {_days(b.days)}"
    if a.weekdays and b.weekdays and not (a.weekdays & b.weekdays):
        return "contradict", "date", f"{_weekday_names(a.weekdays)} vs {_weekday_names(b.weekdays)}"
    ta = a.times or tuple(ClockTime(m, m, m) for m in sorted(a.clock))
    tb = b.times or tuple(ClockTime(m, m, m) for m in sorted(b.clock))
    if ta and tb:
        results = [r for x in ta for y in tb if (r := compare_clock(x, y))]
        if results and not any(r[0] == "agree" for r in results):
            tension = [r for r in results if r[0] == "tension"]
            label, why = tension[0] if tension else results[0]
            return label, "time", why
    if len(a.years) == 1 and len(b.years) == 1 and a.years != b.years:
        return "contradict", "date", f"{min(a.years)} vs {min(b.years)}"
    if a.years and b.years and not (a.years & b.years):
        for one, span in ((a.years, b.years), (b.years, a.years)):
            if len(one) == 1 and len(span) >= 2 and min(span) < min(one) < max(span):
                return None  # "2002" may lie inside "from 1996 to 2007"
        return "tension", "date", f"{'/'.join(map(str, sorted(a.years)))} vs {'/'.join(map(str, sorted(b.years)))}"
    return None


def _days(days: frozenset[tuple[int, int]]) -> str:
    return "/".join(f"{_MONTH_NAMES[m]} {d}" for m, d in sorted(days))


def _weekday_names(days: frozenset[int]) -> str:
    return "/".join(WEEKDAY_NAMES[d] for d in sorted(days))
