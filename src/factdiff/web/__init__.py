"""factdiff's web UI: ``factdiff serve`` (FastAPI + Jinja2) and the reading view shared with ``render.to_html``.

Importing this package loads no web framework; ``create_app`` imports FastAPI when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(db_url: str | None = None, allow_ingest: bool = False, allow_fetch: bool = False,
               **options: Any) -> FastAPI:
    """The web app over the store at ``db_url``; see ``factdiff.web.app.create_app``."""
    from .app import create_app as _create

    return _create(db_url, allow_ingest=allow_ingest, allow_fetch=allow_fetch, **options)
