"""The report: what a fact-checker reads, in the shape of ../shared/REPORT_CONTRACT.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .doc import RESTATED, Claim, Document, Entity, Mention, Relation, Sentence, Verdict

SCHEMA_VERSION = 1  # of the report JSON; Report.from_json reads this version and the unversioned first one


class ReportFormatError(ValueError):
    """JSON that is not a factdiff report this version can read."""


@dataclass
class Fact:
    """One fact and the claims (in one or more sources) that state it."""

    claims: list[Claim]

    @property
    def sources(self) -> list[str]:
        return sorted({c.doc for c in self.claims})

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.claims[0].text,
            "sources": self.sources,
            "claims": [c.span.to_json() for c in self.claims],
        }


@dataclass
class Report:
    documents: list[Document]
    sentences: dict[str, list[Sentence]]
    claims: dict[str, list[Claim]]
    relations: list[Relation]
    unique: list[Claim]
    entities: list[Entity]
    similarity: list[tuple[str, str, float]]
    facts: list[Fact]
    stats: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # sanity warnings every renderer shows first
    noise: list[Sentence] = field(default_factory=list)  # page furniture, not read as claims

    def by_label(self, label: str) -> list[Relation]:
        return [r for r in self.relations if r.verdict.label == label]

    @property
    def contradictions(self) -> list[Relation]:
        return self.by_label("contradict")

    @property
    def tensions(self) -> list[Relation]:
        return self.by_label("tension")

    @property
    def agreements(self) -> list[Relation]:
        return self.by_label("agree")

    @property
    def duplicates(self) -> list[tuple[Sentence, Sentence]]:
        out = []
        for sents in self.sentences.values():
            for s in sents:
                if s.duplicate_of is not None:
                    out.append((s, sents[s.duplicate_of]))
        return out

    def document(self, doc_id: str) -> Document:
        return next(d for d in self.documents if d.id == doc_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "factdiff_version": __version__,
            "documents": [
                {"id": d.id, "source": d.source, "title": d.title, "language": d.language, "text": d.text,
                 "url": d.url, "published": d.published}
                for d in self.documents
            ],
            "relations": [r.to_json() for r in self.relations],
            "unique": [{**c.span.to_json(), "text": c.text} for c in self.unique],
            "duplicates": [
                {**dup.span.to_json(), "duplicate_of": first.span.to_json()} for dup, first in self.duplicates
            ],
            "entities": [e.to_json() for e in self.entities],
            "similarity": [{"a": a, "b": b, "score": round(s, 4)} for a, b, s in self.similarity],
            "facts": [f.to_json() for f in self.facts],
            "claims": [
                {"id": c.id, **c.span.to_json(), "sentence": c.sentence, "text": c.text}
                for cs in self.claims.values() for c in cs
            ],
            "summary": {
                "documents": len(self.documents),
                "agreements": len(self.agreements),
                # disputes, each counted once: a restatement of a disputed figure is not another dispute
                "contradictions": sum(r.verdict.source != RESTATED for r in self.contradictions),
                "tensions": sum(r.verdict.source != RESTATED for r in self.tensions),
                "restated": sum(r.verdict.source == RESTATED for r in self.relations),
                "unique": len(self.unique),
                "duplicates": len(self.duplicates),
                "noise": len(self.noise),
                "entities": len(self.entities),
            },
            "stats": self.stats,
            "options": self.options,
            "warnings": self.warnings,
            "noise": [{**s.span.to_json(), "text": s.text} for s in self.noise],
        }

    @classmethod
    def from_json(cls, data: Any) -> Report:
        """A report back from ``to_json`` output (a stored report, ``factdiff compare -f json``):
        every part the renderers read. Raises ``ReportFormatError`` on anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
            raise ReportFormatError("not a factdiff report (no 'documents' list)")
        version = data.get("schema_version", 1)
        if version != SCHEMA_VERSION:
            raise ReportFormatError(f"report schema version {version!r}; this factdiff reads version {SCHEMA_VERSION}")
        try:
            return _from_json(data)
        except (KeyError, TypeError, ValueError, AttributeError, StopIteration) as exc:
            raise ReportFormatError(f"damaged factdiff report: {type(exc).__name__} {exc}") from None


def _span_key(span: dict[str, Any]) -> tuple[str, int, int]:
    return (str(span["doc"]), int(span["start"]), int(span["end"]))


def _from_json(data: dict[str, Any]) -> Report:
    docs = [Document(id=str(d["id"]), source=str(d.get("source", "")), text=str(d.get("text", "")),
                     title=str(d.get("title", "")), language=str(d.get("language", "und")),
                     url=str(d.get("url", "")), published=str(d.get("published", "")))
            for d in data["documents"]]
    lang = {d.id: d.language for d in docs}
    claims: dict[str, list[Claim]] = {d.id: [] for d in docs}
    by_span: dict[tuple[str, int, int], Claim] = {}
    for c in data.get("claims", []):
        claim = Claim(str(c["id"]), str(c["doc"]), int(c.get("sentence", 0)), int(c["start"]), int(c["end"]),
                      str(c["text"]), lang.get(str(c["doc"]), "und"))
        claims.setdefault(claim.doc, []).append(claim)
        by_span[_span_key(c)] = claim

    def claim_at(span: dict[str, Any], text: str) -> Claim:
        found = by_span.get(_span_key(span))
        if found is None:
            found = Claim(f"{span['doc']}:{span['start']}", str(span["doc"]), 0, int(span["start"]),
                          int(span["end"]), text, lang.get(str(span["doc"]), "und"))
            by_span[_span_key(span)] = found
        return found

    relations = [
        Relation(claim_at(r["a"], r.get("text_a", "")), claim_at(r["b"], r.get("text_b", "")),
                 Verdict(r["label"], r.get("kind", "other"), float(r.get("confidence", 0.0)),
                         str(r.get("explanation", "")), str(r.get("decided_by", ""))),
                 float(r.get("similarity", 0.0)))
        for r in data.get("relations", [])
    ]
    if any(r.verdict.label not in ("agree", "contradict", "tension") for r in relations):
        raise ValueError("a relation label is not agree, contradict or tension")
    unique = [claim_at(u, u.get("text", "")) for u in data.get("unique", [])]
    texts = {d.id: d.text for d in docs}
    sentences: dict[str, list[Sentence]] = {d.id: [] for d in docs}
    for dup in data.get("duplicates", []):
        first = dup["duplicate_of"]
        sents = sentences.setdefault(str(dup["doc"]), [])
        i = len(sents)
        for span, of in ((first, None), (dup, i)):
            piece = texts.get(str(dup["doc"]), "")[int(span["start"]):int(span["end"])]
            sents.append(Sentence(str(dup["doc"]), len(sents), int(span["start"]), int(span["end"]), piece, piece,
                                  duplicate_of=of))
    entities = [Entity(str(e["id"]), str(e["name"]), str(e["type"]),
                       [Mention(str(m["doc"]), int(m["start"]), int(m["end"]), str(m["text"]),
                                str(m.get("kind", "name"))) for m in e.get("mentions", [])])
                for e in data.get("entities", [])]
    similarity = [(str(s["a"]), str(s["b"]), float(s["score"])) for s in data.get("similarity", [])]
    facts = [Fact([claim_at(c, "") for c in f.get("claims", [])]) for f in data.get("facts", [])]
    report = Report(docs, sentences, claims, relations, unique, entities, similarity, [f for f in facts if f.claims],
                    stats=dict(data.get("stats", {})), options=dict(data.get("options", {})))
    report.warnings = [str(w) for w in data.get("warnings", [])]
    report.noise = [Sentence(str(n["doc"]), -1, int(n["start"]), int(n["end"]), str(n.get("text", "")),
                             str(n.get("text", ""))) for n in data.get("noise", [])]
    return report


def select_relations(judged: list[Relation]) -> list[Relation]:
    """Keep every disagreement, and for agreements only each claim's best counterparts per document
    (the best, and any within ``AGREE_MARGIN`` of it).

    A claim that agrees with three near-paraphrases in another article is one fact, not three.
    """
    disagreements = [r for r in judged if r.verdict.label in ("contradict", "tension")]
    disagreeing = {(r.a.id, r.b.id) for r in disagreements}
    agreements = [r for r in judged if r.verdict.label == "agree" and (r.a.id, r.b.id) not in disagreeing]
    best: dict[tuple[str, str], Relation] = {}
    for r in agreements:
        for claim, other in ((r.a, r.b), (r.b, r.a)):
            key = (claim.id, other.doc)
            if key not in best or r.similarity > best[key].similarity:
                best[key] = r
    return disagreements + [
        r for r in agreements
        if r.similarity >= best[(r.a.id, r.b.doc)].similarity - AGREE_MARGIN
        or r.similarity >= best[(r.b.id, r.a.doc)].similarity - AGREE_MARGIN
    ]


AGREE_MARGIN = 0.05


def group_facts(claims: dict[str, list[Claim]], relations: list[Relation]) -> list[Fact]:
    """Facts: claims joined by agreement (union-find), single-source claims alone."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in relations:
        if r.verdict.label == "agree":
            parent[find(r.a.id)] = find(r.b.id)
    groups: dict[str, list[Claim]] = {}
    for cs in claims.values():
        for c in cs:
            groups.setdefault(find(c.id), []).append(c)
    facts = [Fact(cs) for cs in groups.values()]
    facts.sort(key=lambda f: (-len(f.sources), f.claims[0].doc, f.claims[0].start))
    return facts


def unique_claims(claims: dict[str, list[Claim]], relations: list[Relation]) -> list[Claim]:
    """Claims that no claim of another document agrees with, contradicts or qualifies."""
    related = {r.a.id for r in relations} | {r.b.id for r in relations}
    if len(claims) < 2:
        return []
    return [c for cs in claims.values() for c in cs if c.id not in related]
