"""The article and story store: SQLite (default, ``factdiff.db`` in the working directory) or PostgreSQL.

``open_store(url)`` connects, runs the shipped Alembic migrations in code (no alembic.ini) and
refuses, with one line, a database written by a newer factdiff. Every failure a user can cause
(a wrong URL, an unreachable server, a newer schema) is a ``StoreError``.
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..text import headline
from . import models
from .models import Article, Audit, Membership, Source, Story

DEFAULT_URL = "sqlite:///factdiff.db"
URL_ENV = "FACTDIFF_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# PostgreSQL's advisory lock that one ingest at a time holds (Store.ingest_lock)
INGEST_LOCK_KEY = zlib.crc32(b"factdiff ingest")
log = logging.getLogger("factdiff")

__all__ = ["DEFAULT_URL", "Store", "StoreError", "models", "open_store", "resolve_url"]


class StoreError(RuntimeError):
    """A database problem the user can fix (URL, server, schema), as one line."""


def resolve_url(url: str | None = None) -> str:
    """The SQLAlchemy URL for a user's ``--db``: default SQLite file, ``postgresql://`` driven by psycopg 3."""
    url = (url or os.environ.get(URL_ENV) or DEFAULT_URL).strip()
    if re.match(r"^postgres(ql)?://", url):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:  # a bare path means a SQLite file
        url = f"sqlite:///{url}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"{url!r} is not a database URL (use sqlite:///FILE or postgresql://USER@HOST/DB)") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {parsed.get_backend_name()!r} in {_safe(url)}: "
                         "use sqlite:///FILE or postgresql://USER@HOST/DB")
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _migration_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def schema_head() -> str:
    """The newest schema revision this factdiff knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_migration_config(None)).get_current_head()
    assert head is not None
    return head


class Store:
    """A connected, migrated database. Use as a context manager or call ``close()``."""

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        self.engine: Engine = _engine(self.url)
        self.dialect = self.engine.dialect.name
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # state a process keeps beside the database between calls (the stories' clustering state after an
        # ingest: factdiff.stories.ingest.clusterer_for), each entry checked against the store before reuse
        self.held: dict[str, Any] = {}
        try:
            self._migrate()
        except StoreError:
            self.engine.dispose()
            raise
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open database {_safe(self.url)}: {_first_line(exc)}") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def _migrate(self) -> None:
        from alembic import command
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            script = ScriptDirectory.from_config(_migration_config(conn))
            known = {rev.revision for rev in script.walk_revisions()}
            if current is not None and current not in known:
                raise StoreError(f"database {_safe(self.url)} has schema {current}, newer than this factdiff "
                                 f"(schema {script.get_current_head()}); upgrade factdiff to use it")
            if current != script.get_current_head():
                command.upgrade(_migration_config(conn), "head")
                conn.commit()

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """One ingest at a time into this database: the story clustering is one ordered pass over the stream,
        which gives the new stories their ids, so a second ingest waits until the first is done (saying so once).

        PostgreSQL: a session-level advisory lock on a connection held for the ingest; SQLite: a lock on the file
        ``DB.ingest-lock`` beside the database (none for an in-memory database). Both go when the process does,
        even killed."""
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": INGEST_LOCK_KEY}).scalar():
                    log.warning("another ingest is writing to this database; waiting for it to finish")
                    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": INGEST_LOCK_KEY})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": INGEST_LOCK_KEY})
                    conn.commit()
            return
        database = make_url(self.url).database
        if not database or database == ":memory:":
            yield
            return
        from filelock import FileLock, Timeout

        lock = FileLock(f"{database}.ingest-lock")
        try:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                log.warning("another ingest is writing to this database; waiting for it to finish")
                lock.acquire()
        except OSError as exc:
            raise StoreError(f"cannot write beside database {database}: {exc.strerror or exc}") from None
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self._sessions() as s, s.begin():
            yield s

    # --- reading --------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:

        with self._sessions() as s:
            return {
                "articles": s.scalar(select(func.count()).select_from(Article)) or 0,
                "stories": s.scalar(select(func.count()).select_from(Story).where(Story.merged_into.is_(None))) or 0,
                "merges": s.scalar(select(func.count()).select_from(Audit).where(Audit.action == "merge")) or 0,
                "splits": s.scalar(select(func.count()).select_from(Audit).where(Audit.action == "split")) or 0,
            }

    def list_stories(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Live stories (newest activity first) in the shape of ``factdiff stories -f json``."""
        with self._sessions() as s:
            q = select(Story).where(Story.merged_into.is_(None))
            if since is not None:
                q = q.where(Story.last_seen >= since)
            stories = list(s.scalars(q.order_by(Story.last_seen.desc(), Story.id)))
            members = _members(s, [st.id for st in stories])
            return [_story_json(st, members.get(st.id, [])) for st in stories]

    def list_topics(self, since: datetime | None = None, limit: int | None = None,
                    offset: int = 0) -> list[dict[str, Any]]:
        """Topics (newest activity first) in the shape of ``factdiff stories --level topic -f json``: each with
        the live stories its articles are in and the sum of their contradictions; ``limit`` and ``offset``: one
        page of them, chosen in SQL (only that page's articles are read)."""
        with self._sessions() as s:
            q_ids = topic_groups(since).add_columns(func.max(Article.stream_time).label("last"))
            q_ids = q_ids.order_by(func.max(Article.stream_time).desc(), Article.topic_id)
            if limit is not None:
                q_ids = q_ids.limit(limit)
            if offset:
                q_ids = q_ids.offset(offset)
            order = [int(k) for k, _ in s.execute(q_ids) if k is not None]
            members: dict[int, list[tuple[Article, Source]]] = {}
            stories: dict[int, list[int]] = {}
            for at in range(0, len(order), 500):
                q = (select(Article, Source, Membership.story_id)
                     .join(Source, Source.id == Article.source_id)
                     .join(Membership, Membership.article_id == Article.id)
                     .where(Article.topic_id.in_(order[at:at + 500])).order_by(Article.stream_time, Article.id))
                for art, src, sid in s.execute(q):
                    assert art.topic_id is not None
                    members.setdefault(art.topic_id, []).append((art, src))
                    if sid not in stories.setdefault(art.topic_id, []):
                        stories[art.topic_id].append(sid)
            story_ids = sorted({sid for ids in stories.values() for sid in ids})
            counts: dict[int, int] = {}
            for at in range(0, len(story_ids), 500):
                counts.update((sid, n) for sid, n in s.execute(
                    select(Story.id, Story.contradictions).where(Story.id.in_(story_ids[at:at + 500]))))
        out = []
        for key in order:
            arts = members.get(key, [])
            if not arts:
                continue
            first, last_art = arts[0][0], arts[-1][0]
            out.append({
                "id": key, "title": headline(first.title or "", first.text), "first_seen": _iso(first.stream_time),
                "last_seen": _iso(last_art.stream_time), "languages": sorted({a.language for a, _ in arts}),
                "contradictions": sum(counts.get(sid, 0) for sid in stories[key]), "stories": stories[key],
                "articles": [_article_json(a, src) for a, src in arts]})
        return out

    def count_topics(self, since: datetime | None = None) -> int:
        """How many topics ``list_topics`` would list."""
        with self._sessions() as s:
            return int(s.scalar(select(func.count()).select_from(topic_groups(since).subquery())) or 0)

    def story_titles(self, story_ids: list[int]) -> dict[int, str]:
        """The titles of the stories ``story_ids`` (those that exist)."""
        out: dict[int, str] = {}
        with self._sessions() as s:
            for at in range(0, len(story_ids), 500):
                out.update((sid, title) for sid, title in s.execute(
                    select(Story.id, Story.title).where(Story.id.in_(story_ids[at:at + 500]))))
        return out

    def get_story(self, story_id: int) -> dict[str, Any] | None:
        """One story's JSON entry plus its stored report (``"report"``, None when it has none)."""
        with self._sessions() as s:
            st = s.get(Story, story_id)
            while st is not None and st.merged_into is not None:  # a merged story lives on in its target
                st = s.get(Story, st.merged_into)
            if st is None:
                return None
            out = _story_json(st, _members(s, [st.id]).get(st.id, []))
            rep = s.get(models.Report, st.id)
            out["report"] = rep.data if rep is not None else None
            return out

    def story_documents(self, story_id: int) -> list[Article]:
        """The story's articles in publication order (detached ORM rows)."""
        with self._sessions() as s:
            q = (select(Article).join(Membership, Membership.article_id == Article.id)
                 .where(Membership.story_id == story_id).order_by(Article.stream_time, Article.id))
            return list(s.scalars(q))

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Titles and claims matching ``query`` (FTS5 on SQLite, tsvector on PostgreSQL)."""
        words = re.findall(r"\w+", query)
        if not words:
            return []
        with self._sessions() as s:
            if self.dialect == "sqlite":
                match = " ".join(f'"{w}"' for w in words)
                rows = s.execute(text("SELECT kind, ref, body FROM search_fts WHERE search_fts MATCH :q "
                                      "ORDER BY rank LIMIT :n"), {"q": match, "n": limit}).all()
            else:
                tsq = " & ".join(words)
                rows = s.execute(text(
                    "(SELECT 'article' AS kind, id AS ref, title AS body FROM articles "
                    " WHERE to_tsvector('simple', title) @@ to_tsquery('simple', :q)) UNION ALL "
                    "(SELECT 'claim', id, text FROM claims "
                    " WHERE to_tsvector('simple', text) @@ to_tsquery('simple', :q)) "
                    "LIMIT :n"), {"q": tsq, "n": limit}).all()
        return [{"kind": k, "id": int(r), "text": b} for k, r, b in rows]

    # --- reading for the web UI (factdiff.web) -----------------------------------------------------

    def story_page(self, *, since: datetime | None = None, until: datetime | None = None,
                   language: str | None = None, outlet: str | None = None, contradictions: bool = False,
                   offset: int = 0, limit: int = 25) -> tuple[int, list[dict[str, Any]], dict[int, int]]:
        """(matching live stories, one page of them as ``list_stories`` shapes them, tensions by story id).

        ``since``/``until`` keep stories active in that range; ``language``/``outlet`` keep stories with an
        article in that language / from that outlet. Filters and paging run in SQL, so a page costs
        the same in a store of ten articles or ten thousand.
        """
        from sqlalchemy import exists, func

        with self._sessions() as s:
            q = select(Story).where(Story.merged_into.is_(None))
            if since is not None:
                q = q.where(Story.last_seen >= since)
            if until is not None:
                q = q.where(Story.first_seen <= until)
            if contradictions:
                q = q.where(Story.contradictions > 0)
            if language:
                q = q.where(exists(select(Membership.article_id).join(Article, Article.id == Membership.article_id)
                                   .where(Membership.story_id == Story.id, Article.language == language)))
            if outlet:
                q = q.where(exists(select(Membership.article_id).join(Article, Article.id == Membership.article_id)
                                   .join(Source, Source.id == Article.source_id)
                                   .where(Membership.story_id == Story.id, Source.name == outlet)))
            total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
            page = list(s.scalars(q.order_by(Story.last_seen.desc(), Story.id.desc()).offset(offset).limit(limit)))
            members = _members(s, [st.id for st in page])
            return (total, [_story_json(st, members.get(st.id, [])) for st in page],
                    {st.id: st.tensions for st in page})

    def facets(self) -> dict[str, list[str]]:
        """The languages and outlets in the store, for the web UI's filters."""
        with self._sessions() as s:
            return {"languages": sorted(x for x in s.scalars(select(Article.language).distinct()) if x),
                    "outlets": sorted(s.scalars(select(Source.name)))}

    def live_story_id(self, story_id: int) -> int | None:
        """The id a story lives on under (itself, or the story it was merged into); None when unknown."""
        with self._sessions() as s:
            st = s.get(Story, story_id)
            while st is not None and st.merged_into is not None:
                st = s.get(Story, st.merged_into)
            return st.id if st is not None else None

    def get_article(self, article_id: int) -> dict[str, Any] | None:
        """One article with its source, its (live) story and the story's other articles; None when unknown."""
        with self._sessions() as s:
            row = s.execute(select(Article, Source).join(Source, Source.id == Article.source_id)
                            .where(Article.id == article_id)).first()
            if row is None:
                return None
            art, src = row
            story_id = s.scalar(select(Membership.story_id).where(Membership.article_id == art.id))
        live = self.live_story_id(story_id) if story_id is not None else None
        others = []
        if live is not None:
            with self._sessions() as s:
                for other, osrc in _members(s, [live]).get(live, []):
                    if other.id != art.id:
                        others.append({"id": other.id, "ext_id": other.ext_id, "source": osrc.name,
                                       "title": other.title, "language": other.language,
                                       "published": other.published})
        return {"id": art.id, "ext_id": art.ext_id, "source": src.name, "url": art.url or "", "title": art.title,
                "language": art.language, "published": art.published, "text": art.text, "story_id": live,
                "counterparts": others}

    def article_ids(self, ext_ids: list[str]) -> dict[str, int]:
        """Database ids of articles by their external ids (the ids a report's documents carry)."""
        if not ext_ids:
            return {}
        with self._sessions() as s:
            return {e: i for e, i in s.execute(select(Article.ext_id, Article.id).where(Article.ext_id.in_(ext_ids)))}

    def search_hits(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        """``search`` results with where they lead: the article, its outlet and its (live) story."""
        hits = self.search(query, limit)
        claim_ids = [h["id"] for h in hits if h["kind"] == "claim"]
        article_ids = [h["id"] for h in hits if h["kind"] == "article"]
        with self._sessions() as s:
            claim_rows = {cid: (aid, sid) for cid, aid, sid in s.execute(
                select(models.Claim.id, models.Claim.article_id, models.Claim.story_id)
                .where(models.Claim.id.in_(claim_ids)))} if claim_ids else {}
            art_ids = set(article_ids) | {a for a, _ in claim_rows.values()}
            arts = {aid: (name, sid) for aid, name, sid in s.execute(
                select(Article.id, Source.name, Membership.story_id)
                .join(Source, Source.id == Article.source_id)
                .outerjoin(Membership, Membership.article_id == Article.id)
                .where(Article.id.in_(art_ids)))} if art_ids else {}
            live: dict[int, tuple[int, str]] = {}
            for member in {m for _, m in arts.values() if m is not None} | {m for _, m in claim_rows.values()}:
                st = s.get(Story, member)
                while st is not None and st.merged_into is not None:
                    st = s.get(Story, st.merged_into)
                if st is not None:
                    live[member] = (st.id, st.title)
        out = []
        for h in hits:
            aid: int | None
            sid: int | None
            if h["kind"] == "claim":
                aid, sid = claim_rows.get(h["id"], (None, None))
            else:
                aid, sid = h["id"], None
            name, member_of = arts.get(aid, ("", None)) if aid is not None else ("", None)
            sid = sid if sid is not None else member_of
            story_id, story_title = live.get(sid, (None, "")) if sid is not None else (None, "")
            out.append({**h, "article_id": aid, "source": name, "story_id": story_id, "story_title": story_title})
        return out


def topic_groups(since: datetime | None = None) -> Select[int | None]:
    """The ids of the topics with an article at or after ``since`` (every topic when None), one row each: a
    topic is the articles that share a ``topic_id``."""
    q = select(Article.topic_id).where(Article.topic_id.is_not(None)).group_by(Article.topic_id)
    return q if since is None else q.having(func.max(Article.stream_time) >= since)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def _engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            database = make_url(url).database
            if database and database != ":memory:" and not Path(database).parent.exists():
                raise StoreError(f"cannot open database {url}: folder {Path(database).parent} does not exist")
            engine = create_engine(url, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()

            return engine
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {_safe(url)}: {exc}") from None


def _members(s: Session, story_ids: list[int]) -> dict[int, list[tuple[Article, Source]]]:
    out: dict[int, list[tuple[Article, Source]]] = {}
    if not story_ids:
        return out
    for chunk in range(0, len(story_ids), 500):
        ids = story_ids[chunk:chunk + 500]
        q = (select(Membership.story_id, Article, Source)
             .join(Article, Article.id == Membership.article_id)
             .join(Source, Source.id == Article.source_id)
             .where(Membership.story_id.in_(ids))
             .order_by(Article.stream_time, Article.id))
        for sid, art, src in s.execute(q):
            out.setdefault(sid, []).append((art, src))
    return out


def _iso(dt: datetime | None) -> str:
    return dt.isoformat(timespec="seconds") if dt is not None else ""


def _story_json(st: Story, members: list[tuple[Article, Source]]) -> dict[str, Any]:
    return {
        "id": st.id,
        "title": st.title,
        "first_seen": _iso(st.first_seen),
        "last_seen": _iso(st.last_seen),
        "languages": sorted({a.language for a, _ in members}),
        "contradictions": st.contradictions,
        "articles": [_article_json(a, src) for a, src in members],
    }


def _article_json(a: Article, src: Source) -> dict[str, Any]:
    return {"id": a.ext_id, "source": src.name, "url": a.url or "", "title": a.title, "published": a.published,
            "language": a.language}


def open_store(url: str | None = None) -> Store:
    """Connect to (and migrate) the store at ``url`` (default: ``$FACTDIFF_DB`` or ``sqlite:///factdiff.db``)."""
    return Store(url)
