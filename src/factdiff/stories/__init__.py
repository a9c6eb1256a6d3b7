"""Stories: a stream of articles grouped online into stories, stored, every story cross-checked.

The Python API mirrors the CLI: ``ingest`` (``factdiff ingest``), ``list_stories``
(``factdiff stories``) and ``story_report`` (``factdiff story``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..report import Report
from ..store import Store, StoreError, open_store
from ..text import is_address
from .cluster import OnlineClusterer, cluster_stream, load_model, load_topic_model
from .features import ArticleFeatures, article_features, article_time, dateline, parse_time
from .ingest import IngestResult, cross_check_story, ingest, read_stream
from .reports import report_from_json

__all__ = [
    "ArticleFeatures", "IngestResult", "OnlineClusterer", "StoryNotFound", "article_features", "article_time",
    "LEVELS", "cluster_stream", "cross_check_story", "dateline", "ingest", "is_address", "list_stories", "load_model",
    "load_topic_model", "parse_time", "read_stream", "report_from_json", "story", "story_report",
]


class StoryNotFound(LookupError):
    """No story with that id in the store."""


LEVELS = ("story", "topic")


def list_stories(db: str | None = None, since: datetime | str | None = None, *,
                 store: Store | None = None, level: str = "story") -> dict[str, Any]:
    """``{"stories": [...]}`` as ``factdiff stories -f json`` prints it (live stories, latest activity first);
    with ``level="topic"``, ``{"topics": [...]}``: the coarser topics (each lists its ``stories`` too)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose story or topic")
    if isinstance(since, str):
        parsed = parse_time(since)
        if parsed is None:
            raise StoreError(f"--since {since!r} is not a date (use e.g. 2024-05-01)")
        since = parsed
    st = store or open_store(db)
    try:
        if level == "topic":
            return {"topics": st.list_topics(since)}
        return {"stories": st.list_stories(since)}
    finally:
        if store is None:
            st.close()


def story(story_id: int, db: str | None = None, *, store: Store | None = None) -> dict[str, Any]:
    """One story's entry (as in ``list_stories``) with its stored report JSON under ``"report"``."""
    st = store or open_store(db)
    try:
        found = st.get_story(story_id)
    finally:
        if store is None:
            st.close()
    if found is None:
        raise StoryNotFound(f"no story {story_id} in this database")
    return found


def story_report(story_id: int, db: str | None = None, *, store: Store | None = None) -> Report | None:
    """The story's current report for the renderers (None for a story of one article)."""
    data = story(story_id, db, store=store).get("report")
    return report_from_json(data) if data else None
