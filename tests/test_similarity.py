"""factdiff.similarity on invented articles: bounds, symmetry, and paraphrase above unrelated."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from factdiff.doc import Document
from factdiff.similarity import ArticleProfile, build_profile, extract_names, extract_numbers, similarity

STORY = [
    "A footbridge over the Varna river in the town of Ostrel collapsed on Tuesday morning.",
    "Mayor Elin Dovgal said 14 people were taken to hospital and two remain in serious condition.",
    "The bridge, built in 1978, had been closed for repairs in March but reopened in May.",
    "Engineers from the regional transport agency will inspect the remaining structures.",
]
PARAPHRASE = [
    "On Tuesday morning a pedestrian bridge across the Varna river collapsed in Ostrel.",
    "Fourteen people were hospitalised, two of them seriously injured, according to mayor Elin Dovgal.",
    "The 1978 bridge was shut for repair work in March and opened again in May.",
    "The regional transport agency is sending engineers to check the other bridges.",
]
UNRELATED = [
    "The national chess championship ended in Lisbon on Sunday after eleven rounds.",
    "Grandmaster Tomas Reyes won with 8.5 points, half a point ahead of the defending champion.",
    "Organisers said a record 230 players took part in the open section this year.",
    "Next year's event will move to Porto, the federation announced.",
]


def _hash_vectors(texts: list[str], dim: int = 256) -> np.ndarray:
    """Bag-of-words hashing vectors: a model-free stand-in that makes shared words count."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in re.findall(r"\w+", t.lower()):
            out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % dim] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def _profile(doc_id: str, sents: list[str], vectors: np.ndarray, backend: str = "use") -> ArticleProfile:
    doc = Document(id=doc_id, source=doc_id, text=" ".join(sents), language="en")
    return build_profile(doc, sents, vectors, backend=backend)


def test_bounds_and_symmetry() -> None:
    a = _profile("a", STORY, _hash_vectors(STORY))
    b = _profile("b", PARAPHRASE, _hash_vectors(PARAPHRASE))
    c = _profile("c", UNRELATED, _hash_vectors(UNRELATED))
    for x, y in [(a, b), (a, c), (b, c), (a, a)]:
        s = similarity(x, y)
        assert 0.0 <= s <= 1.0
        assert s == pytest.approx(similarity(y, x), abs=1e-9)
    assert similarity(a, a) > similarity(a, b) > similarity(a, c)


def test_contradictions_lower_the_score_a_little() -> None:
    a = _profile("a", STORY, _hash_vectors(STORY))
    b = _profile("b", PARAPHRASE, _hash_vectors(PARAPHRASE))
    plain, disputed = similarity(a, b), similarity(a, b, contradictions=2)
    assert disputed < plain
    assert plain - disputed <= 0.1 + 1e-9


def test_empty_article_is_not_similar() -> None:
    a = _profile("a", STORY, _hash_vectors(STORY))
    empty = _profile("e", [], np.zeros((0, 256), dtype=np.float32))
    assert 0.0 <= similarity(a, empty) <= similarity(a, a)


def test_fallback_entities_and_numbers() -> None:
    names = extract_names(" ".join(STORY))
    assert any("elin dovgal" in n for n in names) and "ostrel" in names
    assert "the" not in names
    assert {"14", "1978"} <= extract_numbers(" ".join(STORY))


def test_given_entity_names_are_used() -> None:
    doc = Document(id="a", source="a", text=" ".join(STORY), language="en")
    p = build_profile(doc, STORY, _hash_vectors(STORY), entity_names={"Elin Dovgal", "Ostrel"})
    assert p.entities == {"elin dovgal", "ostrel"}


def test_real_embeddings_rank_paraphrase_above_unrelated() -> None:
    from factdiff.embed import EmbeddingError, get_embedder

    try:
        emb = get_embedder("use")
    except (EmbeddingError, ImportError) as exc:  # pragma: no cover - backend missing on this machine
        pytest.skip(f"USE backend not available: {exc}")
    a = _profile("a", STORY, emb.encode(STORY))
    b = _profile("b", PARAPHRASE, emb.encode(PARAPHRASE))
    c = _profile("c", UNRELATED, emb.encode(UNRELATED))
    assert similarity(a, b) > similarity(a, c) + 0.2


def test_headline_can_meet_the_other_body_and_gist_favours_the_lead() -> None:
    from factdiff.similarity import FEATURES, features

    story_vectors = _hash_vectors(STORY)
    # A stub page: an unhelpful body, but its headline says what the full report's body says.
    stub_doc = Document(id="s", source="s", text="Subscribe to our newsletter for more updates today.", language="en")
    stub = build_profile(
        stub_doc,
        ["Subscribe to our newsletter for more updates today."],
        _hash_vectors(["Subscribe to our newsletter for more updates today."]),
        title_vector=story_vectors.mean(axis=0) / np.linalg.norm(story_vectors.mean(axis=0)),
    )
    full = _profile("a", STORY, story_vectors)
    x = features(stub, full)
    i = FEATURES.index
    assert x[i("story_x")] >= x[i("story")]
    assert x[i("story_x")] > x[i("centroid")] + 0.3
    assert np.allclose(x, features(full, stub))
    # The gist leans on the first claims: the same claims in reverse order move it, the centroid not.
    reordered = _profile("r", STORY[::-1], story_vectors[::-1])
    y = features(full, reordered)
    assert y[i("centroid")] == pytest.approx(1.0, abs=1e-5)
    assert y[i("gist")] < 0.999
