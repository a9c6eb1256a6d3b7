"""factdiff: cross-check several reports of one event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .report import Report


def compare(inputs: Any, **options: Any) -> Report:
    """Cross-check two or more articles; see ``factdiff.pipeline.compare``."""
    from .pipeline import compare as _compare

    return _compare(inputs, **options)


__all__ = ["compare", "__version__"]
