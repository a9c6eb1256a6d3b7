"""Online story clustering and ingest into the store, on the bundled stream of invented articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from factdiff.doc import Document
from factdiff.store import Store, open_store
from factdiff.stories import (
    ArticleFeatures,
    OnlineClusterer,
    article_features,
    cross_check_story,
    ingest,
    list_stories,
    load_model,
    parse_time,
    read_stream,
    story,
    story_report,
)
from factdiff.stories.cluster import Model

STREAM = Path(__file__).resolve().parent.parent / "examples" / "stream" / "articles.jsonl"
EVENTS = {  # which invented articles tell the same event (by id prefix after the outlet)
    "bridge": {"ledger-bridge-1", "wire-bridge-2", "courrier-pont-3", "ledger-bridge-4"},
    "festival": {"ledger-festival-1", "diario-festival-2", "wire-festival-3"},
    "strike": {"courrier-greve-1", "ledger-strike-2", "wire-strike-3"},
    "observatory": {"diario-observatorio-1", "wire-observatory-2"},
}


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The stream ingested once, grouped into stories without cross-checks (fast)."""
    path = tmp_path_factory.mktemp("stories") / "s.db"
    store = open_store(f"sqlite:///{path}")
    result = ingest([STREAM], store=store, cross_check=False, batch_size=5)
    assert (result.read, result.added, result.duplicates, result.errors) == (12, 12, 0, [])
    yield store
    store.close()


def _groups(data: dict[str, Any]) -> list[set[str]]:
    return [{a["id"] for a in s["articles"]} for s in data["stories"]]


def test_stream_is_grouped_into_its_events_across_languages(grouped: Store) -> None:
    groups = _groups(list_stories(store=grouped))
    assert sorted(groups, key=sorted) == sorted(EVENTS.values(), key=sorted)
    bridge = next(s for s in list_stories(store=grouped)["stories"]
                  if "wire-bridge-2" in {a["id"] for a in s["articles"]})
    assert bridge["languages"] == ["en", "fr"]
    assert bridge["first_seen"] == "2031-03-02T08:10:00" and bridge["last_seen"] == "2031-03-05T18:00:00"


def test_stories_json_shape(grouped: Store) -> None:
    data = list_stories(store=grouped)
    assert list(data) == ["stories"]
    for s in data["stories"]:
        assert list(s) == ["id", "title", "first_seen", "last_seen", "languages", "contradictions", "articles"]
        for a in s["articles"]:
            assert list(a) == ["id", "source", "url", "title", "published", "language"]
    last_seen = [s["last_seen"] for s in data["stories"]]
    assert last_seen == sorted(last_seen, reverse=True)


def test_since_filters_on_last_activity(grouped: Store) -> None:
    late = _groups(list_stories(since="2031-03-05", store=grouped))
    assert sorted(late, key=sorted) == sorted([EVENTS["bridge"], EVENTS["observatory"]], key=sorted)


def test_second_ingest_stores_nothing_new(grouped: Store) -> None:
    before = list_stories(store=grouped)
    again = ingest([STREAM], store=grouped, cross_check=False)
    assert (again.added, again.duplicates) == (0, 12)
    assert list_stories(store=grouped) == before
    assert grouped.counts()["articles"] == 12


def test_story_report_is_stored_and_rendered(grouped: Store) -> None:
    sid = next(s["id"] for s in list_stories(store=grouped)["stories"]
               if {a["id"] for a in s["articles"]} == EVENTS["observatory"])
    data = cross_check_story(grouped, sid, {"nli": False})
    assert data is not None and [d["id"] for d in data["documents"]] == ["diario-observatorio-1", "wire-observatory-2"]
    stored = story(sid, store=grouped)
    assert stored["report"] == data
    report = story_report(sid, store=grouped)
    assert report is not None and len(report.documents) == 2
    rebuilt = report.to_json()
    for key in ("documents", "relations", "unique", "duplicates", "entities", "similarity", "facts", "claims",
                "summary"):
        assert rebuilt[key] == data[key], key
    assert grouped.search("asteroid")  # the report's claims went into the full-text index


# --- the clusterer on its own -------------------------------------------------------------------------


def _f(vec: list[float], when: datetime | None, names: set[str] = frozenset(), lang: str = "en") -> ArticleFeatures:  # type: ignore[assignment]
    v = np.asarray(vec, dtype=np.float32)
    return ArticleFeatures(v / np.linalg.norm(v), frozenset(names), frozenset(), lang, when)


def test_old_stories_stop_attracting() -> None:
    model = replace(load_model(), merge_threshold=None)
    c = OnlineClusterer(model, window_days=2)
    t0 = datetime(2031, 1, 1)
    first = c.add(_f([1, 0, 0], t0, {"orrin"}))
    same_day = c.add(_f([1, 0.01, 0], t0 + timedelta(hours=3), {"orrin"}))
    assert same_day.story == first.story and not same_day.new
    later = c.add(_f([1, 0, 0.01], t0 + timedelta(days=5), {"orrin"}))
    assert later.new and later.story != first.story
    assert first.story not in c.stories  # expired: out of the index


def test_candidates_come_from_the_index_not_all_stories() -> None:
    c = OnlineClusterer(Model((0.0,) * 5, 0.0, 1.1), top_k=3, merge=False)  # threshold > 1: every article is new
    rng = np.random.default_rng(0)
    for _ in range(20):
        c.add(_f(list(rng.normal(size=8)), None))
    assert len(c.stories) == 20
    probe = rng.normal(size=8).astype(np.float32)
    probe /= np.linalg.norm(probe)
    cands = c.candidates(probe)
    assert len(cands) == 3
    best = max(c.stories, key=lambda k: float(c.stories[k].centroid @ probe))
    assert cands[0] == best


def test_features_are_multilingual_and_stable() -> None:
    docs = [Document("a", "s", "The city closed the old bridge after engineers found cracks in the steel girders.",
                     title="Old bridge closed over cracks", language="en"),
            Document("b", "s", "La ville a fermé le vieux pont après la découverte de fissures dans les poutres.",
                     title="Le vieux pont fermé à cause de fissures", language="fr"),
            Document("c", "s", "The football club signed a new goalkeeper from a rival team on Friday.",
                     title="Club signs goalkeeper", language="en")]
    a, b, c = article_features(docs)
    assert float(a.vector @ b.vector) > float(a.vector @ c.vector) + 0.2
    again = ArticleFeatures.from_json(json.loads(json.dumps(a.to_json())), a.vector.tobytes())
    assert again.names == a.names and again.words == a.words and np.array_equal(again.vector, a.vector)


@pytest.mark.parametrize("value, expected", [
    ("2031-03-02T08:10:00Z", datetime(2031, 3, 2, 8, 10)),
    ("2031-03-02T10:10:00+02:00", datetime(2031, 3, 2, 8, 10)),
    ("2031-03-02", datetime(2031, 3, 2)),
    ("1394470370698", datetime(2014, 3, 10, 16, 52, 50, 698000)),
    ("not a date at all", None),
    ("", None),
])
def test_publication_times(value: str, expected: datetime | None) -> None:
    assert parse_time(value) == expected


def test_bad_lines_are_reported_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = {"id": "x1", "title": "A title", "text": "Some article text about a harbour."}
    path.write_text("\n".join([json.dumps(good), "{not json", json.dumps({"id": "x2", "text": ""}),
                               json.dumps({**good, "id": "x3"})]) + "\n", encoding="utf-8")
    docs, errors, skipped = read_stream([path])
    assert [d.id for d in docs] == ["x1", "x3"]
    assert errors == [f"{path}:2: not valid JSON (Expecting property name enclosed in double quotes)",
                      f"{path}:3: each line needs a non-empty \"text\" field"]
    assert skipped == []
