"""A small store of invented articles for the web tests (tests/test_web.py, tests/test_browser.py).

Built once per test session (the models load once) and copied for each module that uses it.
Every article is invented for these tests; one is hostile: script tags, an event handler and
quotes in its id, title, source and text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factdiff.doc import Document

HOSTILE_ID = 'x" onmouseover="alert(2)'
HOSTILE_SOURCE = 'Evil" onmouseover="alert(1)'
HOSTILE_TITLE = '<script>alert("title")</script> Library "flood" \' end'

ARTICLES = [
    Document("gazette-library-1", "Lakeside Gazette",
             "The Velmora public library was closed on Monday after a water pipe burst in its basement. "
             "Librarian Ines Carrow said the building would stay closed for two weeks while the floors dry out. "
             "About 3,000 books were moved to the town hall.",
             title="Velmora library closed after pipe bursts", language="en",
             url="https://gazette.example/velmora-library", published="2032-05-10T08:00:00Z"),
    Document("post-library-2", "Valley Post",
             "Velmora's public library shut its doors on Monday when a pipe burst in the basement. "
             "Ines Carrow, the head librarian, said the library would remain closed for five weeks. "
             "Roughly 3,000 books were taken to the town hall.",
             title="Burst pipe shuts Velmora library", language="en",
             url="https://post.example/library-pipe", published="2032-05-10T12:00:00Z"),
    Document(HOSTILE_ID, HOSTILE_SOURCE,
             "The Velmora public library closed on Monday after a burst pipe flooded the basement. "
             '<script>alert("body")</script> <img src=x onerror=alert(3)> '
             "Librarian Ines Carrow said it would stay closed for two weeks.",
             title=HOSTILE_TITLE, language="en", url='javascript:alert("url")', published="2032-05-10T15:00:00Z"),
    Document("gazette-fair-1", "Lakeside Gazette",
             "The Doloran harvest fair was postponed by one week because of heavy rain, the organisers said on "
             "Wednesday. The fair usually draws 12,000 visitors.",
             title="Doloran harvest fair postponed by rain", language="en",
             url="https://gazette.example/doloran-fair", published="2032-05-12T09:00:00Z"),
    Document("journal-foire-2", "Le Journal de Doloran",
             "La foire des moissons de Doloran a été reportée d'une semaine en raison de fortes pluies, ont annoncé "
             "les organisateurs mercredi. La foire attire habituellement 12 000 visiteurs.",
             title="La foire des moissons de Doloran reportée", language="fr",
             url="https://journal.example/foire", published="2032-05-12T11:00:00Z"),
]

_built: dict[str, Path] = {}


def store_copy(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    """The URL of a fresh copy of the invented store (built, with cross-checks, on first use)."""
    from factdiff.store import open_store
    from factdiff.stories import ingest

    if "db" not in _built:
        path = tmp_path_factory.mktemp("webstore") / "web.db"
        store = open_store(f"sqlite:///{path}")
        try:
            result = ingest([Document(**vars(d)) for d in ARTICLES], store=store, batch_size=8,
                            compare_options={"nli": False})
        finally:
            store.close()
        assert (result.added, result.errors) == (len(ARTICLES), [])
        _built["db"] = path
    copy = tmp_path_factory.mktemp(name) / "web.db"
    shutil.copyfile(_built["db"], copy)
    return f"sqlite:///{copy}"
