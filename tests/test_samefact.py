"""The same-fact pair model on pairs we wrote: paraphrases across languages outrank unrelated claims."""

from __future__ import annotations

import numpy as np
import pytest

from factdiff.doc import Claim, Document
from factdiff.pipeline import pair_tensors, prepare
from factdiff.samefact import ENCODERS, FEATURES, SameFactModel, load_model


def _prepared(a: list[str], b: list[str], lang_b: str = "fr"):
    docs = [Document("a", "a.txt", " ".join(a), language="en"), Document("b", "b.txt", " ".join(b), language=lang_b)]
    return prepare(docs, entities=False)


def test_translated_paraphrase_is_the_best_counterpart():
    prep = _prepared(
        ["The ferry sank off the northern coast on Tuesday night.",
         "All eleven crew members were rescued by a fishing boat.",
         "The harbour authority opened an inquiry into the accident."],
        ["Une enquête a été ouverte par l'autorité portuaire.",
         "Les onze membres d'équipage ont tous été sauvés par un chalutier.",
         "Le ferry a coulé mardi soir au large de la côte nord."],
    )
    (key, tensor), = pair_tensors(prep).items()
    p = load_model("use").probability(tensor)
    assert tensor.shape == (3, 3, len(FEATURES))
    assert np.all((p >= 0) & (p <= 1))
    # each English claim's most probable counterpart is its translation
    assert list(np.argmax(p, axis=1)) == [2, 1, 0]
    assert p[0, 2] > 0.3 and p[0, 1] < p[0, 2]


def test_one_sentence_articles_are_not_all_the_same_fact():
    """With one claim on each side every cosine is its own best neighbour; the margin still tells
    a paraphrase from an unrelated sentence."""
    model = load_model("use")
    same = pair_tensors(_prepared(["The museum reopened on Monday after two years of repairs."],
                                  ["Le musée a rouvert lundi après deux ans de travaux."]))
    other = pair_tensors(_prepared(["The museum reopened on Monday after two years of repairs."],
                                   ["Le gouvernement a présenté son budget pour l'agriculture."]))
    p_same = float(model.probability(next(iter(same.values())))[0, 0])
    p_other = float(model.probability(next(iter(other.values())))[0, 0])
    assert p_same > 0.3 > p_other


def test_shipped_models_match_the_features():
    for enc in ENCODERS:
        model = load_model(enc)
        assert model.weights.shape == (len(FEATURES),)
        assert model.meta["encoders"] == enc and "out_of_fold" in model.meta


def test_a_model_fitted_on_other_features_is_refused():
    data = load_model("use").to_json()
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="refit"):
        SameFactModel.from_json(data)


def test_unknown_encoders_are_refused():
    with pytest.raises(ValueError, match="unknown encoders"):
        load_model("bert")


def test_claims_are_plain_claims():
    c = Claim("a:0.0", "a", 0, 0, 4, "Test", "en")
    assert c.span.doc == "a"


def test_figures_and_dates_are_shared_however_each_language_writes_them():
    """A figure in words meets the same figure in digits, a duration in minutes the same one in hours: the
    ``measured``/``figures``/``dates`` features read the language modules' cues, not the characters."""
    prep = _prepared(
        ["Nine people died when the bridge collapsed on Friday.",
         "The rescue lasted two and a half hours.",
         "Twelve people were injured."],
        ["Neuf personnes sont mortes vendredi dans l'effondrement du pont.",
         "Les secours ont duré 150 minutes.",
         "Quatorze personnes ont été blessées."],
    )
    (_key, t), = pair_tensors(prep).items()
    col = {name: k for k, name in enumerate(FEATURES)}
    assert t[0, 0, col["figures"]] == 1 and t[0, 0, col["measured"]] == 1 and t[0, 0, col["dates"]] == 1
    assert t[0, 0, col["numbers"]] == 0  # no digits in common: the old feature could not see it
    assert t[1, 1, col["figures"]] == 1 and t[1, 1, col["measured"]] == 1
    assert t[2, 2, col["measured"]] == 1 and t[2, 2, col["figures"]] == 0  # 12 vs 14 injured: same thing, other value
    assert t[0, 2, col["measured"]] == 0 and t[1, 0, col["dates"]] == 0
    p = load_model("use").probability(t)
    assert list(np.argmax(p, axis=1)) == [0, 1, 2]


def test_the_close_pair_term_lifts_cross_lingual_pairs_only():
    import dataclasses

    import numpy as np

    from factdiff import samefact

    model = dataclasses.replace(samefact.load_model("use"), close=(0.7, 50.0))
    plain = dataclasses.replace(model, close=None)
    col = {name: k for k, name in enumerate(samefact.FEATURES)}
    x = np.zeros((2, 3, len(samefact.FEATURES)))
    x[..., col["bias"]] = 1.0
    x[..., col["cos_use"]] = [[0.5, 0.8, 0.9], [0.5, 0.8, 0.9]]
    x[1, :, col["same_language"]] = 1.0
    p, q = model.probability(x), plain.probability(x)
    assert p.shape == (2, 3)
    assert np.allclose(p[:, 0], q[:, 0])  # under the knot: unchanged
    assert (p[0, 1:] > q[0, 1:]).all() and p[0, 2] > p[0, 1]  # across languages, above it: lifted, monotone
    assert np.allclose(p[1], q[1])  # within one language: unchanged
    # JSON round trip, with and without the term
    for m in (model, plain):
        back = samefact.SameFactModel.from_json(m.to_json())
        assert back.close == m.close and np.allclose(back.probability(x), m.probability(x))
