"""Headlines without their text: an article of a headline's size compares no words with a story (Model.min_words)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest

from factdiff.stories import ArticleFeatures, OnlineClusterer
from factdiff.stories.cluster import CROSS_FEATURES, FEATURES, HEADLINE_WORDS, Model, load_topic_model

T0 = datetime(2031, 5, 2)
# the story's first article: a text's worth of words (invented)
TEXT_WORDS = ("harbour ferry ran aground sandbank near lighthouse tuesday passengers evacuated lifeboats crew "
              "coastguard tugboat refloated hull inspection divers ministry inquiry captain").split()


def _art(vec: list[float], minute: int, words: list[str]) -> ArticleFeatures:
    v = np.asarray(vec, dtype=np.float32)
    return ArticleFeatures(v / np.linalg.norm(v), frozenset(), frozenset(words), "en", T0 + timedelta(minutes=minute))


def _model(min_words: int) -> Model:
    """Joins on shared words alone (the full model), never without them (the model for stories whose words do not
    compare): the vectors below are orthogonal, so only the words can tie the articles."""
    coef = tuple(20.0 if f == "words" else 0.0 for f in FEATURES)
    return Model(coef, -5.0, 0.5, None, cross_coef=tuple(0.0 for _ in CROSS_FEATURES), cross_intercept=-5.0,
                 min_words=min_words)


@pytest.mark.parametrize("min_words", [1, HEADLINE_WORDS])
def test_a_headline_compares_its_words_only_where_the_model_reads_headlines_so(min_words: int) -> None:
    c = OnlineClusterer(_model(min_words))
    first = c.add(_art([1, 0, 0], 0, TEXT_WORDS))
    headline = _art([0, 1, 0], 1, TEXT_WORDS[:6])  # six of the story's words, and nothing else
    assert len(headline.words) < HEADLINE_WORDS
    scored = c.score(headline)
    assert [k for k, _ in scored] == [first.story]  # the story was a candidate and was judged
    x, comparable = c._features_and_language(headline, [first.story])
    if min_words == 1:
        assert comparable.tolist() == [True] and x[0, FEATURES.index("words")] > 0.4
        assert scored[0][1] > 0.5 and c.add(headline).story == first.story
    else:
        assert comparable.tolist() == [False] and x[0, FEATURES.index("words")] == 0.0
        assert scored[0][1] < 0.5 and c.add(headline).story != first.story


def test_an_article_with_a_text_compares_its_words_under_either_reading() -> None:
    for min_words in (1, HEADLINE_WORDS):
        c = OnlineClusterer(_model(min_words))
        first = c.add(_art([1, 0, 0], 0, TEXT_WORDS))
        text = _art([0, 1, 0], 1, TEXT_WORDS[2:] + ["salvage", "owners"])
        assert len(text.words) >= HEADLINE_WORDS
        assert c.add(text).story == first.story


def test_min_words_is_kept_in_model_json_and_checked() -> None:
    model = _model(HEADLINE_WORDS)
    data = json.loads(json.dumps(model.to_json()))
    assert data["min_words"] == HEADLINE_WORDS
    assert Model.from_json(data).min_words == HEADLINE_WORDS
    assert "min_words" not in _model(1).to_json() and Model.from_json(_model(1).to_json()).min_words == 1
    for bad in (0, -3, 2.5, "15", True):
        with pytest.raises(ValueError, match="min_words"):
            Model.from_json({**data, "min_words": bad})


def test_the_shipped_topic_model_reads_headlines_without_words() -> None:
    """The topic layer was fitted so (bench/stories.py MIN_WORDS): its full model's word weights come from texts."""
    assert load_topic_model().min_words == HEADLINE_WORDS
