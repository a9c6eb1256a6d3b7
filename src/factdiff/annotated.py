"""``annotate``: everything factdiff reads from one article, before articles are compared.

An ``AnnotatedArticle`` is a pure function of the article and the configuration: its language,
sentences (with repeats and page furniture marked), claims with stable ids (``doc:sentence.k``),
the claim vectors of each sentence encoder, and the article's parse. It does not depend on which
other articles are present, so a stream stores it once (``factdiff ingest``) and every later
comparison of the story reads it back instead of computing it again. ``compare_annotated``
(``factdiff.pipeline``) does the cross-document part: cues, entities across articles, alignment,
judging, the report.

Annotated articles serialise to and from JSON (``to_dict`` / ``from_dict``) with a schema
version; vectors and the parse travel as base64.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
from typing import Any

import numpy as np

from . import __version__
from . import claims as claims_mod
from . import text as text_mod
from .config import DEFAULT, Config
from .doc import Claim, Document, Sentence
from .embed import DEFAULT_BACKEND, EmbeddingError, get_embedder

log = logging.getLogger("factdiff")

SCHEMA_VERSION = 1


class AnnotationError(ValueError):
    """Stored annotation that cannot be read back (wrong schema, damaged fields)."""


@dataclasses.dataclass
class AnnotatedArticle:
    document: Document
    sentences: list[Sentence]
    noise: list[int]  # indices of sentences that are page furniture (ads, "read also", bylines)
    claims: list[Claim]
    vectors: dict[str, np.ndarray]  # encoder name -> (claims, dim) float32, one row per claim
    parse_lang: str = ""  # the language pipeline that parsed the article ("" when not parsed)
    parse: Any = None  # the spaCy Doc
    options: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def noise_sentences(self) -> list[Sentence]:
        return [self.sentences[i] for i in self.noise]

    def to_dict(self, *, vectors: str = "f32", parse: bool = True) -> dict[str, Any]:
        """JSON-ready dict. ``vectors="f16"`` halves the vectors' size (what the store keeps: a
        comparison from it can differ from a fresh one in the last digits of a score);
        ``parse=False`` leaves the parse out (it is then parsed again when compared)."""
        from .entities import parse_to_bytes

        d = self.document
        return {
            "schema_version": SCHEMA_VERSION,
            "factdiff_version": __version__,
            "document": {"id": d.id, "source": d.source, "text": d.text, "title": d.title,
                         "language": d.language, "url": d.url, "published": d.published},
            "sentences": [{"index": s.index, "start": s.start, "end": s.end, "norm": s.norm,
                           "duplicate_of": s.duplicate_of} for s in self.sentences],
            "noise": list(self.noise),
            "claims": [{"id": c.id, "sentence": c.sentence, "start": c.start, "end": c.end, "text": c.text}
                       for c in self.claims],
            "vectors": {name: _array_to_json(v, vectors) for name, v in self.vectors.items()},
            "parse": None if self.parse is None or not parse else
            {"lang": self.parse_lang, "data": base64.b64encode(parse_to_bytes(self.parse)).decode("ascii")},
            "options": self.options,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnnotatedArticle:
        version = data.get("schema_version") if isinstance(data, dict) else None
        if version != SCHEMA_VERSION:
            raise AnnotationError(f"annotated article has schema version {version!r}; this factdiff reads "
                                  f"version {SCHEMA_VERSION}: annotate the article again")
        try:
            dd = data["document"]
            doc = Document(id=str(dd["id"]), source=str(dd.get("source", "")), text=str(dd["text"]),
                           title=str(dd.get("title", "")), language=str(dd.get("language", "und")),
                           url=str(dd.get("url", "")), published=str(dd.get("published", "")))
            sentences = [Sentence(doc.id, int(s["index"]), int(s["start"]), int(s["end"]),
                                  doc.text[int(s["start"]):int(s["end"])], str(s["norm"]),
                                  None if s.get("duplicate_of") is None else int(s["duplicate_of"]))
                         for s in data["sentences"]]
            claims = [Claim(str(c["id"]), doc.id, int(c["sentence"]), int(c["start"]), int(c["end"]),
                            str(c["text"]), doc.language) for c in data["claims"]]
            vectors = {str(k): _array_from_json(v) for k, v in data.get("vectors", {}).items()}
            noise = [int(i) for i in data.get("noise", [])]
        except (KeyError, TypeError, ValueError) as exc:
            raise AnnotationError(f"annotated article is damaged: {exc!r}") from None
        for name, v in vectors.items():
            if v.ndim != 2 or v.shape[0] != len(claims):
                raise AnnotationError(f"annotated article {doc.id!r}: {name} vectors do not match its claims")
        if any(not 0 <= i < len(sentences) for i in noise):
            raise AnnotationError(f"annotated article {doc.id!r}: noise index out of range")
        parse_lang, parse = "", None
        if data.get("parse"):
            from .entities import parse_from_bytes

            parse_lang = str(data["parse"]["lang"])
            try:
                parse = parse_from_bytes(parse_lang, base64.b64decode(data["parse"]["data"]))
            except Exception as exc:  # spaCy raises several types on damaged bytes
                raise AnnotationError(f"annotated article {doc.id!r}: stored parse unreadable ({exc})") from None
        return cls(doc, sentences, noise, claims, vectors, parse_lang, parse, dict(data.get("options", {})))


def annotate(document: Document, *, backend: str = DEFAULT_BACKEND, config: Config | None = None,
             parse: bool = True) -> AnnotatedArticle:
    """Read one article: language, sentences, noise, claims, claim vectors, parse.

    ``config.encoders`` says which encoders' vectors are kept ("use" or "use+e5"); the parse feeds
    negation, roles, places and entities in ``compare_annotated`` (``parse=False`` skips it, for
    callers that only need claims and vectors).
    """
    cfg = config or DEFAULT
    doc = dataclasses.replace(document)
    if doc.language in ("", "und"):
        doc.language = text_mod.detect_language(doc.text)
    sentences = text_mod.mark_duplicates(text_mod.sentences(doc))
    noise = [k for k, s in enumerate(sentences) if text_mod.is_boilerplate(s.text, doc.language)]
    noisy = set(noise)
    claims = claims_mod.document_claims(doc, [s for k, s in enumerate(sentences) if k not in noisy])
    texts = [c.text for c in claims]
    embedder = get_embedder(backend)
    vectors = {embedder.name: embedder.encode(texts)}
    if cfg.encoders != "use":
        other = "e5" if embedder.name == "use" else "use"
        try:
            vectors[other] = get_embedder(other).encode(texts)
        except EmbeddingError as exc:
            log.info("second encoder unavailable: %s", exc)
    parse_lang, sdoc = "", None
    if parse:
        from .entities import parse as parse_document

        parse_lang, sdoc = parse_document(doc)
    return AnnotatedArticle(doc, sentences, noise, claims, vectors, parse_lang, sdoc,
                            {"backend": embedder.name, "encoders": cfg.encoders})


_DTYPES = {"f32": "<f4", "f16": "<f2"}


def _array_to_json(v: np.ndarray, dtype: str = "f32") -> dict[str, Any]:
    if dtype not in _DTYPES:
        raise ValueError(f"vectors must be one of {', '.join(_DTYPES)}")
    a = np.ascontiguousarray(v, dtype=_DTYPES[dtype])
    return {"shape": list(a.shape), dtype: base64.b64encode(a.tobytes()).decode("ascii")}


def _array_from_json(data: dict[str, Any]) -> np.ndarray:
    shape = tuple(int(x) for x in data["shape"])
    key = next((k for k in _DTYPES if k in data), None)
    if key is None:
        raise ValueError("vectors without data")
    raw = base64.b64decode(data[key], validate=True)
    return np.frombuffer(raw, dtype=_DTYPES[key]).reshape(shape).astype(np.float32)
