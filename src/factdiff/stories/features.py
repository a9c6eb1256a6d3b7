"""What story clustering knows about one article: a title+lead vector, name and rare-word keys, a time.

Computed once per article (a pure function of the article), stored as the article's
annotation, and never recomputed on a restart.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ..doc import Document
from ..similarity import content_words, extract_names, extract_numbers, name_keys
from ..text import is_address, split_sentences

# 2: vector over a 5-sentence lead with a lighter title, words and names over 10 sentences; 3: the opening's
# figures count among the names (version 2 features gain them on loading: they are among the stored words)
# 4: the time falls back on a dateline at the top of the text; 5: a title or opening line that is a web address
# is not read (scraped pages and corpora often carry the page's address where the headline belongs), and names
# and words come from a 20-sentence opening (10 before)
FEATURES_VERSION = 5
LEAD_SENTENCES = 5  # the lead: where a news report says what it is about (the sentences encoded)
# names and words come from a longer opening (cheap: nothing to encode); 20 sentences rather than 10: out of
# sample (python bench/stories_exp.py words20 [--topic], against python -m bench stories), see the variant
WORD_SENTENCES = 20
LEAD_MAX_CHARS = 1500  # the encoded lead stops after this many characters
WORD_MAX_CHARS = 6000
MIN_SENTENCE_CHARS = 20
TITLE_WEIGHT = 0.34  # the title vector counts a third as much as the mean of the lead sentences: a heavier title
# tied articles on a shared topic word and split translations whose titles were rendered freely

Encoder = Callable[[list[str]], np.ndarray]


@dataclass
class ArticleFeatures:
    vector: np.ndarray  # (d,) float32, L2-normalised
    # name stems (accent-folded), language-independent for most names, and the figures of the opening (numbers
    # of two or more digits, as written without separators): both single out one event in any language, where
    # a topic-mate (another quake, another quarter's results) shares the names but not the figures
    names: frozenset[str]
    words: frozenset[str]  # folded content words (and numbers) of title + lead
    language: str
    time: datetime | None  # naive UTC; None when the article has no usable date

    def to_json(self) -> dict[str, Any]:
        return {"version": FEATURES_VERSION, "names": sorted(self.names), "words": sorted(self.words),
                "language": self.language, "time": self.time.isoformat() if self.time else None}

    @classmethod
    def from_json(cls, data: dict[str, Any], vector: bytes | np.ndarray) -> ArticleFeatures:
        """Stored features; version 1 (3-sentence lead, heavier title, words of the lead only) loads as it is."""
        vec = np.frombuffer(vector, dtype=np.float32).copy() if isinstance(vector, bytes) else vector
        t = data.get("time")
        words = frozenset(data.get("words", []))
        names = frozenset(data.get("names", []))
        if int(data.get("version", 1)) < 3:
            names |= figure_keys(words)
        return cls(vec, names, words,
                   str(data.get("language", "und")), datetime.fromisoformat(t) if t else None)


def figure_keys(words: frozenset[str] | set[str]) -> frozenset[str]:
    """The figures among an article's words (``similarity.extract_numbers`` puts them there)."""
    return frozenset(w for w in words if w.isdigit())


def article_title(doc: Document) -> str:
    """The article's title, whitespace folded; empty where the title field holds the page's web address (a
    headline says what the article is about; an address embeds like every other address, and its words, dates
    and host name would tie unrelated pages together)."""
    title = " ".join(doc.title.split())
    return "" if is_address(title) else title


def lead_sentences(doc: Document, count: int = LEAD_SENTENCES, max_chars: int = LEAD_MAX_CHARS) -> list[str]:
    """The first sentences of the body (the title left out where the text repeats it, and any sentence that is
    only a web address)."""
    title = article_title(doc).lower()
    out: list[str] = []
    used = 0
    for start, end in split_sentences(doc.text):
        s = " ".join(doc.text[start:end].split())
        if len(s) < MIN_SENTENCE_CHARS or (title and s.lower().startswith(title)) or is_address(s):
            continue
        out.append(s[:max_chars])
        used += len(s)
        if len(out) >= count or used >= max_chars:
            break
    return out


def _first(sentences: list[str], count: int, max_chars: int) -> list[str]:
    out: list[str] = []
    used = 0
    for s in sentences:
        out.append(s[:max_chars])
        used += len(s)
        if len(out) >= count or used >= max_chars:
            break
    return out


def parse_time(value: str) -> datetime | None:
    """An ISO date or time (or a Unix time in seconds/milliseconds) as naive UTC; None when unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and len(value) >= 9:
        seconds = int(value) / (1000 if len(value) >= 12 else 1)
        return datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        import dateparser

        dt = dateparser.parse(value, settings={"TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True})
        if dt is None:
            return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


DATELINE_LINES = 2  # a dateline stands on one of the first lines of the text
DATELINE_MAX_CHARS = 48  # ... and is short: the line is a date and little else ("Friday, March 01, 2008")
_YEAR_IN_LINE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)"  # a year written out, or day-month-year as in
                           r"|^\d{1,2}[-/ .][^\W\d_]{3,}\.?[-/ .]\d\d$")  # "24-Nov-04" (two-digit year)


def dateline(text: str, language: str = "und") -> datetime | None:
    """The date of a dateline, a line near the top of an article that holds only its date ("March 01 , 2008",
    "1 marzo 2008", "Freitag, 24. November 2004"), as agencies and wikis print it: the publication date of an
    article that came without one. A line must name day, month and year; anything longer than a dateline, or a
    date inside a sentence ("On March 3, 2019, ..."), is not read."""
    lines = [ln.strip() for ln in text.lstrip().split("\n", 4)[:DATELINE_LINES + 1]]
    for line in [ln for ln in lines if ln][:DATELINE_LINES]:
        if len(line) > DATELINE_MAX_CHARS or not _YEAR_IN_LINE.search(line) or line.endswith((".", "!", "?")):
            continue
        if len(re.findall(r"[^\W\d_]+", line)) > 4:  # a weekday, a month, a place: no more words than a dateline
            continue
        dt = _parse_dateline(line, language)
        if dt is not None:
            return dt
    return None


@functools.lru_cache(maxsize=4096)
def _parse_dateline(line: str, language: str) -> datetime | None:
    """dateparser on one candidate line, once per line and language (ingest orders a batch by time, then
    computes its features: both ask)."""
    import dateparser

    languages = list(dict.fromkeys([language, "en"])) if language and language != "und" else None
    try:
        return dateparser.parse(line, languages=languages, settings={
            "REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past",
            "RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # noqa: BLE001 - dateparser on odd text: no date rather than no article
        return None


def article_time(doc: Document) -> datetime | None:
    """When an article was published: its ``published`` field, else the dateline at the top of its text."""
    if doc.published:
        return parse_time(doc.published)
    return dateline(doc.text, doc.language or "und")


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / max(float(np.linalg.norm(v)), 1e-9), dtype=np.float32)


def article_features(docs: Sequence[Document], encode: Encoder | None = None) -> list[ArticleFeatures]:
    """Features of each article; ``encode`` defaults to the multilingual USE embedder (one batch call)."""
    if encode is None:
        from ..embed import get_embedder

        encode = get_embedder("use").encode
    texts: list[str] = []
    parts: list[tuple[int, int, bool]] = []  # (first text, count, has title) per doc
    leads: list[list[str]] = []
    titles: list[str] = []
    for doc in docs:
        opening = lead_sentences(doc, WORD_SENTENCES, WORD_MAX_CHARS)
        lead = _first(opening, LEAD_SENTENCES, LEAD_MAX_CHARS)  # what lead_sentences(doc) gives, split once
        title = article_title(doc)
        titles.append(title)
        if not lead and not title:
            lead = opening = [" ".join(doc.text.split())[:LEAD_MAX_CHARS] or "-"]
        parts.append((len(texts), len(lead) + bool(title), bool(title)))
        texts.extend(([title] if title else []) + lead)
        leads.append(opening)
    vectors = encode(texts) if texts else np.zeros((0, 1), np.float32)
    out: list[ArticleFeatures] = []
    for doc, title, opening, (at, n, has_title) in zip(docs, titles, leads, parts, strict=True):
        rows = vectors[at:at + n]
        if has_title and len(rows) > 1:
            vec = TITLE_WEIGHT * rows[0] + rows[1:].mean(axis=0)
        else:
            vec = rows.mean(axis=0)
        head = " ".join(([title] if title else []) + opening)
        figures = extract_numbers(head)
        words = {w for w in content_words(head)} | figures
        out.append(ArticleFeatures(_unit(vec), frozenset(name_keys(extract_names(head))) | figure_keys(figures),
                                   frozenset(words),
                                   doc.language or "und", article_time(doc)))
    return out
