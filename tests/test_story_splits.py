"""The split step of story clustering: a story that gathered two events is cut in two, in memory and in the store."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from factdiff.store import models as m
from factdiff.store import open_store
from factdiff.stories import ArticleFeatures, OnlineClusterer, ingest, list_stories
from factdiff.stories.cluster import (
    CROSS_FEATURES,
    FEATURES,
    SPLIT_MIN,
    Model,
    SplitModel,
    cluster_stream,
    load_model,
)

STREAM = Path(__file__).resolve().parent.parent / "examples" / "stream" / "articles.jsonl"
T0 = datetime(2031, 3, 1)


def _art(vec: list[float], minute: int, names: str = "", words: str = "") -> ArticleFeatures:
    v = np.asarray(vec, dtype=np.float32)
    return ArticleFeatures(v / np.linalg.norm(v), frozenset(names.split()), frozenset(words.split()), "en",
                           T0 + timedelta(minutes=minute))


# two events 53 degrees apart: an article joins a story whose centroid lies between them, but story to story the
# two halves are not one story (P(same story) = sigmoid(10 cos_centroid - 5): 0.5 at a cosine of 0.5)
TWO_EVENTS = [
    _art([1, 0, 0], 0, "velmora crane", "pier crane collapse"),
    _art([0.6, 0.8, 0], 1, "ostrava", "mayor budget vote"),
    _art([1, 0.03, 0], 2, "velmora", "pier repairs weeks"),
    _art([0.6, 0.8, 0.03], 3, "ostrava council", "council budget vote"),
]


def _model(split_below: float | None) -> Model:
    coef = tuple(10.0 if f == "cos_centroid" else 0.0 for f in FEATURES)
    return Model(coef, -5.0, 0.5, None, split_below=split_below)


def test_a_story_of_two_events_splits_where_its_halves_score_under_the_split_threshold() -> None:
    """The four articles join one story one by one; once it has SPLIT_MIN members, 2-means finds the two events and
    the model scores them story to story: under ``split_below`` the story splits (the half with the new article
    keeps the id, the other half's articles move to a new story), at or above it the story stays whole."""
    assert len(TWO_EVENTS) == SPLIT_MIN
    c = OnlineClusterer(_model(0.9))
    decisions = [c.add(f, ref=i) for i, f in enumerate(TWO_EVENTS)]
    assert [d.new for d in decisions] == [True, False, False, False]  # one story gathered both events
    assert all(not d.splits for d in decisions[:-1])  # too small to split before the fourth
    key = decisions[0].story
    (cut,) = decisions[-1].splits
    assert cut.story == key == decisions[-1].story and cut.new not in (key,) and sorted(cut.moved) == [0, 2]
    assert 0.5 < cut.score < 0.9  # judged: the halves' P(same story), under the split threshold
    assert set(c.stories) == {key, cut.new}
    kept, new = c.stories[key], c.stories[cut.new]
    assert (kept.size, new.size) == (2, 2)
    assert kept.names == Counter({"ostrava": 2, "council": 1}) and new.names == Counter({"velmora": 2, "crane": 1})
    assert new.words["en"] == Counter("pier crane collapse pier repairs weeks".split())
    assert (new.first, new.last, new.dated) == (T0, T0 + timedelta(minutes=2), T0 + timedelta(minutes=2))
    assert (kept.first, kept.last) == (T0 + timedelta(minutes=1), T0 + timedelta(minutes=3))
    assert c.next_key > cut.new and set(c.index.nearest(TWO_EVENTS[0].vector, 5)) == {key, cut.new}
    # each half is the story that joining its articles one by one would have built
    for half, idx in ((new, [0, 2]), (kept, [1, 3])):
        fresh = OnlineClusterer(_model(None))
        fresh.restore(half.key, [TWO_EVENTS[i] for i in idx], idx)
        again = fresh.stories[half.key]
        assert np.allclose(again.vec_sum, half.vec_sum) and again.names == half.names and again.words == half.words
        assert (again.first, again.last, again.dated) == (half.first, half.last, half.dated)
        assert [mem.ref for mem in again.members] == [mem.ref for mem in half.members] == idx
    # the halves are scored story to story as a merge check scores two stories, but with no time gap between them
    gap = FEATURES.index("gap_days")
    x, same = c._halves_rows(kept, new)
    assert x[0, gap] == 0.0 < c._story_rows(kept, [new])[0][0, gap]
    assert float(c.model.prob(x, same)[0]) == pytest.approx(cut.score)
    # a new article of the first event now joins the first event's story
    follow = c.add(_art([1, 0.01, 0.01], 4, "velmora"), ref=4)
    assert follow.story == cut.new and not follow.new

    # at or above the split threshold, the same story stays whole
    for below in (cut.score, 0.5):
        c = OnlineClusterer(_model(below))
        last = [c.add(f, ref=i) for i, f in enumerate(TWO_EVENTS)][-1]
        assert not last.splits and len(c.stories) == 1 and c.stories[last.story].size == SPLIT_MIN
    # and with no split step at all
    c = OnlineClusterer(_model(None))
    assert not [c.add(f) for f in TWO_EVENTS][-1].splits and len(c.stories) == 1


def test_a_story_of_one_event_does_not_split() -> None:
    """Four reports of one event: 2-means still cuts them in two, and the model scores the halves one story."""
    c = OnlineClusterer(_model(0.9))
    same = [_art([1, 0.02 * i, 0.01 * (i % 2)], i, "velmora") for i in range(SPLIT_MIN + 2)]
    ds = [c.add(f, ref=i) for i, f in enumerate(same)]
    assert len(c.stories) == 1 and not any(d.splits for d in ds) and c.stories[ds[0].story].size == len(same)


def test_the_stream_labels_follow_a_split() -> None:
    """``cluster_stream`` (the bench's path) gives each article the story it ends in: the moved articles too."""
    labels = cluster_stream(TWO_EVENTS, _model(0.9))
    assert labels[0] == labels[2] and labels[1] == labels[3] and labels[0] != labels[1]
    assert len(set(cluster_stream(TWO_EVENTS, _model(None)))) == 1


def test_a_story_that_no_longer_keeps_every_member_is_not_split() -> None:
    """Only a story that keeps every member (at most K) is checked: its halves can then be rebuilt exactly."""
    c = OnlineClusterer(_model(0.9), members=3)
    ds = [c.add(f, ref=i) for i, f in enumerate(TWO_EVENTS)]
    assert len(c.stories) == 1 and not ds[-1].splits and c.stories[ds[0].story].size == SPLIT_MIN


def test_the_split_threshold_is_kept_in_model_json_and_checked() -> None:
    model = _model(0.3)
    assert Model.from_json(json.loads(json.dumps(model.to_json()))).split_below == 0.3
    assert "split_below" not in _model(None).to_json() and Model.from_json(_model(None).to_json()).split_below is None
    for bad in (0, 1.5, "0.3", True):
        with pytest.raises(ValueError, match="split_below"):
            Model.from_json(model.to_json() | {"split_below": bad})
    shipped = load_model()
    assert shipped.split_below is None or 0 < shipped.split_below < 1


def _names_only() -> SplitModel:
    """A split model that reads only whether the halves share names (P = sigmoid(10 names - 5))."""
    return SplitModel(tuple(10.0 if f == "names" else 0.0 for f in FEATURES), -5.0,
                      tuple(10.0 if f == "names" else 0.0 for f in CROSS_FEATURES), -5.0)


def test_a_split_model_scores_the_halves_in_place_of_the_join_weights() -> None:
    """The two events' halves are close by their vectors, which is all the join weights read: under those, P of the
    halves is over 0.3 and the story stays whole. A split model that reads the names the halves share (none) scores
    them under 0.3 and the story splits, while the joins still follow the join weights (one story gathered all
    four articles first)."""
    c = OnlineClusterer(_model(0.3))
    assert not [c.add(f) for f in TWO_EVENTS][-1].splits and len(c.stories) == 1
    model = replace(_model(0.3), split_model=_names_only())
    c = OnlineClusterer(model)
    decisions = [c.add(f, ref=i) for i, f in enumerate(TWO_EVENTS)]
    assert [d.new for d in decisions] == [True, False, False, False]
    (cut,) = decisions[-1].splits
    assert sorted(cut.moved) == [0, 2]
    x, same = c._halves_rows(c.stories[cut.story], c.stories[cut.new])
    assert cut.score == pytest.approx(float(model.split_prob(x, same)[0]))
    assert cut.score < 0.3 < float(model.prob(x, same)[0])
    # without a split model, the halves are scored by the join weights
    assert float(_model(0.3).split_prob(x, same)[0]) == pytest.approx(float(model.prob(x, same)[0]))


def test_the_split_model_is_kept_in_model_json_and_checked() -> None:
    model = replace(_model(0.3), split_model=_names_only())
    back = Model.from_json(json.loads(json.dumps(model.to_json())))
    assert back.split_model == model.split_model and back.split_below == 0.3
    assert "split_model" not in _model(0.3).to_json() and Model.from_json(_model(0.3).to_json()).split_model is None
    good = model.to_json()["split_model"]
    for bad in (3, {"coef": good["coef"]}, good | {"coef": good["coef"][:-1]}, good | {"cross_coef": ["x"] * 5}):
        with pytest.raises(ValueError, match="split_model"):
            Model.from_json(model.to_json() | {"split_model": bad})
    shipped = load_model()
    assert shipped.split_model is None or shipped.split_below is not None


# --- in the store ---------------------------------------------------------------------------------------------


def _split_happy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest with models under which every article joins its nearest story (P = 0.5 for every candidate) and every
    story of SPLIT_MIN or more that 2-means cuts in two splits (P of its halves 0.5, under 0.6): splits on the
    bundled stream, in both layers."""
    ingest_module = importlib.import_module("factdiff.stories.ingest")
    flat = Model((0.0,) * len(FEATURES), 0.0, 0.1, None, split_below=0.6)
    monkeypatch.setattr(ingest_module, "load_model", lambda: flat)
    monkeypatch.setattr(ingest_module, "load_topic_model", lambda: flat)


def _stored(store: Any) -> dict[str, Any]:
    with store.session() as s:
        members = sorted(s.execute(select(m.Article.ext_id, m.Membership.story_id)
                                   .join(m.Membership, m.Membership.article_id == m.Article.id)).all())
        topics = sorted(s.execute(select(m.Article.ext_id, m.Article.topic_id)).all())
        audit = [(a.action, a.story_id, a.other_id) for a in s.scalars(select(m.Audit).order_by(m.Audit.id))]
        rows = {r.id: (r.size, r.merged_into) for r in s.scalars(select(m.Story))}
    return {"members": members, "topics": topics, "audit": audit, "rows": rows}


def test_the_store_follows_a_split_and_a_restart_restores_the_halves(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Each split is stored: a story row for the new half, the moved articles' memberships (topics) moved, an audit
    entry; the stored groups are those of the clusterer run over the same stream in memory; the stories' sizes
    match their members, a story left with one article has no report, one of two or more has one. Ingested in four
    parts, each loading the clustering state from the database, the store ends the same as one ingest."""
    _split_happy(monkeypatch)
    from factdiff.stories import article_features, read_stream
    from factdiff.stories.ingest import _order

    ingest_module = importlib.import_module("factdiff.stories.ingest")
    docs = _order(read_stream([STREAM])[0])
    for d in docs:
        d.language = ingest_module._language(d)  # as ingest does before the features
    feats = article_features(docs)
    expect_story = cluster_stream(feats, ingest_module.load_model())
    expect_topic = cluster_stream(feats, ingest_module.load_topic_model())

    def groups(pairs: list[tuple[str, int]]) -> set[frozenset[str]]:
        by: dict[int, set[str]] = {}
        for ext, sid in pairs:
            by.setdefault(sid, set()).add(ext)
        return {frozenset(g) for g in by.values()}

    def grouped(labels: list[int]) -> set[frozenset[str]]:
        return groups([(d.id, k) for d, k in zip(docs, labels, strict=True)])

    with open_store(f"sqlite:///{tmp_path / 'whole.db'}") as store:
        result = ingest([STREAM], store=store, batch_size=5, compare_options={"nli": False})
        assert result.splits >= 1
        whole = _stored(store)
        assert groups(whole["members"]) == grouped(expect_story)
        assert groups(whole["topics"]) == grouped(expect_topic)
        splits = [a for a in whole["audit"] if a[0] == "split"]
        assert len(splits) == result.splits and any(a[0] == "topic-split" for a in whole["audit"])
        sizes = Counter(sid for _, sid in whole["members"])
        assert all(kept in whole["rows"] and new in whole["rows"] for _, kept, new in splits)
        live = {sid: size for sid, (size, merged_into) in whole["rows"].items() if merged_into is None and size}
        assert live == dict(sizes)
        listed = list_stories(store=store)["stories"]
        assert {s["id"]: len(s["articles"]) for s in listed} == dict(sizes)
        with store.session() as s:
            reported = set(s.scalars(select(m.Report.story_id)))
        assert reported == {sid for sid, n in sizes.items() if n >= 2}
        # each story is titled by its earliest article, a split's halves too
        with store.session() as s:
            firsts = {}
            for sid, title in s.execute(select(m.Membership.story_id, m.Article.title)
                                        .join(m.Article, m.Article.id == m.Membership.article_id)
                                        .order_by(m.Article.stream_time.desc(), m.Article.id.desc())):
                firsts[sid] = title
            titles = {r.id: r.title for r in s.scalars(select(m.Story).where(m.Story.id.in_(sizes)))}
        assert titles == firsts

    lines = STREAM.read_text(encoding="utf-8").splitlines()
    url = f"sqlite:///{tmp_path / 'parts.db'}"
    for k, (a, b) in enumerate([(0, 4), (4, 7), (7, 10), (10, 12)]):
        part = tmp_path / f"part{k}.jsonl"
        part.write_text("\n".join(lines[a:b]) + "\n", encoding="utf-8")
        with open_store(url) as store:  # a fresh process: the clustering state loaded from the database
            ingest([part], store=store, batch_size=5, compare_options={"nli": False})
    with open_store(url) as store:
        parts = _stored(store)
    assert parts["members"] == whole["members"] and parts["topics"] == whole["topics"]
    assert parts["audit"] == whole["audit"] and parts["rows"] == whole["rows"]


def test_a_merged_story_leaves_no_report_parts_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stories cross-checked, then merged: the absorbed story's report, claims, relations and entities go with it
    (search over claims must not lead to a story that no longer exists); the kept story is cross-checked again."""
    ingest_module = importlib.import_module("factdiff.stories.ingest")
    # an article joins a story it is close to (P = sigmoid(10 cos_centroid - 5) over 0.5); first no merge step, then
    # one under which a story merges with any other candidate after a join (P over 0.01 story to story)
    coef = tuple(10.0 if f == "cos_centroid" else 0.0 for f in FEATURES)
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    first.write_text("\n".join(lines[:9]) + "\n", encoding="utf-8")
    rest.write_text("\n".join(lines[9:]) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'm.db'}"
    for path, merge in ((first, None), (rest, 0.01)):
        model = Model(coef, -5.0, 0.5, merge)
        monkeypatch.setattr(ingest_module, "load_model", lambda model=model: model)
        with open_store(url) as store:  # each part loads the clustering state with its model
            result = ingest([path], store=store, batch_size=20, compare_options={"nli": False})
            with store.session() as s:
                reported = set(s.scalars(select(m.Claim.story_id)))
    with open_store(url) as store, store.session() as s:
        assert result.merges >= 1
        merged = set(s.scalars(select(m.Story.id).where(m.Story.merged_into.is_not(None))))
        live = set(s.scalars(select(m.Story.id).where(m.Story.merged_into.is_(None))))
        for table in (m.Report, m.Claim, m.Relation, m.Entity):
            assert not set(s.scalars(select(table.story_id))) & merged, table.__tablename__
        assert reported & live  # the stories left are cross-checked
