"""The typed data that flows through the pipeline.

Offsets are Python string indices into ``Document.text`` (end exclusive), so that
``text[start:end]`` is exactly what a reader sees. Every stage adds to these objects
or returns new ones; none of them knows about rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Label = Literal["agree", "contradict", "tension"]
Kind = Literal[
    "quantity", "date", "time", "place", "person", "roles", "negation", "scope",
    "paraphrase", "other",
]


@dataclass
class Document:
    """One article as read: ``text`` is decoded (and extracted from HTML) but not normalised."""

    id: str
    source: str
    text: str
    title: str = ""
    language: str = "und"
    url: str = ""
    published: str = ""


@dataclass(frozen=True)
class Span:
    doc: str
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        return {"doc": self.doc, "start": self.start, "end": self.end}


@dataclass
class Sentence:
    """A sentence of a document; ``norm`` is the normalised text used for matching."""

    doc: str
    index: int
    start: int
    end: int
    text: str
    norm: str
    duplicate_of: int | None = None  # index of the first occurrence inside the same document

    @property
    def span(self) -> Span:
        return Span(self.doc, self.start, self.end)


@dataclass
class Claim:
    """The unit that gets aligned and judged: a sentence or one fact split out of it."""

    id: str
    doc: str
    sentence: int
    start: int
    end: int
    text: str
    language: str = "und"

    @property
    def span(self) -> Span:
        return Span(self.doc, self.start, self.end)


@dataclass
class Mention:
    doc: str
    start: int
    end: int
    text: str
    kind: str = "name"  # "name", "description" ("the prime minister"), or "surname" (inside a full name)

    def to_json(self) -> dict[str, object]:
        return {"doc": self.doc, "start": self.start, "end": self.end, "text": self.text, "kind": self.kind}


@dataclass
class Entity:
    """One real-world referent across all documents."""

    id: str
    name: str
    type: str  # PERSON, GPE, LOC, ORG, NORP, ...
    mentions: list[Mention] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "mentions": [m.to_json() for m in self.mentions],
        }


@dataclass
class Verdict:
    """What one check (or the judge as a whole) says about a pair of claims."""

    label: Label | Literal["unrelated"]
    kind: Kind
    confidence: float
    explanation: str
    source: str = ""  # which check decided: "quantity", "negation", "nli", "embedding", ...


# Verdict.source of a figure disagreement carried to another place where an article states the same
# figure (judge.restatements): shown where it stands, counted once in a report's summary
RESTATED = "quantity:restated"
# Verdict.source of an agreement on one figure (or clock time) of a pair found at odds on another figure or
# on a date (judge.beside_disagreements): "78 dead" in both reports, 150 injured in one and 120 in the other
BESIDE = "beside"


@dataclass
class Relation:
    a: Claim
    b: Claim
    verdict: Verdict
    similarity: float

    def to_json(self) -> dict[str, object]:
        return {
            "a": self.a.span.to_json(),
            "b": self.b.span.to_json(),
            "label": self.verdict.label,
            "kind": self.verdict.kind,
            "confidence": round(self.verdict.confidence, 3),
            "explanation": self.verdict.explanation,
            "decided_by": self.verdict.source,
            "similarity": round(self.similarity, 3),
            "text_a": self.a.text,
            "text_b": self.b.text,
        }
