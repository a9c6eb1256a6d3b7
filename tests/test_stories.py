"""Online story clustering and ingest into the store, on the bundled stream of invented articles."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factdiff.doc import Document
from factdiff.store import Store, open_store
from factdiff.stories import (
    ArticleFeatures,
    OnlineClusterer,
    article_features,
    article_time,
    cross_check_story,
    dateline,
    ingest,
    is_address,
    list_stories,
    load_model,
    parse_time,
    read_stream,
    story,
    story_report,
)
from factdiff.stories.cluster import (
    CLOSENESS_MIN_SEEN,
    CLOSENESS_PRIOR,
    FEATURES,
    MERGE_MEMBERS,
    Model,
    load_topic_model,
)

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


def test_topics_group_whole_stories_and_list_them(grouped: Store) -> None:
    """The topic layer: every article in exactly one topic; a topic lists the stories its articles are in."""
    stories = list_stories(store=grouped)["stories"]
    story_of = {a["id"]: s["id"] for s in stories for a in s["articles"]}
    data = list_stories(store=grouped, level="topic")
    assert list(data) == ["topics"]
    seen: list[str] = []
    for t in data["topics"]:
        assert list(t) == ["id", "title", "first_seen", "last_seen", "languages", "contradictions", "stories",
                           "articles"]
        ids = [a["id"] for a in t["articles"]]
        seen += ids
        assert sorted(t["stories"]) == sorted({story_of[i] for i in ids})
        assert t["languages"] == sorted({a["language"] for a in t["articles"]})
    assert sorted(seen) == sorted(story_of)
    # four events of four subjects, days apart: four topics (a lone story in the window does not draw every
    # article into its topic: the topic model's margins count missing candidates as typical unrelated ones)
    topics = [{a["id"] for a in t["articles"]} for t in data["topics"]]
    assert sorted(topics, key=sorted) == sorted(EVENTS.values(), key=sorted)
    with pytest.raises(ValueError, match="unknown level"):
        list_stories(store=grouped, level="event")
    # the most recently active first; a limit keeps the head of the same list
    assert grouped.list_topics(limit=2) == data["topics"][:2] and grouped.count_topics() == len(data["topics"])
    late = datetime(2031, 3, 5)
    assert grouped.count_topics(late) == len(grouped.list_topics(late)) < len(data["topics"])


def test_second_ingest_stores_nothing_new(grouped: Store) -> None:
    before = list_stories(store=grouped)
    topics = list_stories(store=grouped, level="topic")
    again = ingest([STREAM], store=grouped, cross_check=False)
    assert (again.added, again.duplicates) == (0, 12)
    assert list_stories(store=grouped) == before
    assert list_stories(store=grouped, level="topic") == topics
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


def test_cross_check_reads_stored_annotations(grouped: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A story's articles are annotated once and stored; the next cross-check reads them back."""
    from sqlalchemy import select

    import factdiff.annotated as annotated_mod
    from factdiff.store import models as m

    sid = next(s["id"] for s in list_stories(store=grouped)["stories"]
               if {a["id"] for a in s["articles"]} == EVENTS["strike"])
    first = cross_check_story(grouped, sid, {"nli": False})
    with grouped.session() as s:
        stored = {a.ext_id: ann.article for a, ann in s.execute(
            select(m.Article, m.Annotation).join(m.Annotation, m.Annotation.article_id == m.Article.id))}
    assert all(stored[i] is not None and stored[i]["claims"] for i in EVENTS["strike"])
    assert all("f16" in v for i in EVENTS["strike"] for v in stored[i]["vectors"].values())

    def no_annotate(*_a: Any, **_k: Any) -> None:
        raise AssertionError("a stored article was annotated again")

    monkeypatch.setattr(annotated_mod, "annotate", no_annotate)
    again = cross_check_story(grouped, sid, {"nli": False})
    assert first is not None and again is not None and again["summary"]["documents"] == 3
    assert [(r["label"], r["a"], r["b"]) for r in again["relations"]] == \
        [(r["label"], r["a"], r["b"]) for r in first["relations"]]


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
    # a second article in the later days confirms the clock's leap: the old story expires, out of the index
    again = c.add(_f([0, 1, 0], t0 + timedelta(days=5, hours=2), {"tamsin"}))
    assert again.new and first.story not in c.stories


def test_one_article_with_a_wrong_year_does_not_expire_every_story() -> None:
    model = replace(load_model(), merge_threshold=None)
    c = OnlineClusterer(model, window_days=2)
    t0 = datetime(2031, 1, 1)
    first = c.add(_f([1, 0, 0], t0, {"orrin"}))
    typo = c.add(_f([0, 1, 0], t0 + timedelta(days=365, hours=1), {"tamsin"}))  # 2032 for 2031
    assert typo.new and first.story in c.stories
    # the next article of the stream still joins its story, dated as the stream is
    same_day = c.add(_f([1, 0.01, 0], t0 + timedelta(hours=3), {"orrin"}))
    assert same_day.story == first.story and not same_day.new


def test_the_time_gap_to_a_story_is_unknown_for_an_undated_article_or_story() -> None:
    """An undated article is placed at the stream clock, but its gap to a story counts as 0 (unknown), not as the
    distance from wherever the clock stood to the story's last dated article; the same for a story that has no
    dated article."""
    gap = FEATURES.index("gap_days")
    c = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1), merge=False)  # threshold > 1: every article new
    t0 = datetime(2031, 1, 1)
    old = c.add(_f([1, 0, 0], t0)).story
    c.add(_f([0, 1, 0], t0 + timedelta(days=5)))  # the clock moves on five days
    undated = c.add(_f([0, 0, 1], None)).story  # placed at the clock
    assert c.stories[undated].last == t0 + timedelta(days=5) and c.stories[undated].dated is None
    probe = [1, 0.1, 0.1]
    assert c.features(_f(probe, None), c.stories[old])[gap] == 0.0
    assert c.features(_f(probe, t0 + timedelta(days=5)), c.stories[old])[gap] == pytest.approx(np.log1p(5))
    assert c.features(_f(probe, t0), c.stories[undated])[gap] == 0.0


def test_candidates_come_from_the_index_not_all_stories() -> None:
    c = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1), top_k=3, merge=False)  # threshold > 1: all new
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


def test_an_article_that_bridges_two_stories_merges_them_only_if_it_was_scored_against_both() -> None:
    # P(same story) rises with the cosine to the centroid alone: joins above 0.5, merges above about 0.54
    coef = tuple(10.0 if f == "cos_centroid" else 0.0 for f in FEATURES)
    model = Model(coef, -5.0, 0.5, 0.6)
    for top_k, merged in ((2, True), (1, False)):
        c = OnlineClusterer(model, top_k=top_k)
        a = c.add(_f([1, 0, 0], None))
        b = c.add(_f([0.4, 0.917, 0], None))  # cosine 0.4 with the first: a story of its own
        assert b.new and b.story != a.story
        bridge = c.add(_f([0.75, 0.66, 0], None))  # closer to the second story, and close to the first
        assert not bridge.new
        assert bool(bridge.merged) == merged, top_k
        assert len(c.stories) == (1 if merged else 2)


def test_the_graph_index_takes_over_from_the_scan_beyond_its_size() -> None:
    from factdiff.stories.index import CentroidIndex

    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(300, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    scan, graph = CentroidIndex(exact_max=10_000), CentroidIndex(exact_max=100)
    for k, v in enumerate(vecs):
        scan.put(k, v)
        graph.put(k, v)
    assert graph.graph and not scan.graph
    # a story that moves, one that leaves: both indexes follow
    scan.put(7, vecs[8])
    graph.put(7, vecs[8])
    scan.drop(3)
    graph.drop(3)
    probes = rng.normal(size=(40, 32)).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    agree = [graph.nearest(p, 5) == scan.nearest(p, 5) for p in probes]
    assert sum(agree) >= 38, agree  # the graph may miss a neighbour now and then, rarely
    assert 3 not in {k for p in probes for k in graph.nearest(p, 10)}
    assert graph.nearest(vecs[8], 2, exclude=8)[0] == 7  # moved onto 8's vector, 8 itself left out
    for k in [8, *range(45, 300)]:
        graph.drop(k)
    assert not graph.graph  # under half of its size again: the scan answers
    rest = CentroidIndex(exact_max=10_000)
    for k in range(45):
        if k not in (3, 8):
            rest.put(k, vecs[8] if k == 7 else vecs[k])
    assert all(graph.nearest(p, 5) == rest.nearest(p, 5) for p in probes)


def test_clustering_runs_its_products_on_one_blas_thread_and_gives_the_threads_back(tmp_path: Path) -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    from factdiff.stories.cluster import cluster_stream, one_blas_thread, story_root

    def blas_threads() -> list[int]:
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

    assert blas_threads(), "numpy's BLAS is not visible to threadpoolctl"
    with threadpool_limits(2, user_api="blas"):  # a caller's setting, whatever the machine's default
        seen: list[list[int]] = []
        orig = OnlineClusterer.add

        def add(self: OnlineClusterer, f: ArticleFeatures, ref: Any = None) -> Any:
            seen.append(blas_threads())
            return orig(self, f, ref)

        feats = article_features(read_stream([STREAM])[0])
        OnlineClusterer.add = add  # type: ignore[method-assign]
        try:
            labels = cluster_stream(feats)
            assert len(seen) == len(feats)
            store = open_store(f"sqlite:///{tmp_path / 'threads.db'}")  # ingest clusters each batch so too
            ingest([STREAM], store=store, cross_check=False, batch_size=5)
            store.close()
        finally:
            OnlineClusterer.add = orig  # type: ignore[method-assign]
        assert len(seen) >= 2 * len(feats) and all(t == [1] * len(t) for t in seen)
        assert blas_threads() == [2] * len(blas_threads())  # restored on exit
        with one_blas_thread():
            assert blas_threads() == [1] * len(blas_threads())
        # the same stream on two threads: the same stories (the products agree whatever the thread count)
        c, parent, raw = OnlineClusterer(), {}, []
        for i, f in enumerate(feats):
            d = c.add(f, ref=i)
            raw.append(d.story)
            parent.update((gone, kept) for kept, gone in d.merged)
            for cut in d.splits:
                raw = [cut.new if j in cut.moved else k for j, k in enumerate(raw)]
        assert [story_root(parent, k) for k in raw] == labels
        assert len(set(labels)) < len(feats)  # some articles were joined: the stories were scored


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


def test_figures_count_among_the_names_in_any_language() -> None:
    """Two reports of one quake give the same figures in two languages; a topic-mate (another quake) shares
    the topic words but not the figures."""
    docs = [Document("a", "s", "The quake of magnitude 6.4 killed 312 people and left 4,100 injured.",
                     title="Quake kills 312", language="en"),
            Document("b", "s", "Das Beben der Stärke 6,4 tötete 312 Menschen, 4.100 wurden verletzt.",
                     title="Beben tötet 312 Menschen", language="de"),
            Document("c", "s", "The quake of magnitude 5.1 killed 17 people and left 250 injured.",
                     title="Quake kills 17", language="en")]
    a, b, c = article_features(docs)
    assert {"64", "312", "4100"} <= a.names & b.names
    assert not {"64", "312", "4100"} & c.names and {"51", "17", "250"} <= c.names
    # features stored before figures were names (version 2) gain them on loading, from the stored words
    old = {**a.to_json(), "version": 2, "names": sorted(n for n in a.names if not n.isdigit())}
    assert ArticleFeatures.from_json(old, a.vector.tobytes()).names == a.names

@pytest.mark.parametrize("line, address", [
    ("https://news.example.org/2031/04/07/pier-reopens?ref=home", True),
    ("http : / / www . example . org / harbour / 2031 - 04 - 07 / pier - reopens . html", True),  # tokenised
    ("www.example.org", True),
    ("www.example.org reopens its north pier", False),  # a headline that starts with an address
    ("www . example . org reopens", False),
    ("Harbour reopens the north pier", False),
    ("", False),
])
def test_a_line_that_is_only_a_web_address_is_told_apart(line: str, address: bool) -> None:
    assert is_address(line) is address


def test_a_web_address_in_the_title_is_not_read_as_the_headline() -> None:
    """Scraped pages and tokenised corpora carry the page's address where the headline belongs: two unrelated
    articles from one site would share the address's embedding, host words and date figures. The address is
    dropped, and the article is read from its text as an article without a title is."""
    body_a = "The harbour authority reopened the north pier after repairs to the storm wall.\nFerries resume on Monday."
    body_b = "The city council approved a new budget for schools and libraries on Tuesday night.\nTaxes stay flat."
    url = "http : / / www . example . org / news / 2031 - 04 - 07 / {}"
    with_url = [Document("a", "s", body_a, title=url.format("harbour"), language="en"),
                Document("b", "s", body_b, title=url.format("council"), language="en")]
    untitled = [Document("a", "s", body_a, language="en"), Document("b", "s", body_b, language="en")]
    a, b = article_features(with_url)
    ua, ub = article_features(untitled)
    for f, u in ((a, ua), (b, ub)):
        assert f.names == u.names and f.words == u.words and np.allclose(f.vector, u.vector)
    assert not {"2031", "example", "news"} & (a.names | a.words)
    # the same address in a sentence of the text is dropped too; a headline is kept
    inline = article_features([Document("c", "s", url.format("harbour") + "\n" + body_a, language="en"),
                               Document("d", "s", body_a, title="North pier reopens", language="en")])
    assert inline[0].words == ua.words
    assert {"north", "pier", "reopens"} <= inline[1].words


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


@pytest.mark.parametrize("text, language, expected", [
    ("April 07 , 2031\nThe harbour authority reopened the north pier.", "en", datetime(2031, 4, 7)),
    ("Lunes, 7 de abril de 2031\nLa autoridad portuaria reabrió el muelle.", "es", datetime(2031, 4, 7)),
    ("07-Apr-05\nHet havenbedrijf heeft de noordpier heropend.", "nl", datetime(2005, 4, 7)),
    ("Pier reopens\n7 aprile 2031\nL'autorità portuale ha riaperto il molo.", "it", datetime(2031, 4, 7)),
    # a date inside a sentence, a year alone, a long line: no dateline
    ("On April 7, 2031, the harbour authority reopened the north pier.\nMore.", "en", None),
    ("2031\nThe harbour authority reopened the north pier.", "en", None),
    ("The harbour authority said on 7 April 2031 that the pier would reopen soon\nMore.", "en", None),
    ("", "en", None),
])
def test_a_dateline_at_the_top_of_the_text_dates_an_undated_article(text, language, expected) -> None:
    assert dateline(text, language) == expected
    undated = Document(id="x", source="s", text=text, language=language)
    assert article_time(undated) == expected
    # a published date given with the article wins over its dateline
    given = Document(id="x", source="s", text=text, language=language, published="2031-05-01")
    assert article_time(given) == datetime(2031, 5, 1)


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


def test_story_that_leaves_the_window_within_a_batch_keeps_its_size_and_report(tmp_path: Path) -> None:
    """Two reports of one event, then (in the same batch) an article weeks later: the event's story
    leaves the time window before the batch is written, and must still be counted and cross-checked."""
    text = ("The harbour authority of Velmora closed the eastern pier on Monday after a crane collapsed onto "
            "the quay. Nobody was hurt, the authority said. Repairs are expected to take three weeks.")
    docs = [
        Document(id="p1", source="Coast Ledger", text=text, title="Velmora pier closed after crane collapse",
                 language="en", published="2030-04-01T08:00:00Z"),
        Document(id="p2", source="Bay Wire", text=text.replace("Nobody was hurt", "No one was injured"),
                 title="Crane collapse shuts Velmora pier", language="en", published="2030-04-01T10:00:00Z"),
        Document(id="p3", source="Coast Ledger", text="The town's spring flower show opened with record crowds "
                 "in the botanical garden. Organisers counted twelve thousand visitors.",
                 title="Flower show opens", language="en", published="2030-05-20T09:00:00Z"),
    ]
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        ingest(docs, store=store, batch_size=10, compare_options={"nli": False})
        pier = next(s for s in list_stories(store=store)["stories"]
                    if {a["id"] for a in s["articles"]} == {"p1", "p2"})
        found = story(pier["id"], store=store)
        assert found["report"] is not None and found["report"]["summary"]["documents"] == 2
    finally:
        store.close()


def test_a_story_opened_by_an_article_titled_by_its_address_is_titled_by_its_text(tmp_path: Path) -> None:
    """A story is titled by its earliest article; where that article's title is only its web address, the story
    list shows the opening of its text instead (the address says nothing about the story)."""
    text = ("http://www.example.org/news/2030/04/01/velmora-pier\n"
            "Velmora pier closed after crane collapse\nThe harbour authority of Velmora closed the eastern pier on "
            "Monday after a crane collapsed onto the quay.")
    docs = [Document(id="u1", source="Coast Ledger", text=text,
                     title="http : / / www . example . org / news / 2030 - 04 - 01 / velmora - pier", language="en",
                     published="2030-04-01T08:00:00Z")]
    store = open_store(f"sqlite:///{tmp_path / 'u.db'}")
    try:
        ingest(docs, store=store, cross_check=False)
        [only] = list_stories(store=store)["stories"]
        assert [a["id"] for a in only["articles"]] == ["u1"]
        assert only["title"] == text.split("\n", 1)[1][:120]  # the text after its address line
        assert only["title"].startswith("Velmora pier closed")
        [topic] = store.list_topics()
        assert topic["title"] == only["title"]
    finally:
        store.close()


def _w(vec: list[float], words: str, when: datetime, lang: str = "en") -> ArticleFeatures:
    v = np.asarray(vec, dtype=np.float32)
    return ArticleFeatures(v / np.linalg.norm(v), frozenset(), frozenset(words.split()), lang, when)


def _idf_cosine(c: OnlineClusterer, a: frozenset[str], b: frozenset[str]) -> float:
    """The IDF-weighted word cosine, written out: what the clusterer's vectorised pass must give."""
    def idf2(t: str) -> float:
        return float((np.log((c.n_docs + 1) / (c.df_words.get(t, 0) + 1)) + 1.0) ** 2)

    dot = sum(idf2(t) for t in a & b)
    return dot / float(np.sqrt(sum(idf2(t) for t in a) * sum(idf2(t) for t in b))) if dot else 0.0


def _two_stories(c: OnlineClusterer, n: int, t0: datetime, words: Callable[[int], str]) -> tuple[int, int]:
    """Two stories opened and filled directly (no scoring): ``a`` of ``n`` articles and ``b``, the larger, of n + 1;
    article i's words ``words(i)``."""
    for i in range(2 * n):
        c.observe(_w([1, 0, 0, 0], words(i), t0))
    a = c.open_story(_w([1, 0, 0, 0], words(0), t0))
    b = c.open_story(_w([0, 1, 0, 0], words(n), t0))
    for i in range(1, n):
        c._join(a, _w([1, 0.01 * i, 0, 0], words(i), t0 + timedelta(minutes=i)))
        c._join(b, _w([0.01 * i, 1, 0, 0], words(n + i), t0 + timedelta(minutes=i)))
    c._join(b, _w([0.5, 1, 0, 0], words(2 * n - 1), t0 + timedelta(hours=1)))
    return a, b


def test_a_story_scores_its_k_most_recent_members_however_large_it_grows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 9: scoring a story must not cost more as it grows. A story of 40 articles keeps its K = 4 most
    recent members; an article, and a story-to-story merge check, score at most K member rows of it, and the
    word cosine is the closest of those K (an older member with every word of the article no longer counts)."""
    k = 4
    join_all = Model((0.0,) * len(FEATURES), 0.0, 0.1)  # P = 0.5 for every candidate: every article joins
    c = OnlineClusterer(join_all, merge=False, members=k)
    t0 = datetime(2031, 5, 1)
    c.add(_w([1, 0, 0, 0], "harbour crane collapse velmora pier", t0))
    for i in range(1, 40):
        c.add(_w([1, 0.01 * i, 0, 0], f"harbour update{i} repairs{i} quay{i}", t0 + timedelta(minutes=i)))
    (key, st), = c.stories.items()
    assert st.size == 40 and len(st.members) == len(st.vectors) == k

    scored: list[tuple[int, int]] = []  # (member rows, queries) of each vectorised pass
    inner = c._word_cosines

    def counting(queries: list[np.ndarray], ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
        scored.append((len(starts), len(queries)))
        return inner(queries, ids, starts)

    monkeypatch.setattr(c, "_word_cosines", counting)
    probe = _w([1, 0.5, 0, 0], "harbour crane collapse velmora pier", t0 + timedelta(hours=2))
    c.observe(probe)
    x = c.features_many(probe, [key])[0]
    assert scored == [(k, 1)]
    recent = [m.words for m in st.members]
    assert x[FEATURES.index("words")] == pytest.approx(max(_idf_cosine(c, probe.words, w) for w in recent))
    assert x[FEATURES.index("words")] < 0.5  # the first article had every word of the probe (cosine 1): not kept
    assert x[FEATURES.index("cos_max")] == pytest.approx(float(np.max(np.stack(st.vectors[-k:]) @ probe.vector)))

    # a second story of 40 articles: the merge check scores at most MERGE_MEMBERS of the smaller story's
    # members against at most K of the larger one's
    c2 = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1), merge=False, members=k)  # nothing joins
    a, b = _two_stories(c2, 40, t0, lambda i: f"harbour update{i}")
    scored.clear()
    inner = c2._word_cosines
    monkeypatch.setattr(c2, "_word_cosines", counting)
    x2, same = c2._story_rows(c2.stories[a], [c2.stories[b]])
    assert len(scored) == 1 and scored[0][0] <= k and scored[0][1] <= k and bool(same[0])
    small, big = c2.stories[a], c2.stories[b]
    expect = np.mean([max(_idf_cosine(c2, m.words, p.words) for p in big.members) for m in small.members])
    assert x2[0, FEATURES.index("words")] == pytest.approx(expect)
    # the same pair seen from the larger story (the other code path: all smaller stories against it at once)
    assert c2.story_features(big, small) == pytest.approx(x2[0])


@pytest.mark.parametrize("scope", ["candidates", "joinable"])
def test_a_merge_check_scores_the_candidates_the_model_says(scope: str) -> None:
    """After a join, ``Model.merge_scope`` says which of the article's other candidates the merge check scores:
    every one ("candidates"), or only those the article could have joined too ("joinable"). Three stories, all
    candidates of the article (one vector): two share its name, one shares only a name of the first story's, so
    the article cannot join it, but story to story it passes the merge threshold."""
    names = FEATURES.index("names")
    coef = tuple(10.0 if i == names else 0.0 for i in range(len(FEATURES)))
    model = Model(coef, -5.0, 0.5, 0.9, merge_scope=scope)  # P = 0.993 with every name shared, 0.007 with none
    c = OnlineClusterer(model)
    t0 = datetime(2031, 9, 1)

    def art(names_: str, minute: int) -> ArticleFeatures:
        return ArticleFeatures(np.array([1.0, 0, 0, 0], dtype=np.float32), frozenset(names_.split()),
                               frozenset(), "en", t0 + timedelta(minutes=minute))

    keys = {}
    for i, n in enumerate(("ostrava kladno", "ostrava", "kladno")):  # opened directly, as three stories
        c.observe(art(n, i))
        keys[n] = c.open_story(art(n, i))
    c.observe(art("ostrava", 3))
    scored = dict(c.score(art("ostrava", 3)))
    assert sorted(round(p, 3) for p in scored.values()) == [0.007, 0.993, 0.993]  # the article was judged
    d = c.add(art("ostrava", 3))
    assert not d.new
    absorbed = {gone for _, gone in d.merged}
    if scope == "joinable":  # the story the article could join too merges; the one it could not is left alone
        assert len(d.merged) == 1 and set(c.stories) == {d.story, keys["kladno"]}
    else:  # the story that shares only the first story's name merges too
        assert len(d.merged) == 2 and len(c.stories) == 1
    assert d.story in c.stories and not absorbed & set(c.stories)
    assert Model.from_json(model.to_json()).merge_scope == scope  # kept in model.json
    with pytest.raises(ValueError, match="merge_scope"):
        Model.from_json(model.to_json() | {"merge_scope": "all"})


def test_a_merge_check_scores_as_many_recent_members_as_the_model_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge check scores the smaller story's ``Model.merge_members`` most recent members (fewer than the K it
    keeps), from either side of the pair, and the count is kept in model.json; a bad count is refused."""
    k, last = 8, 3
    model = Model((0.0,) * len(FEATURES), 0.0, 1.1, merge_members=last)  # nothing joins by itself
    c = OnlineClusterer(model, merge=False, members=k)
    a, b = _two_stories(c, 12, datetime(2031, 7, 1), lambda i: f"ferry delay{i} berth{i % 4}")
    small, big = c.stories[a], c.stories[b]
    assert len(small.members) == k and small.size == 12
    queries: list[int] = []
    inner = c._word_cosines

    def counting(qs: list[np.ndarray], ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
        queries.append(len(qs))
        return inner(qs, ids, starts)

    monkeypatch.setattr(c, "_word_cosines", counting)
    x, same = c._story_rows(small, [big])
    assert queries == [last] and bool(same[0])
    recent = small.members[-last:]
    assert x[0, FEATURES.index("words")] == pytest.approx(
        np.mean([max(_idf_cosine(c, m.words, p.words) for p in big.members) for m in recent]))
    assert x[0, FEATURES.index("cos_max")] + c.level() == pytest.approx(
        np.mean([float(np.max(big.matrix @ m)) for m in small.matrix[-last:]]))
    queries.clear()
    assert c.story_features(big, small) == pytest.approx(x[0])  # the larger story's side: the same rows
    assert sum(queries) == last
    assert Model.from_json(model.to_json()).merge_members == last  # kept in model.json
    assert Model.from_json(Model((0.0,) * len(FEATURES), 0.0, 0.5).to_json()).merge_members == MERGE_MEMBERS
    for bad in (0, -2, 2.5, "4", True):
        with pytest.raises(ValueError, match="merge_members"):
            Model.from_json(model.to_json() | {"merge_members": bad})


def test_word_cosines_of_many_queries_in_one_pass() -> None:
    """The vectorised pass gives every (member, query) cosine as written out, past 64 queries (a second chunk of
    bits), with empty queries and words no member has."""
    c = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1), merge=False)
    t0 = datetime(2031, 6, 1)
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(60)]
    sets = [frozenset(rng.choice(vocab, size=int(rng.integers(3, 12)), replace=False)) for _ in range(80)]
    for s in sets:
        c.observe(_w([1, 0, 0, 0], " ".join(s), t0))
    key = c.open_story(_w([1, 0, 0, 0], " ".join(sets[0]), t0))
    for s in sets[1:6]:
        c._join(key, _w([1, 0, 0, 0], " ".join(s), t0))
    queries = [frozenset[str]()] + sets[6:76]  # 71 queries, the first empty
    p = c._packed(c.stories[key], "en")
    got = c._word_cosines([c._word_ids(q) for q in queries], p.ids, p.starts)
    members = [m.words for m in c.stories[key].members]
    assert got.shape == (6, 71)
    assert got == pytest.approx(np.array([[_idf_cosine(c, q, m) for q in queries] for m in members]))


def test_the_word_floor_keeps_topic_mates_apart_only_among_several_candidates() -> None:
    """A story alone near the article is weighed on every feature; among several candidate stories, one
    that shares too few words with the article (under ``words_floor``) is not joined, however close."""
    model = replace(load_model(), merge_threshold=None, words_floor=0.5)

    def art(vec: list[float], words: set[str]) -> ArticleFeatures:
        return replace(_f(vec, None, {"orrin"}), words=frozenset(words))

    t_words = {"harbour", "crane", "collapse", "dockers", "inquiry"}
    alone = OnlineClusterer(model)
    first = alone.add(art([1, 0, 0], t_words))
    # close vector, the same name, a few of the words: under the floor, yet joined where it is the only story
    near = art([1, 0.05, 0], {"harbour", "crane", "storm", "ferry", "delayed"})
    probe = OnlineClusterer(model)
    key = probe.add(art([1, 0, 0], t_words)).story
    probe.observe(near)
    assert float(probe.features_many(near, [key])[0][FEATURES.index("words")]) < 0.5
    joined = alone.add(near)
    assert not joined.new and joined.story == first.story

    crowded = OnlineClusterer(model)
    first = crowded.add(art([1, 0, 0], t_words))
    other = crowded.add(replace(art([0, 1, 0], {"budget", "council", "vote"}), names=frozenset({"tamsin"})))
    assert other.new and len(crowded.stories) == 2  # an unrelated story: now two candidates
    under = crowded.add(art([1, 0.05, 0], {"harbour", "crane", "storm", "ferry", "delayed"}))
    assert under.new  # the same features, kept apart by the floor
    over = crowded.add(art([1, 0.02, 0], t_words | {"night"}))
    assert not over.new and over.story == first.story  # enough words shared: joined


def test_a_follow_up_in_other_words_joins_its_story_among_unrelated_candidates() -> None:
    """A follow-up close in meaning to its story, with the same name, but none of its words (told from another
    angle): with unrelated stories among the candidates (every story is one in an undated stream) the shipped
    model still joins it; no word floor cuts it off."""
    model = replace(load_model(), merge_threshold=None)

    def art(vec: list[float], words: set[str], name: str) -> ArticleFeatures:
        return replace(_f(vec, None, {name}), words=frozenset(words))

    c = OnlineClusterer(model)
    first = c.add(art([1, 0, 0, 0], {"harbour", "crane", "collapse", "dockers"}, "orrin"))
    c.add(art([0, 1, 0, 0], {"budget", "council", "vote"}, "tamsin"))
    c.add(art([0, 0, 1, 0], {"festival", "music", "tickets"}, "ysolde"))
    follow_up = c.add(art([1, 0.08, 0, 0], {"inquiry", "engineers", "report", "weld"}, "orrin"))
    assert not follow_up.new and follow_up.story == first.story


def test_articles_stored_before_topics_get_the_topics_an_uninterrupted_run_gives(tmp_path: Path) -> None:
    """A store from before the topic layer (articles without a topic) is given its topics when next opened for
    ingest, replaying the topic clusterer in the order the articles were stored: the topics of a fresh run."""
    from sqlalchemy import update

    from factdiff.store import models as m
    from factdiff.stories.ingest import load_clusterer

    with open_store(f"sqlite:///{tmp_path / 't.db'}") as store:
        ingest([STREAM], store=store, cross_check=False, batch_size=5)
        fresh = list_stories(store=store, level="topic")
        assert fresh["topics"]
        with store.session() as s:
            s.execute(update(m.Article).values(topic_id=None))
        assert list_stories(store=store, level="topic") == {"topics": []}
        c = load_clusterer(store)
        assert list_stories(store=store, level="topic") == fresh
        assert c.topics is not None and sorted(c.topics.stories) == sorted(t["id"] for t in fresh["topics"])


@pytest.mark.parametrize("background", [False, True])
def test_a_lone_candidate_stands_out_from_a_typical_unrelated_story_with_a_margin_background(background: bool) -> None:
    """With ``margin_background`` (the topic model's), the margin of a story that is the article's only candidate
    is its cosine minus the typical cosine of an unrelated candidate (cluster.MARGIN_BACKGROUND), and missing
    candidates up to three count so; without it (the story model's), a lone candidate's margin is its cosine and
    a second candidate's margin is the difference of the two."""
    from factdiff.stories.cluster import MARGIN_BACKGROUND

    bg = MARGIN_BACKGROUND["cos_max"]
    c = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1, margin_background=background), merge=False)
    t0 = datetime(2031, 1, 1)
    only = c.add(_f([1, 0, 0], t0)).story
    row = c.features(_f([0.6, 0.8, 0], t0), c.stories[only])
    assert row[FEATURES.index("cos_max")] == pytest.approx(0.6, abs=1e-6)
    assert row[FEATURES.index("margin")] == pytest.approx(0.6 - bg if background else 0.6, abs=1e-6)
    second = c.add(_f([0, 1, 0], t0)).story
    rows = c.features_many(_f([0.6, 0.8, 0], t0), [only, second])
    expect = 0.6 - (0.8 + 2 * bg) / 3 if background else 0.6 - 0.8
    assert rows[0, FEATURES.index("margin")] == pytest.approx(expect, abs=1e-6)
    assert Model.from_json(c.model.to_json()).margin_background is background  # kept in model.json


def test_margins_over_the_runner_up_single_out_a_candidate_only_if_it_leads_the_others() -> None:
    """With ``margin_over`` "runner_up", the best candidate's margin is its lead over the second best and every
    other candidate's is its distance below the best; an article about as close to two stories (the first of a new
    event, close to nothing in particular) gives neither a margin, where the mean of the others would single out the
    slightly closer one. The merge check reads its margins the same way."""
    from factdiff.stories.cluster import _margin

    col = np.array([0.50, 0.45, 0.10, 0.05])
    mean = _margin(col, None, "mean")
    runner = _margin(col, None, "runner_up")
    assert mean[0] == pytest.approx(0.50 - 0.20)  # stands out from the mean of the others
    assert runner == pytest.approx([0.05, -0.05, -0.40, -0.45])  # leads the second best by little
    assert _margin(np.array([0.7, 0.7]), None, "runner_up") == pytest.approx([0.0, 0.0])  # a tie: no one leads
    assert _margin(np.array([0.6]), None, "runner_up") == pytest.approx([0.6])  # alone: its cosine, as with "mean"

    t0 = datetime(2031, 1, 1)
    rows = {}
    for over in ("mean", "runner_up"):
        c = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1, margin_over=over), merge=False)
        keys = [c.add(_f(v, t0)).story for v in ([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0])]
        rows[over] = c.features_many(_f([0.5, 0.45, 0.1, 0.73], t0), keys)
        assert Model.from_json(c.model.to_json()).margin_over == over  # kept in model.json
    unit = np.array([0.5, 0.45, 0.1]) / np.linalg.norm([0.5, 0.45, 0.1, 0.73])
    assert rows["mean"][:, FEATURES.index("margin")] == pytest.approx(_margin(unit, None, "mean"), abs=1e-6)
    assert rows["runner_up"][:, FEATURES.index("margin")] == pytest.approx(_margin(unit, None, "runner_up"), abs=1e-6)
    assert rows["runner_up"][0, FEATURES.index("margin")] < rows["mean"][0, FEATURES.index("margin")]
    with pytest.raises(ValueError, match="margin_over"):
        Model.from_json(Model((0.0,) * len(FEATURES), 0.0, 0.5).to_json() | {"margin_over": "median"})

@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1, 1, allow_nan=False), min_size=2, max_size=12),
       st.sampled_from([None, 0.33]))
def test_a_runner_up_margin_is_positive_only_for_a_sole_best_candidate(values: list[float],
                                                                        background: float | None) -> None:
    """Whatever the cosines: over the runner-up, only a candidate strictly ahead of every other (and of the
    typical unrelated ones that stand in for missing candidates) has a positive margin, it equals its lead, and a
    closer candidate never gets a smaller margin."""
    from factdiff.stories.cluster import MARGIN_OTHERS, _margin

    col = np.array(values)
    m = _margin(col, background, "runner_up")
    pool = list(values) + [background] * max(0, MARGIN_OTHERS - (len(values) - 1)) if background is not None \
        else list(values)
    top, second = sorted(pool, reverse=True)[:2]
    for v, got in zip(values, m, strict=True):
        assert got == pytest.approx(v - (second if v >= top else top), abs=1e-12)
        assert (got > 0) == (v >= top and top > second)
    for i in range(len(values)):  # a closer candidate never gets a smaller margin
        assert np.all(m[col > col[i]] >= m[i])

def test_cosines_are_read_relative_to_the_streams_closeness() -> None:
    """With ``closeness_quantile`` (the story model's), the two cosine features are the cosines minus the quantile
    of the recent articles' best closest-member cosines (the prior before CLOSENESS_MIN_SEEN of them); the margins
    do not move; each decision records the article's best cosine."""
    from factdiff.stories.cluster import CLOSENESS_MIN_SEEN, CLOSENESS_PRIOR

    absolute = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1), merge=False)
    relative = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1, closeness_quantile=0.5), merge=False)
    t0 = datetime(2031, 1, 1)
    rng = np.random.default_rng(7)
    stream = [_f(list(rng.normal(size=8)), t0) for _ in range(CLOSENESS_MIN_SEEN + 5)]
    for k, f in enumerate(stream):
        a, r = absolute.add(f), relative.add(f)
        assert a.story == r.story and a.closeness == r.closeness  # every score under 1.1: each opens a story
        if k == 0:
            assert r.closeness is None  # no candidate yet
        else:
            best = max(float(np.max(st.matrix @ f.vector)) for st in relative.stories.values() if st.key != r.story)
            assert r.closeness == pytest.approx(best, abs=1e-6)
    assert len(relative.closeness) == len(stream) - 1
    level = float(np.median(list(relative.closeness)))
    assert relative.level() == pytest.approx(level) and absolute.level() == 0.0
    probe = _f(list(rng.normal(size=8)), t0)
    keys = sorted(relative.stories)[:3]
    xa, xr = absolute.features_many(probe, keys), relative.features_many(probe, keys)
    for name in ("cos_centroid", "cos_max"):
        assert xr[:, FEATURES.index(name)] == pytest.approx(xa[:, FEATURES.index(name)] - level, abs=1e-6)
    for name in ("margin", "names", "words", "gap_days"):
        assert xr[:, FEATURES.index(name)] == pytest.approx(xa[:, FEATURES.index(name)], abs=1e-9)
    fresh = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1, closeness_quantile=0.5))
    assert fresh.level() == CLOSENESS_PRIOR
    assert Model.from_json(relative.model.to_json()).closeness_quantile == 0.5  # kept in model.json
    assert Model.from_json(absolute.model.to_json()).closeness_quantile is None


def test_a_restart_restores_the_streams_closeness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clustering state loaded from a store holds the stream's closeness the run left, in the story layer and in
    the topic layer: the same recent best cosines in the same order, so that the next article is read against the
    same level."""
    import importlib

    from factdiff.stories.ingest import load_clusterer

    ingest_module = importlib.import_module("factdiff.stories.ingest")  # the package exports the function by that name

    used: list[OnlineClusterer] = []

    def keep(*args: Any, **kw: Any) -> OnlineClusterer:
        used.append(load_clusterer(*args, **kw))
        return used[-1]

    monkeypatch.setattr(ingest_module, "load_clusterer", keep)
    with open_store(f"sqlite:///{tmp_path / 'c.db'}") as store:
        ingest([STREAM], store=store, cross_check=False, batch_size=4)
        clusterer = used[0]
        assert len(clusterer.closeness) >= 2 and load_model().closeness_quantile is not None
        restored = load_clusterer(store)
        assert list(restored.closeness) == list(clusterer.closeness)
        assert restored.level() == clusterer.level()
        # the topic layer's too (its model reads cosines relative to its own stream closeness)
        assert clusterer.topics is not None and restored.topics is not None
        assert load_topic_model().closeness_quantile is not None and len(clusterer.topics.closeness) >= 2
        assert list(restored.topics.closeness) == list(clusterer.topics.closeness)
        assert restored.topics.level() == clusterer.topics.level()
        # and both layers' cross-language closeness (the bundled stream mixes English, French and Spanish)
        assert len(clusterer.closeness_cross) >= 1 and len(clusterer.topics.closeness_cross) >= 1
        assert list(restored.closeness_cross) == list(clusterer.closeness_cross)
        assert list(restored.topics.closeness_cross) == list(clusterer.topics.closeness_cross)
        assert restored.level_cross() == clusterer.level_cross()


def test_a_candidate_without_the_articles_language_is_read_against_the_cross_language_closeness() -> None:
    """The cosines of a story with no article in the article's language are read relative to the stream's
    cross-language closeness (the recent articles' best cross-language cosines), those of a story in its language
    relative to the usual one; each article adds its best cross-language cosine to that history, and an article
    with none adds nothing there."""
    model = Model((0.0,) * len(FEATURES), 0.0, 1.1, closeness_quantile=0.5, cross_closeness=True)  # nothing joins
    c = OnlineClusterer(model, merge=False)
    t0 = datetime(2031, 8, 1)
    cos_max = FEATURES.index("cos_max")
    english = [_w([1, 0.1 * i, 0, 0], f"dock{i} quay", t0 + timedelta(minutes=i)) for i in range(5)]
    for f in english:
        c.add(f)
    assert len(c.closeness) == 4 and not c.closeness_cross  # one language: no cross-language candidate yet
    assert c.level_cross() == CLOSENESS_PRIOR
    for i in range(12):  # Dutch articles far from everything: their best cross-language cosines are low
        c.add(_w([0.2, 0, 1, 0.1 * i], f"kade{i} haven", t0 + timedelta(hours=1, minutes=i), lang="nl"))
    assert len(c.closeness_cross) >= CLOSENESS_MIN_SEEN
    assert c.level_cross() < c.level() - 0.2
    probe = _w([1, 0.3, 0, 0], "dock3 quay", t0 + timedelta(hours=2), lang="nl")
    c.observe(probe)
    keys = c.candidates(probe.vector, time=probe.time)
    x, same = c._features_and_language(probe, keys)
    dutch = [i for i, k in enumerate(keys) if any(m.language == "nl" for m in c.stories[k].members)]
    assert dutch and len(dutch) < len(keys)  # judged against stories in both kinds
    for i, k in enumerate(keys):
        raw = float(np.max(c.stories[k].matrix @ probe.vector))
        level = c.level() if bool(same[i]) else c.level_cross()
        assert bool(same[i]) == (i in dutch)
        assert x[i, cos_max] == pytest.approx(raw - level)
    assert c.raw_closeness_cross == pytest.approx(max(float(np.max(c.stories[keys[i]].matrix @ probe.vector))
                                                      for i in range(len(keys)) if not same[i]))
    assert Model.from_json(model.to_json()).cross_closeness  # kept in model.json
    c.model = replace(model, cross_closeness=False)  # a model without it: the one level for every candidate
    x1, same1 = c._features_and_language(probe, keys)
    assert (same1 == same).all() and (~same).any()
    assert x1[~same, cos_max] == pytest.approx(x[~same, cos_max] + c.level_cross() - c.level())
    assert x1[same, cos_max] == pytest.approx(x[same, cos_max])


def test_a_name_counts_by_the_share_of_the_storys_articles_that_have_it() -> None:
    """With ``names_by_share`` (the story model's), a name the article shares with a story counts by how many of
    the story's articles have it against its most common name; without, whole."""
    t0 = datetime(2031, 1, 1)
    rows = {}
    for by_share in (False, True):
        c = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1, names_by_share=by_share), merge=False)
        story = c.add(_f([1, 0, 0], t0, {"orrin", "tamsin"})).story
        for _ in range(3):  # three more articles of the story name Orrin only
            c._join(story, _f([1, 0.01, 0], t0, {"orrin"}))
        article = _f([0.9, 0.1, 0], t0, {"tamsin", "ysolde"})  # Tamsin: in 1 of the story's 4 articles
        rows[by_share] = c.features(article, c.stories[story])[FEATURES.index("names")]
        weights = c._weights(c.df_names, article.names)[0]
        whole = weights["tamsin"] / sum(weights.values())
    assert rows[False] == pytest.approx(whole)
    assert rows[True] == pytest.approx(whole / 4)
    assert Model.from_json(Model((0.0,) * len(FEATURES), 0.0, 1.1, names_by_share=True).to_json()).names_by_share


def test_the_fit_picks_the_middle_of_near_tied_threshold_pairs_not_the_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threshold pairs whose mean training scores differ by less than the tie are read as equals: the fit keeps the
    median join threshold among them, then the median merge setting at it (no merge ranking above every merge
    threshold); a pair clearly ahead is kept as it is."""
    from bench import stories as B

    tied = {(0.4, 0.8): 0.930, (0.5, 0.7): 0.9410, (0.5, 0.8): 0.9412, (0.5, 0.9): 0.9411, (0.6, 0.9): 0.9413,
            (0.7, 0.9): 0.900}
    assert B._choose(tied) == (0.5, 0.8)
    assert B._choose({**tied, (0.6, 0.9): 0.9600}) == (0.6, 0.9)
    assert B._choose({(0.3, 0.7): 0.8, (0.5, None): 0.9401, (0.5, 0.7): 0.9400, (0.5, 0.9): 0.9410}) == (0.5, 0.9)
    monkeypatch.setattr(B, "THRESHOLD_CHOICE", "best")
    assert B._choose(tied) == (0.6, 0.9)


def test_ingests_through_one_store_take_up_its_clustering_state_unless_another_writer_came_between(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest after another through the same ``Store`` takes up the clustering state the last one left instead of
    loading it from the database again (a cost that grows with the store); where another connection stored articles
    in between, it loads. Either way the stories are those of one ingest of the whole stream: a later part's article
    joins the story of an article that the other writer stored."""
    import importlib

    ingest_module = importlib.import_module("factdiff.stories.ingest")
    real = ingest_module.load_clusterer
    loads: list[int] = []

    def counting(*args: Any, **kw: Any) -> OnlineClusterer:
        loads.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(ingest_module, "load_clusterer", counting)
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["published"] for x in lines] == sorted(json.loads(x)["published"] for x in lines)
    parts = []
    for k, (a, b) in enumerate([(0, 4), (4, 7), (7, 10), (10, 12)]):
        parts.append(tmp_path / f"part{k}.jsonl")
        parts[-1].write_text("\n".join(lines[a:b]) + "\n", encoding="utf-8")
    with open_store(f"sqlite:///{tmp_path / 'whole.db'}") as whole:
        ingest([STREAM], store=whole, cross_check=False, batch_size=5)
        expected = list_stories(store=whole), list_stories(store=whole, level="topic")
    url = f"sqlite:///{tmp_path / 'parts.db'}"
    with open_store(url) as store:
        loads.clear()
        ingest([parts[0]], store=store, cross_check=False, batch_size=5)
        ingest([parts[1]], store=store, cross_check=False, batch_size=5)
        assert len(loads) == 1  # the second took up the first's state
        with open_store(url) as other:  # another writer: its own state, loaded from the database
            ingest([parts[2]], store=other, cross_check=False, batch_size=5)
        assert len(loads) == 2
        ingest([parts[3]], store=store, cross_check=False, batch_size=5)
        assert len(loads) == 3  # what this Store held is out of date: loaded again
        got = list_stories(store=store), list_stories(store=store, level="topic")
    assert got == expected
    observatory = next(s for s in got[0]["stories"] if any(a["id"] == "wire-observatory-2" for a in s["articles"]))
    assert {a["id"] for a in observatory["articles"]} == EVENTS["observatory"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.frozensets(st.sampled_from("abcdefghij"), max_size=5)),
                min_size=2, max_size=14))
def test_the_names_two_stories_share_are_weighed_as_by_their_definition(arts: list[tuple[int, frozenset[str]]]) -> None:
    """Story to story, the names feature (computed over name ids, one side marked in an array, the other looked up;
    a story's ids extended as it gains names) is the IDF-weighted share of the one story's names that the other has,
    as the set definition gives it, pair by pair and in both directions, after stories grew and merged."""
    c = OnlineClusterer(Model((0.0,) * len(FEATURES), 0.0, 1.1), merge=False)  # never joins: stories by hand
    t0 = datetime(2031, 1, 1)
    keys: dict[int, int] = {}
    for k, (group, names) in enumerate(arts):
        f = _f([1.0, 0.1 * group, 0.01 * k], t0 + timedelta(minutes=k), set(names))
        c.observe(f)
        if group in keys:
            c._join(keys[group], f)
        else:
            keys[group] = c.open_story(f)
        stories = [c.stories[key] for key in keys.values()]
        c._shares(stories, [stories[0]] * len(stories))  # builds name ids, then extended by the next joins

    def share(a: Any, b: Any) -> float:
        total = sum(c._idf(c.df_names, n) for n in a.names)
        return sum(c._idf(c.df_names, n) for n in a.names if n in b.names) / total if total else 0.0

    if len(keys) >= 3:  # a merge too: the kept story gains the other's names
        kept, gone = list(keys.values())[:2]
        c._absorb(c.stories[kept], c.stories[gone])
    stories = list(c.stories.values())
    for one in stories:
        expect = [share(one, o) for o in stories]
        assert c._names_shared(one, stories) == pytest.approx(expect, abs=1e-9)
        assert c._shares(stories, [one] * len(stories)) == pytest.approx([share(o, one) for o in stories], abs=1e-9)


def test_a_load_reads_the_saved_counts_and_the_articles_after_them(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest saves the clustering's document frequencies and clock every ``SAVE_COUNTS_EVERY`` articles; a load
    reads those and only the annotations of the articles stored after them, and holds exactly the state that
    counting every stored article gives (as after a kill, when the last articles came after the last save). Saved
    counts that are unreadable, or that would not be the counts over the stored articles, are not used."""
    import importlib

    from sqlalchemy import delete, update

    from factdiff.store import models as m
    from factdiff.stories.ingest import load_clusterer, save_counts

    ingest_module = importlib.import_module("factdiff.stories.ingest")
    monkeypatch.setattr(ingest_module, "SAVE_COUNTS_EVERY", 4)
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    first.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    rest.write_text("\n".join(lines[5:]) + "\n", encoding="utf-8")

    def state(c: OnlineClusterer) -> tuple[Any, ...]:
        return c.n_docs, dict(c.df_names), dict(c.df_words), c.clock, c._leap, sorted(c.stories)

    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        ingest([first], store=store, cross_check=False, batch_size=2)
        with store.session() as s:
            saved = s.get(m.ClusteringState, 1)
            assert saved is not None and (saved.upto, saved.n_docs) == (5, 5)
        # the next articles are stored without a save, as by a run killed before it saved
        monkeypatch.setattr(ingest_module, "SAVE_COUNTS_EVERY", 10**6)
        ingest([rest], store=store, cross_check=False, batch_size=3)
        with store.session() as s:
            assert s.get(m.ClusteringState, 1).upto == 5
        monkeypatch.setattr(ingest_module, "_saved_counts", lambda s, c: 0)  # count every article
        full = load_clusterer(store)
        monkeypatch.undo()
        loaded = load_clusterer(store)
        assert full.n_docs == 12 and full.clock is not None and full.df_words
        assert state(loaded) == state(full) and loaded.last_article == 12
        assert (full.saved_docs, loaded.saved_docs) == (0, 5)  # read from the save, and 7 articles after it
        # a state that did not count every stored article up to its last is not saved
        loaded.n_docs -= 1
        assert not save_counts(store, loaded)
        loaded.n_docs += 1
        assert save_counts(store, loaded)
        assert state(load_clusterer(store)) == state(full)
        # unreadable saved counts: every article is counted again
        with store.session() as s:
            s.execute(update(m.ClusteringState).values(data=b"\x00not zlib"))
        assert state(load_clusterer(store)) == state(full)
        with store.session() as s:
            s.execute(delete(m.ClusteringState))
        assert state(load_clusterer(store)) == state(full)


def test_an_ingest_another_writer_ran_beside_leaves_no_state_to_take_up(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Where something stored articles while an ingest ran (between two of its batches, past the ingest lock), the
    ingest's clustering state lacks them: it is neither kept for the next ingest nor saved, and the next ingest
    loads the state from the database (which counts them)."""
    import contextlib
    import importlib

    from factdiff.store import models as m

    ingest_module = importlib.import_module("factdiff.stories.ingest")
    monkeypatch.setattr(ingest_module, "SAVE_COUNTS_EVERY", 1)
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    mine, theirs, later = (tmp_path / f"{n}.jsonl" for n in ("mine", "theirs", "later"))
    mine.write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")
    theirs.write_text(lines[10] + "\n", encoding="utf-8")  # joins the story of the first two (no new story id)
    later.write_text("\n".join(lines[6:10] + lines[11:]) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 's.db'}"
    beside: list[int] = []

    def other_writer(result: Any, total: int) -> None:
        if not beside:  # after this ingest's first batch
            with open_store(url) as other:
                monkeypatch.setattr(other, "ingest_lock", contextlib.nullcontext)  # past the lock
                beside.append(ingest([theirs], store=other, cross_check=False).added)

    with open_store(url) as store:
        ingest([mine], store=store, cross_check=False, batch_size=2, progress=other_writer)
        assert beside == [1] and store.counts()["articles"] == 7
        assert "clusterer" not in store.held
        with store.session() as s:  # saved by the other writer (3 articles), not by this ingest (6 of the 7)
            assert s.get(m.ClusteringState, 1).n_docs == 3
        real = ingest_module.load_clusterer
        loads: list[int] = []
        monkeypatch.setattr(ingest_module, "load_clusterer", lambda *a, **k: loads.append(1) or real(*a, **k))
        ingest([later], store=store, cross_check=False)
        assert loads == [1] and "clusterer" in store.held
        assert store.held["clusterer"][1].n_docs == 12
