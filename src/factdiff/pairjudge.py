"""Judge one pair of statements: agree / contradict / tension / unrelated, with a reason.

``factdiff.pair(a, b)`` and ``factdiff pair A B`` run the same judge as ``compare``: the two texts go
through compare's pipeline as two one-paragraph articles (nothing is re-implemented here), so its
structured checks (figures, dates, places, roles, negation, scope) speak first, and a structured
disagreement always wins. Where they find nothing, the multilingual cross-encoder
(``factdiff.crossencoder``) reads the two texts together, in both directions:

- contradiction probability >= ``CONTRADICT_P``: contradict; >= ``TENSION_P`` and above entailment: tension;
- else entailment probability >= ``AGREE_P``: agree;
- else unrelated (neither text states the other; NLI's "neutral").

Without the model (``nli=False``, or where it cannot load) compare's own embedding verdict is kept.
The thresholds are fixed round values on the calibrated probabilities, not tuned on any evaluation set.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from .doc import Document
from .ingest import InputError

log = logging.getLogger("factdiff")

STRUCTURED_SOURCES = ("quantity", "date", "place", "roles", "negation", "scope")
CONTRADICT_P = 0.6
TENSION_P = 0.4
AGREE_P = 0.5
MAX_CHARS = 10_000  # a pair is two statements or short passages; the model reads 96 tokens of the two together
_SEVERITY = {"contradict": 0, "tension": 1, "agree": 2, "unrelated": 3}


@dataclass
class PairVerdict:
    label: str  # agree | contradict | tension | unrelated
    confidence: float
    kind: str
    explanation: str
    decided_by: str
    probs: dict[str, float] | None = None  # the cross-encoder's symmetric probabilities, when it ran
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {**self.extra, "label": self.label, "confidence": round(self.confidence, 3),
                               "kind": self.kind, "explanation": self.explanation, "decided_by": self.decided_by}
        if self.probs is not None:
            out["probs"] = {k: round(v, 3) for k, v in self.probs.items()}
        return out


@dataclass
class PairError:
    error: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {**self.extra, "error": self.error}


def check_text(text: object, name: str) -> str:
    """The text itself, or InputError with one line saying what is wrong with it."""
    if not isinstance(text, str):
        raise InputError(f"text {name} must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputError(f"text {name} is empty")
    if "\x00" in text or sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r") > max(2, len(text) // 20):
        raise InputError(f"text {name} looks binary (control characters), not text")
    if len(text) > MAX_CHARS:
        raise InputError(f"text {name} is too long ({len(text)} characters; at most {MAX_CHARS})")
    return text


def _compare_verdict(a: str, b: str, backend: str) -> tuple[Any | None, Any | None]:
    """compare's verdicts on the two texts (no NLI): (strongest structured one, best other one)."""
    from .pipeline import compare

    report = compare([Document("A", "A", a), Document("B", "B", b)], backend=backend, nli=False, exhaustive=True)
    rels = sorted(report.relations, key=lambda r: (_SEVERITY[r.verdict.label], -r.verdict.confidence))
    structured = next((r.verdict for r in rels if r.verdict.source in STRUCTURED_SOURCES), None)
    other = next((r.verdict for r in rels if r.verdict.source not in STRUCTURED_SOURCES), None)
    return structured, other


def _from_probs(p: Sequence[float]) -> PairVerdict:
    pe, pn, pc = (float(x) for x in p)
    probs = {"entailment": pe, "neutral": pn, "contradiction": pc}
    if pc >= CONTRADICT_P:
        return PairVerdict("contradict", pc, "other", f"the cross-encoder reads a contradiction (p={pc:.2f})",
                           "crossencoder", probs)
    if pc >= TENSION_P and pc > pe:
        return PairVerdict("tension", pc, "other", f"the cross-encoder leans to contradiction (p={pc:.2f})",
                           "crossencoder", probs)
    if pe >= AGREE_P:
        return PairVerdict("agree", pe, "paraphrase", f"the cross-encoder reads the same fact (p={pe:.2f})",
                           "crossencoder", probs)
    return PairVerdict("unrelated", pn, "other",
                       f"the cross-encoder reads neither the same fact nor a contradiction (p(neutral)={pn:.2f})",
                       "crossencoder", probs)


def pairs(items: Iterable[tuple[str, str]], *, nli: bool = True,
          backend: str | None = None) -> list[PairVerdict | PairError]:
    """Judge many (a, b) pairs; a bad pair gives a PairError in its place, never an exception.

    The cross-encoder scores all pairs the structured checks leave open in one batch."""
    from .crossencoder import CrossEncoderError, load_crossencoder
    from .embed import DEFAULT_BACKEND, EmbeddingError

    out: list[PairVerdict | PairError] = []
    fallback: dict[int, Any] = {}
    todo: list[tuple[int, tuple[str, str]]] = []  # (output slot, texts) left to the model
    for item in items:
        try:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise InputError("each pair must be two texts (a, b)")
            a, b = check_text(item[0], "a"), check_text(item[1], "b")
            structured, other = _compare_verdict(a, b, backend or DEFAULT_BACKEND)
        except (InputError, EmbeddingError) as exc:
            out.append(PairError(str(exc)))
            continue
        if structured is not None:
            out.append(PairVerdict(structured.label, structured.confidence, structured.kind, structured.explanation,
                                   structured.source))
            continue
        out.append(PairVerdict("unrelated", 0.0, "other", "", ""))  # placeholder, filled below
        todo.append((len(out) - 1, (a, b)))
        fallback[len(out) - 1] = other
    model = None
    if nli and todo:
        try:
            model = load_crossencoder()
        except CrossEncoderError as exc:
            log.warning("cross-encoder unavailable, judging without it: %s", exc)
    if model is not None:
        probs = model.score_pairs([t for _, t in todo], symmetric=True)
        for (i, _), p in zip(todo, probs):
            out[i] = _from_probs(p)
    else:
        for i, _ in todo:
            v = fallback[i]
            out[i] = (PairVerdict(v.label, v.confidence, v.kind, v.explanation, v.source) if v is not None else
                      PairVerdict("unrelated", 1.0, "other", "no structured disagreement and no shared fact found",
                                  "embedding"))
    return out


def pair(a: str, b: str, *, nli: bool = True, backend: str | None = None) -> PairVerdict:
    """Judge one pair; raises ``InputError`` (one line) for empty, binary or over-long text."""
    (res,) = pairs([(a, b)], nli=nli, backend=backend)
    if isinstance(res, PairError):
        raise InputError(res.error)
    return res


def read_jsonl_line(raw: bytes, lineno: int) -> tuple[str, str, dict[str, Any]] | PairError:
    """One ``{"a": ..., "b": ...}`` line -> (a, b, fields echoed in the verdict) or a PairError."""
    where: dict[str, Any] = {"line": lineno}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return PairError("not UTF-8 text", where)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return PairError(f"not JSON ({exc.msg})", where)
    if not isinstance(obj, dict):
        return PairError('expected a JSON object {"a": ..., "b": ...}', where)
    if "id" in obj and isinstance(obj["id"], (str, int)):
        where["id"] = obj["id"]
    missing = [k for k in ("a", "b") if k not in obj]
    if missing:
        return PairError(f"missing field(s) {', '.join(missing)}", where)
    return obj["a"], obj["b"], where


def judge_jsonl(stream: IO[bytes], *, nli: bool = True, chunk: int = 64) -> Iterator[dict[str, Any]]:
    """One JSON record per non-blank input line, in order: a verdict, or ``{"line", "error"}``.
    Lines are judged ``chunk`` at a time, so the cross-encoder batches and output streams."""
    buf: list[tuple[str, str, dict[str, Any]] | PairError] = []

    def flush() -> Iterator[dict[str, Any]]:
        ok = [x for x in buf if not isinstance(x, PairError)]
        judged = iter(pairs([(a, b) for a, b, _ in ok], nli=nli))
        for x in buf:
            if isinstance(x, PairError):
                yield x.to_json()
            else:
                res = next(judged)
                res.extra = {**x[2], **res.extra}
                yield res.to_json()
        buf.clear()

    for lineno, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        buf.append(read_jsonl_line(raw, lineno))
        if len(buf) >= chunk:
            yield from flush()
    yield from flush()
