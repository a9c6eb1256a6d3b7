"""The store: migrations on open, schema-version check, URLs, full-text search, SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from factdiff.store import Store, StoreError, open_store, resolve_url, schema_head
from factdiff.store import models as m

PG_ENV = "FACTDIFF_TEST_PG"


def _pg_url() -> str:
    """A fresh database on the server named by $FACTDIFF_TEST_PG, or a skip saying why there is none."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need ${PG_ENV} (e.g. postgresql://user:pw@127.0.0.1/db); not set")
    try:
        admin = create_engine(resolve_url(base), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
        name = f"factdiff_t_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server is a skip
        pytest.skip(f"PostgreSQL at ${PG_ENV} not reachable: {str(exc).splitlines()[0]}")
    url = resolve_url(base).rsplit("/", 1)[0] + f"/{name}"
    _created.append((admin, name))
    return url


_created: list[tuple[object, str]] = []


@pytest.fixture(scope="session", autouse=True)
def _drop_pg_databases() -> Iterator[None]:
    yield
    for admin, name in _created:
        with admin.connect() as conn:  # type: ignore[attr-defined]
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()  # type: ignore[attr-defined]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'f.db'}" if request.param == "sqlite" else _pg_url()
    s = open_store(url)
    yield s
    s.close()


def _article(s: Store, title: str, body: str, ext: str) -> int:
    with s.session() as sess:
        src = m.Source(name=f"src-{ext}")
        sess.add(src)
        sess.flush()
        now = datetime(2031, 1, 1)
        art = m.Article(ext_id=ext, url=None, content_hash=ext * 4, source_id=src.id, title=title, text=body,
                        language="en", published="", published_at=None, stream_time=now, ingested_at=now)
        sess.add(art)
        sess.flush()
        return art.id


def test_open_creates_every_table_and_reopens(store: Store) -> None:
    with store.engine.connect() as conn:
        names = set(store.engine.dialect.get_table_names(conn))
    assert {"sources", "articles", "annotations", "stories", "story_members", "claims", "relations", "entities",
            "mentions", "reports", "audit_log", "clustering_state", "alembic_version"} <= names
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == schema_head()
    again = Store(store.url)  # a second open finds the schema current and changes nothing
    assert again.counts() == {"articles": 0, "stories": 0, "merges": 0, "splits": 0}
    again.close()


def test_search_finds_titles_and_claims(store: Store) -> None:
    aid = _article(store, "Lighthouse keeper rescues stranded kayakers", "Body text.", "a1")
    _article(store, "Council approves new library budget", "Body text.", "a2")
    with store.session() as sess:
        st = m.Story(id=1, title="t", first_seen=datetime(2031, 1, 1), last_seen=datetime(2031, 1, 1), size=1,
                     languages=["en"], needs_report=False, contradictions=0, tensions=0)
        sess.add(st)
        sess.flush()
        sess.add(m.Claim(story_id=1, article_id=aid, key="c1", start=0, end=10,
                         text="The kayakers were stranded on a sandbar for six hours."))
    hits = store.search("kayakers")
    assert {h["kind"] for h in hits} == {"article", "claim"}
    assert all("kayakers" in h["text"] for h in hits)
    assert store.search("library budget")[0]["text"] == "Council approves new library budget"
    assert store.search("") == []


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    s = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    with s.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    s.close()


def test_newer_schema_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer than this factdiff") as info:
        open_store(f"sqlite:///{path}")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("url, message", [
    ("mysql://someone@localhost/news", "unsupported database 'mysql'"),
    ("sqlite:////no/such/folder/x.db", "does not exist"),
    ("postgresql://nobody@127.0.0.1:1/none", "cannot open database"),
])
def test_wrong_urls_are_one_line(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as info:
        open_store(url)
    assert "\n" not in str(info.value)


def test_urls_are_resolved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACTDIFF_DB", raising=False)
    assert resolve_url(None) == "sqlite:///factdiff.db"
    assert resolve_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("news.db") == "sqlite:///news.db"
    monkeypatch.setenv("FACTDIFF_DB", "sqlite:///other.db")
    assert resolve_url(None) == "sqlite:///other.db"


def test_ingest_is_the_same_on_postgresql_and_sqlite(tmp_path: Path) -> None:
    from factdiff.stories import ingest, list_stories

    stream = Path(__file__).resolve().parent.parent / "examples" / "stream" / "articles.jsonl"
    results = []
    for url in (f"sqlite:///{tmp_path / 's.db'}", _pg_url()):
        with open_store(url) as s:
            first = ingest([stream], store=s, cross_check=False, batch_size=4)
            again = ingest([stream], store=s, cross_check=False)
            assert (first.added, again.added, again.duplicates) == (12, 0, 12)
            results.append(list_stories(store=s))
            assert any("Kessel" in hit["text"] for hit in s.search("Kessel bridge"))
    assert results[0] == results[1]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_second_ingest_waits_for_the_one_writing_then_stores_its_articles(tmp_path: Path, backend: str) -> None:
    """Two ingests into one database at once (a scheduled run overlapping the last one): the second says it is
    waiting and stores nothing while the first holds the database (``Store.ingest_lock``, held here as an ingest
    holds it), then stores every article, once, in one ordered pass."""
    import subprocess
    import sys
    import threading

    stream = Path(__file__).resolve().parent.parent / "examples" / "stream" / "articles.jsonl"
    url = f"sqlite:///{tmp_path / 'w.db'}" if backend == "sqlite" else _pg_url()
    cmd = [sys.executable, "-c", "from factdiff.cli import main; main()", "ingest", str(stream), "--db", url,
           "--no-check", "-q"]
    with open_store(url) as store:
        with store.ingest_lock():
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
            first: list[bytes] = []
            reader = threading.Thread(target=lambda: first.append(proc.stderr.readline() if proc.stderr else b""))
            reader.start()
            reader.join(timeout=300)
            assert first and b"another ingest is writing to this database; waiting" in first[0], first
            assert proc.poll() is None and store.counts()["articles"] == 0
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        assert store.counts()["articles"] == 12


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migrations_build_the_schema_the_models_describe(tmp_path: Path, backend: str) -> None:
    """A store made by the shipped migrations has every table, column and index of the models, and nothing else
    but the full-text search the migrations add (SQLite's FTS5 tables, PostgreSQL's tsvector indexes), by Alembic's
    autogenerate comparison."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = f"sqlite:///{tmp_path / 'm.db'}" if backend == "sqlite" else _pg_url()
    with open_store(url) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), m.Base.metadata)
    search = [d for d in diff if (d[0] == "remove_table" and d[1].name.startswith("search_fts"))
              or (d[0] == "remove_index" and d[1].name.endswith("_tsv"))]
    assert search and [d for d in diff if d not in search] == []


def test_an_ingest_lock_that_cannot_be_made_is_one_clear_error(tmp_path: Path) -> None:
    """Where the lock file beside a SQLite database cannot be written (here a folder stands in its way), an ingest
    stops with one StoreError line and stores nothing."""
    from factdiff.stories import ingest

    db = tmp_path / "l.db"
    (tmp_path / "l.db.ingest-lock").mkdir()
    stream = Path(__file__).resolve().parent.parent / "examples" / "stream" / "articles.jsonl"
    with open_store(f"sqlite:///{db}") as store:
        with pytest.raises(StoreError, match=r"cannot write beside database .*l\.db") as caught:
            ingest([stream], store=store, cross_check=False)
        assert "\n" not in str(caught.value)
        assert store.counts()["articles"] == 0
