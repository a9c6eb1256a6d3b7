"""Who asked whom: role swaps across documents, on sentences written for these tests."""

from __future__ import annotations

import pytest

from factdiff.doc import Claim, Document
from factdiff.entities import EntityAnnotation, annotate, load_model
from factdiff.roles import check_roles


@pytest.fixture(scope="module", autouse=True)
def _models() -> None:
    """Load spaCy once for the module (annotate caches models per process)."""
    load_model("en")
    load_model("fr")


def _pair(a: str, b: str, lang_a: str = "en", lang_b: str = "en",
          context: str = "") -> tuple[Claim, Claim, EntityAnnotation]:
    """Two one-claim documents; ``context`` (prepended to the first) gives titles/nationalities."""
    text_a = context + a
    docs = [Document("a", "a.txt", text_a, language=lang_a), Document("b", "b.txt", b, language=lang_b)]
    ann = annotate(docs)
    ca = Claim("a1", "a", 0, len(context), len(text_a), a, lang_a)
    cb = Claim("b1", "b", 0, 0, len(b), b, lang_b)
    return ca, cb, ann


def test_active_vs_passive_is_not_a_contradiction() -> None:
    ca, cb, ann = _pair("Zelensky asked Bennett to mediate between the two sides.",
                        "Bennett was asked by Zelensky to mediate between the two sides.")
    assert check_roles(ca, cb, ann) is None


def test_swapped_asker_and_asked() -> None:
    ca, cb, ann = _pair("Zelensky asked Bennett to mediate between the two sides.",
                        "Bennett asked Zelensky to mediate between the two sides.")
    v = check_roles(ca, cb, ann)
    assert v is not None and v.label == "contradict" and v.kind == "roles" and v.source == "roles"
    assert "swapped" in v.explanation


def test_swap_through_metonymy_and_control_verb_chain() -> None:
    # A: Ukraine's president asked Israel's prime minister; B: Jerusalem (Israel) urged Kyiv (Ukraine)
    ctx = "Ukrainian President Volodymyr Zelensky phoned Israeli Prime Minister Naftali Bennett on Friday. "
    ca, cb, ann = _pair("Zelensky has asked Bennett to try to broker a ceasefire.",
                        "Jerusalem has repeatedly urged Kyiv to try to broker a ceasefire.", context=ctx)
    v = check_roles(ca, cb, ann)
    assert v is not None and v.kind == "roles"
    assert "Ukraine" in v.explanation and "Israel" in v.explanation


def test_same_roles_through_metonymy_agree() -> None:
    ctx = "Ukrainian President Volodymyr Zelensky phoned Israeli Prime Minister Naftali Bennett on Friday. "
    ca, cb, ann = _pair("Zelensky has asked Bennett to broker a ceasefire.",
                        "Kyiv has asked Jerusalem to broker a ceasefire.", context=ctx)
    assert check_roles(ca, cb, ann) is None


def test_french_claim_against_english_claim() -> None:
    ca, cb, ann = _pair("Volodymyr Zelensky a demandé à Naftali Bennett de jouer les médiateurs.",
                        "Naftali Bennett asked Volodymyr Zelensky to act as a mediator.", lang_a="fr")
    v = check_roles(ca, cb, ann)
    assert v is not None and v.kind == "roles"
    ca, cb, ann = _pair("Volodymyr Zelensky a demandé à Naftali Bennett de jouer les médiateurs.",
                        "Volodymyr Zelensky asked Naftali Bennett to act as a mediator.", lang_a="fr")
    assert check_roles(ca, cb, ann) is None


def test_french_passive_with_par() -> None:
    fr = "Naftali Bennett a été sollicité par Volodymyr Zelensky pour jouer les médiateurs."
    ca, cb, ann = _pair(fr, "Zelensky asked Bennett to mediate.", lang_a="fr")
    assert check_roles(ca, cb, ann) is None
    ca, cb, ann = _pair(fr, "Bennett asked Zelensky to mediate.", lang_a="fr")
    v = check_roles(ca, cb, ann)
    assert v is not None and v.kind == "roles"


def test_unnamed_participants_by_their_phrase() -> None:
    ca, cb, ann = _pair("The farmers' union asked the water board to open the sluices.",
                        "The water board asked the farmers' union to open the sluices.")
    v = check_roles(ca, cb, ann)
    assert v is not None and v.kind == "roles" and "water board" in v.explanation
    ca, cb, ann = _pair("Officials asked residents to leave the valley.",
                        "Residents were asked by officials to leave the valley.")
    assert check_roles(ca, cb, ann) is None


def test_no_roles_readable_gives_none() -> None:
    ca, cb, ann = _pair("The talks in the capital lasted three hours on Saturday.",
                        "The meeting went on for two and a half hours.")
    assert check_roles(ca, cb, ann) is None
    ca, cb, ann = _pair("He asked her to mediate.", "She asked him to mediate.")
    assert check_roles(ca, cb, ann) is None  # pronouns: unreadable, never a contradiction


def test_symmetric_action_is_not_a_swap() -> None:
    ca, cb, ann = _pair("Naftali Bennett met Vladimir Putin in Sochi.",
                        "Vladimir Putin met Naftali Bennett in Sochi.")
    assert check_roles(ca, cb, ann) is None


def test_negated_and_different_actions_are_left_alone() -> None:
    ca, cb, ann = _pair("Zelensky asked Bennett to mediate.", "Bennett did not ask Zelensky to mediate.")
    assert check_roles(ca, cb, ann) is None  # negation is the negation check's business
    ca, cb, ann = _pair("Zelensky thanked Bennett for his efforts.",
                        "Bennett praised Zelensky for his courage.")
    assert check_roles(ca, cb, ann) is None


def test_different_agent_for_same_action() -> None:
    ca, cb, ann = _pair("French President Emmanuel Macron called Olena Shevchuk on Friday evening.",
                        "German Chancellor Olaf Scholz called Olena Shevchuk on Friday evening.")
    v = check_roles(ca, cb, ann)
    assert v is not None and v.label == "contradict" and v.kind == "person"
    assert "France" in v.explanation and "Germany" in v.explanation
    # a law or a product is not a "different person"
    ca, cb, ann = _pair("Critics said the Democrats had raided Medicare.", "Critics said ObamaCare raided Medicare.")
    assert check_roles(ca, cb, ann) is None
    # both agents named on both sides: not "clearly different", just more detail
    ca, cb, ann = _pair("Emmanuel Macron called Olena Shevchuk on Friday.",
                        "Olaf Scholz called Olena Shevchuk on Friday, after Emmanuel Macron had.")
    assert check_roles(ca, cb, ann) is None
