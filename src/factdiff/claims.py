"""Claims: sentences split further where one sentence carries several facts.

"Bennett flew to Berlin after the meeting, to have dinner with Scholz" becomes two claims,
so that "then flew to Berlin" can agree with the first while the dinner stays its own fact.
Splitting is by punctuation and connectives (English and French): cheap, predictable and
language-light; a clause that would be too short to stand alone stays with its neighbour.
A non-restrictive relative clause in mid-sentence (", who served as translator,") becomes
its own claim, and the claim around it keeps the whole span but is judged without it.
"""

from __future__ import annotations

import re

from .doc import Claim, Document, Sentence

_CLAUSE = re.compile(
    r"""(?:,\s+(?=(?:and|but|while|whereas|then|yet|so|et|mais|puis|alors\ que|tandis\ que|car)\s))
      | (?:;\s+)
      | (?:(?<=\w)\s+(?=but\s+(?!also\b)[a-z]+\s))
      | (?:,\s+(?=to\s+[a-z]+\b))
      | (?:,\s+(?=(?:an?|the)\s+\w+\s+that\b))
      | (?:,\s+(?=(?:including|as|after|before|since|because|although|selon|après|avant)\b))
      | (?:,\s+(?=[a-z]{3,}ed\s+by\b))  # a participial phrase: ", followed by ...", ", backed by ..."
      | (?:,\s+(?!according\b)(?=[a-z]{2,}ing\b))
    """,
    re.VERBOSE,
)
# a clause that opens with a conjunction and then a negation or an adverb shares the subject and verb of the
# clause before ("they may debate the bills but not amend them", ", but otherwise gave no details"): cut off, it
# would be a fragment without a subject whose negation belongs to nobody, so it stays with its neighbour
_ELLIPTIC = re.compile(r"(?:and|but|et|mais)\s+(?:not|never|otherwise|also|only|rather|still|pas|jamais|ne|n['’])\b",
                       re.IGNORECASE)
_RELATIVE = re.compile(r",\s+(?=(?:which|who|whom|whose|where|qui|où|dont|lequel|laquelle)\b)")
MIN_WORDS = 4


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def split_claims(doc: Document, sent: Sentence) -> list[Claim]:
    """Claims of one sentence, as spans of the document text."""
    text = sent.text
    pieces: list[tuple[int, int]] = []  # offsets relative to the sentence
    nested: list[tuple[int, int]] = []  # mid-sentence relative clauses
    cuts = sorted({m.end() for m in _CLAUSE.finditer(text)})
    bounds = [0, *cuts, len(text)]
    for a, b in zip(bounds, bounds[1:]):
        pieces.append((a, b))

    # mid-sentence relative clauses: ", who ... ," with more text after the closing comma
    for m in _RELATIVE.finditer(text):
        start = m.end()
        close = text.find(", ", start)
        piece_end = next(b for a, b in pieces if a <= start < b)
        if close != -1 and close < piece_end and _words(text[close:piece_end]) >= 2:
            if _words(text[start:close]) >= MIN_WORDS - 1:
                nested.append((start, close))
        elif _words(text[start:piece_end]) >= MIN_WORDS:
            # a trailing relative clause: cut the piece in two
            pieces = [p for p in pieces if p != (next(p for p in pieces if p[0] <= start < p[1]))] + [
                (next(a for a, b in pieces if a <= start < b), m.start() + 1),
                (start, piece_end),
            ]
            pieces.sort()

    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        if merged and (_words(text[a:b]) < MIN_WORDS or _words(text[merged[-1][0]:merged[-1][1]]) < MIN_WORDS
                       or _ELLIPTIC.match(text[a:b].lstrip(" ,;"))):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))

    claims: list[Claim] = []
    for a, b in merged:
        a, b = _trim(text, a, b)
        if b <= a:
            continue
        inner = [(x, y) for x, y in nested if a <= x and y <= b]
        judged = text[a:b]
        for x, y in sorted(inner, reverse=True):  # judge the host clause without its relative clause
            head = judged[: x - a - 2] if text[x - 2:x] == ", " else judged[: x - a]
            judged = head + judged[y - a + 1:] if text[y:y + 1] == "," else head + judged[y - a:]
        claims.append(_claim(doc, sent, len(claims), a, b, judged))
        for x, y in inner:
            x, y = _trim(text, x, y)
            claims.append(_claim(doc, sent, len(claims), x, y, text[x:y]))
    return claims


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in ",;"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;"):
        b -= 1
    return a, b


def _claim(doc: Document, sent: Sentence, k: int, a: int, b: int, judged: str) -> Claim:
    return Claim(
        id=f"{doc.id}:{sent.index}.{k}",
        doc=doc.id,
        sentence=sent.index,
        start=sent.start + a,
        end=sent.start + b,
        text=judged.strip(),
        language=doc.language,
    )


def document_claims(doc: Document, sents: list[Sentence]) -> list[Claim]:
    """All claims of a document, skipping repeated sentences (they are counted once)."""
    out: list[Claim] = []
    for sent in sents:
        if sent.duplicate_of is None:
            out.extend(split_claims(doc, sent))
    return out
