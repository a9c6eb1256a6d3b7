"""factdiff: cross-check several reports of one event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .annotated import AnnotatedArticle
    from .doc import Document
    from .pairjudge import PairError, PairVerdict
    from .report import Report


def compare(inputs: Any, **options: Any) -> Report:
    """Cross-check two or more articles; see ``factdiff.pipeline.compare``."""
    from .pipeline import compare as _compare

    return _compare(inputs, **options)


def annotate(document: Document, **options: Any) -> AnnotatedArticle:
    """Read one article once (claims, vectors, parse); see ``factdiff.annotated.annotate``."""
    from .annotated import annotate as _annotate

    return _annotate(document, **options)


def compare_annotated(articles: list[AnnotatedArticle], **options: Any) -> Report:
    """Cross-check annotated articles; ``compare(paths)`` is ``annotate`` then this."""
    from .pipeline import compare_annotated as _compare_annotated

    return _compare_annotated(articles, **options)



def pair(a: str, b: str, **options: Any) -> PairVerdict:
    """Judge two statements (agree / contradict / tension / unrelated); see ``factdiff.pairjudge.pair``."""
    from .pairjudge import pair as _pair

    return _pair(a, b, **options)


def pairs(items: Any, **options: Any) -> list[PairVerdict | PairError]:
    """Judge many (a, b) pairs in one batch; see ``factdiff.pairjudge.pairs``."""
    from .pairjudge import pairs as _pairs

    return _pairs(items, **options)


__all__ = ["annotate", "compare", "compare_annotated", "pair", "pairs", "__version__"]
