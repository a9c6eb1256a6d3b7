"""Cross-document entities on sentences written for these tests (no seed text)."""

from __future__ import annotations

import pytest

from factdiff.doc import Document, Entity, Span
from factdiff.entities import EntityAnnotation, annotate, load_model


@pytest.fixture(scope="module", autouse=True)
def _models() -> None:
    """Load spaCy once for the module (annotate caches models per process)."""
    load_model("en")
    load_model("fr")


def _ann(*texts: str, lang: str = "en") -> EntityAnnotation:
    docs = []
    for i, t in enumerate(texts):
        language = lang
        if t.startswith("fr:"):
            t, language = t[3:], "fr"
        docs.append(Document(id=f"d{i}", source=f"d{i}.txt", text=t, language=language))
    return annotate(docs)


def _entity_with(ann: EntityAnnotation, text: str) -> Entity:
    hits = [e for e in ann.entities if any(m.text == text for m in e.mentions)]
    assert len(hits) == 1, f"{text!r} in {len(hits)} entities: {[e.name for e in ann.entities]}"
    return hits[0]


def _texts(e: Entity) -> set[str]:
    return {m.text for m in e.mentions}


def test_transliteration_variants_merge_across_documents() -> None:
    ann = _ann("Ukrainian President Volodymyr Zelensky visited a hospital in Lviv on Monday.",
               "Vladimir Zelensky thanked the doctors. Later, Zelensky flew back to the capital.")
    e = _entity_with(ann, "Volodymyr Zelensky")
    assert {"Volodymyr Zelensky", "Vladimir Zelensky", "Zelensky"} <= _texts(e)
    assert e.type == "PERSON"


def test_apostrophe_variants_and_surname() -> None:
    ann = _ann("Housing Minister Ze\u2019ev Gorin opened the new bridge on Sunday.",
               "The bridge was opened by Zeev Gorin, who called it overdue. Gorin did not take questions.")
    e = _entity_with(ann, "Zeev Gorin")
    assert {"Ze\u2019ev Gorin", "Zeev Gorin", "Gorin"} <= _texts(e)


def test_same_first_name_never_merges_two_people() -> None:
    ann = _ann("Vladimir Putin spoke by phone with Vladimir Zelensky for the first time in a year.",
               "Putin later said that Zelensky had been polite.")
    putin, zel = _entity_with(ann, "Vladimir Putin"), _entity_with(ann, "Vladimir Zelensky")
    assert putin.id != zel.id
    assert "Putin" in _texts(putin) and "Zelensky" in _texts(zel)


def test_spelling_variants_one_letter_and_french() -> None:
    ann = _ann("Prime Minister Naftali Bennett arrived in Paris on Tuesday.",
               "Mr. Bennet met students at the Sorbonne before his flight.",
               "fr:Le président russe Vladimir Poutine a reçu Naftali Bennett au Kremlin samedi.")
    b = _entity_with(ann, "Naftali Bennett")
    assert "Bennet" in _texts(b)
    assert len({m.doc for m in b.mentions}) == 3
    putin = _entity_with(ann, "Vladimir Poutine")
    assert putin.type == "PERSON"


def test_titles_resolve_within_the_right_country() -> None:
    ann = _ann("French President Emmanuel Macron and Russian President Vladimir Putin spoke for an hour.",
               "Talks in Vienna ended late. The Russian president left without a statement.")
    putin = _entity_with(ann, "Vladimir Putin")
    assert "The Russian president" in _texts(putin)
    macron = _entity_with(ann, "Emmanuel Macron")
    assert "The Russian president" not in _texts(macron)


def test_unique_title_resolves_and_head_of_government() -> None:
    ann = _ann("German Chancellor Olaf Scholz hosted the summit in Berlin.",
               "The chancellor said the talks were useful. The head of the German government then left.")
    e = _entity_with(ann, "Olaf Scholz")
    assert {"The chancellor", "The head of the German government"} <= _texts(e)


def test_metonymy_maps_places_and_leaders_to_one_actor() -> None:
    ann = _ann("Ukrainian President Volodymyr Zelensky spoke with Israeli Prime Minister Naftali Bennett.",
               "Kyiv wants help from Jerusalem, while the Kremlin and Moscow's diplomats wait. "
               "Ukraine and the Jewish state have close ties. Reporter Dana Kerem covered the story.")
    act = {m.text: ann.actor_of(e.id) for e in ann.entities for m in e.mentions}
    assert act["Volodymyr Zelensky"] == act["Kyiv"] == act["Ukraine"] == "UKR"
    assert act["Naftali Bennett"] == act["Jerusalem"] == act["Jewish state"] == "ISR"
    assert act["Kremlin"] == act["Moscow"] == "RUS"
    kerem = _entity_with(ann, "Dana Kerem")
    assert ann.actor_of(kerem.id) == kerem.id  # not a leader: stands for herself
    # places stay distinct referents: Kyiv (city) is not Ukraine (country)
    assert _entity_with(ann, "Kyiv").id != _entity_with(ann, "Ukraine").id


def test_offsets_and_entities_in() -> None:
    texts = ["Prime Minister Naftali Bennett met Vladimir Putin in Sochi.", "Putin's aides were silent."]
    ann = _ann(*texts)
    for e in ann.entities:
        for m in e.mentions:
            assert texts[int(m.doc[1:])][m.start:m.end] == m.text
    putin = _entity_with(ann, "Vladimir Putin")
    assert "Putin" in _texts(putin)  # possessive stripped
    ids = ann.entities_in(Span("d0", 0, 30))
    assert _entity_with(ann, "Naftali Bennett").id in ids and putin.id not in ids
    assert putin.id in ann.entities_in(Span("d1", 0, 5))
    assert set(ann.parsed) == {"d0", "d1"}


def test_other_language_falls_back_to_capitalised_spans() -> None:
    ann = _ann("Gestern traf Olaf Scholz in Warschau den Premier.", "Scholz sprach danach mit Journalisten.",
               lang="de")
    e = _entity_with(ann, "Olaf Scholz")
    assert "Scholz" in _texts(e)


def test_arabic_transliteration_variants() -> None:
    ann = _ann("Libyan leader Muammar al-Qaddafi addressed supporters in Tripoli.",
               "Gadhafi promised to fight on, a spokesman said.")
    e = _entity_with(ann, "Muammar al-Qaddafi")
    assert "Gadhafi" in _texts(e)


def test_titles_after_of_possessive_and_trailing_apposition() -> None:
    ann = _ann("The president of Ukraine, Volodymyr Zelensky, spoke first. Israel's prime minister "
               "Naftali Bennett listened. Vladimir Putin, the Russian president, left early.")
    act = {e.name: ann.actor_of(e.id) for e in ann.entities}
    assert act["Volodymyr Zelensky"] == "UKR"
    assert act["Naftali Bennett"] == "ISR"
    assert act["Vladimir Putin"] == "RUS"
    assert "the Russian president" in _texts(_entity_with(ann, "Vladimir Putin"))


def test_acronym_prefix_and_corporate_suffix() -> None:
    ann = _ann("The UN General Assembly voted on Tuesday. Shares of Nordhavn Shipping Ltd fell.",
               "The United Nations General Assembly adopted the text. Nordhavn Shipping said nothing.")
    assert "United Nations General Assembly" in _texts(_entity_with(ann, "UN General Assembly"))
    assert "Nordhavn Shipping" in _texts(_entity_with(ann, "Nordhavn Shipping Ltd"))


# ---------------------------------------------------------------------------------------------
# languages without a spaCy model (sentences written for these tests)

def _docs(*pairs: tuple[str, str]) -> EntityAnnotation:
    return annotate([Document(id=f"d{i}", source=f"d{i}.txt", text=t, language=lang)
                     for i, (lang, t) in enumerate(pairs)])


def _names(ann: EntityAnnotation) -> set[str]:
    return {m.text for e in ann.entities for m in e.mentions}


def test_german_fallback_drops_articles_nouns_and_titles() -> None:
    ann = _docs(("de", "Die Polizei sperrte am Morgen den Bahnhof. Nach Angaben der Behörden sprach "
                       "Kanzlerin Maria Kowalczyk mit Botschafter Pjotr Saizew in Genf."),
                ("de", "Die Ermittlungen dauern an. Saizew reiste danach ab."))
    names = _names(ann)
    assert {"Die", "Polizei", "Angaben", "Die Polizei", "Nach Angaben"}.isdisjoint(names)
    assert "Maria Kowalczyk" in names and "Pjotr Saizew" in names
    assert "Saizew" in _texts(_entity_with(ann, "Pjotr Saizew"))
    assert _entity_with(ann, "Maria Kowalczyk").type == "PERSON"
    assert _entity_with(ann, "Genf").type == "GPE"


def test_spanish_and_italian_sentence_starts_are_not_names() -> None:
    ann = _docs(("es", "Tenemos miedo, dijo un vecino. La ciudad de Valladolid quedó sin luz. El alcalde "
                       "Tomás Ibarrola pidió calma."),
                ("it", "Vogliamo risposte. Il sindaco Tomás Ibarrola ha parlato a Valladolid."))
    names = _names(ann)
    assert {"Tenemos", "La", "El", "Vogliamo", "Il"}.isdisjoint(names)
    e = _entity_with(ann, "Tomás Ibarrola")
    assert {m.doc for m in e.mentions} == {"d0", "d1"}


def test_organisations_and_facilities_typed_by_cue_words() -> None:
    ann = _docs(("es", "Los pasajeros esperaban en el Aeropuerto Internacional Rosales. Un portavoz del "
                       "Ministerio de Transportes confirmó el retraso."),
                ("de", "Ein Sprecher der Partei Neue Mitte und die Universität Hollenbach widersprachen."))
    types = {e.name: e.type for e in ann.entities}
    assert types.get("Aeropuerto Internacional Rosales") == "FAC"
    assert types.get("Ministerio de Transportes") == "ORG"
    assert types.get("Universität Hollenbach") == "ORG"
    assert "PERSON" not in {types.get(n) for n in ("Aeropuerto Internacional Rosales", "Ministerio de Transportes")}


def test_fallback_types_are_stable_between_runs() -> None:
    pairs = (("pt", "O ministro Rui Tavares visitou Lisboa. A Universidade de Évora respondeu."),
             ("nl", "Minister Rui Tavares bezocht Lissabon."))
    first = sorted((e.name, e.type) for e in _docs(*pairs).entities)
    second = sorted((e.name, e.type) for e in _docs(*pairs).entities)
    assert first == second


def test_turkish_case_suffixes_and_exonyms_group() -> None:
    ann = _docs(("tr", "Deprem Ankara'da da hissedildi. Vali Kemal Aydoğdu açıklama yaptı."),
                ("en", "The quake was also felt in Ankara, governor Kemal Aydogdu said."),
                ("de", "Der Gouverneur Kemal Aydoğdu sprach in Genf, nicht in Geneva."))
    assert "Ankara" in _texts(_entity_with(ann, "Ankara"))
    assert not any(m.text.startswith("Ankara'") for e in ann.entities for m in e.mentions)
    e = _entity_with(ann, "Kemal Aydogdu")
    assert "Kemal Aydoğdu" in _texts(e)
    assert "Geneva" in _texts(_entity_with(ann, "Genf"))


def test_german_inflected_surname_and_exonym_join_the_person() -> None:
    ann = _docs(("en", "President Boris Tarasov met reporters in Warsaw."),
                ("de", "Präsident Boris Tarassow traf Journalisten. Tarassows Sprecher schwieg."))
    e = _entity_with(ann, "Boris Tarasov")
    assert "Boris Tarassow" in _texts(e)


def test_two_people_sharing_a_first_name_stay_apart() -> None:
    ann = _docs(("es", "Ayer hablaron Carlos Menéndez y Carlos Urrutia en Sevilla."),
                ("it", "Carlos Menéndez ha risposto a Carlos Urrutia."))
    assert _entity_with(ann, "Carlos Menéndez") is not _entity_with(ann, "Carlos Urrutia")


def test_middle_initial_and_generational_suffix() -> None:
    ann = _ann("Special counsel Robert S. Mueller III filed the report.", "Robert Mueller declined to comment.")
    assert "Robert Mueller" in _texts(_entity_with(ann, "Robert S. Mueller III"))


def test_acronym_defined_in_parentheses_and_honorific_forms() -> None:
    ann = _docs(("en", "The Civic Renewal Party (CRP) won ten seats, Mr Ahmed Selby said."),
                ("it", "Il Partito del rinnovamento civico (Crp) ha vinto. Il Crp governerà."),
                ("en", "CRP leader Ahmed Selby spoke. Later Mr Selby left."))
    e = _entity_with(ann, "CRP")
    assert "Civic Renewal Party (CRP)" in _texts(e)
    assert "Partito del rinnovamento civico (Crp)" in _texts(e)
    p = _entity_with(ann, "Ahmed Selby")
    assert {"Mr Ahmed Selby", "Mr Selby"} <= _texts(p)


def test_undetermined_language_is_guessed_from_stop_words() -> None:
    from factdiff.entities import guess_language

    assert guess_language("De reizigers hoeven zich geen zorgen te maken, meldt het bedrijf. Zij krijgen "
                          "hun geld terug van de organisatie.") == "nl"
    assert guess_language("12 345") == "und"


def test_place_inside_a_longer_name_is_its_own_mention() -> None:
    ann = _docs(("it", "I visitatori hanno lasciato il Museo di Lipsia ieri sera."),
                ("en", "Visitors left the museum in Leipzig on Tuesday."))
    city = _entity_with(ann, "Leipzig")
    assert "Lipsia" in _texts(city)
    assert "Museo di Lipsia" not in _texts(city)


def test_lowercase_kind_words_make_facility_names_that_group_across_languages() -> None:
    ann = _docs(("en", "Trains stopped at the Poznan central station on Friday."),
                ("it", "I treni si sono fermati alla stazione di Poznan venerdì."),
                ("es", "Los trenes pararon en la estación de Poznan el viernes."))
    e = _entity_with(ann, "Poznan central station")
    assert {"stazione di Poznan", "estación de Poznan"} <= _texts(e)
    assert e.type == "FAC"


def test_translated_institution_names_group_but_different_ones_stay_apart() -> None:
    ann = _docs(("en", "The Federal Court of Appeals rejected the request, the National Assembly said."),
                ("pt", "O Tribunal Federal de Apelações rejeitou o pedido. A Agência Nacional protestou."),
                ("it", "La Corte federale d'appello ha respinto la richiesta."))
    court = _entity_with(ann, "Federal Court of Appeals")
    assert "National Assembly" not in _texts(court)
    assembly = _entity_with(ann, "National Assembly")
    assert "Agência Nacional" not in _texts(assembly)


def test_university_name_and_its_translation_group() -> None:
    ann = _docs(("en", "Students of the Federal University of Ribeira gathered outside."),
                ("pt", "Alunos da Universidade Federal de Ribeira se reuniram do lado de fora."))
    assert "Universidade Federal de Ribeira" in _texts(_entity_with(ann, "Federal University of Ribeira"))


def test_a_city_does_not_join_the_club_named_after_it() -> None:
    ann = _docs(("en", "The striker joined Bayer Leverkusen in 2019 after two seasons in Madrid."),
                ("de", "Der Stürmer wechselte 2019 nach Leverkusen, wie Bayer Leverkusen mitteilte."))
    club = _entity_with(ann, "Bayer Leverkusen")
    assert "Leverkusen" not in _texts(club)


def test_clipped_club_name_joins_the_full_name() -> None:
    ann = _docs(("de", "Die Fans von Sampdoria Genua feierten den Titel."),
                ("de", "Danach zogen die Anhänger von Samp durch die Stadt."))
    assert "Samp" in _texts(_entity_with(ann, "Sampdoria Genua"))


def test_acronym_of_a_company_ignores_its_legal_suffix() -> None:
    ann = _ann("Northwind Marine Systems Ltd. built the hull.", "A spokesman for NMS said the hull held.")
    assert any(t.startswith("Northwind Marine Systems") for t in _texts(_entity_with(ann, "NMS")))


def test_parenthesised_name_in_the_local_language_is_an_alias() -> None:
    ann = _ann("Crowds filled Market Square (Rynek) on Sunday, and Kraków (Poland) was calm.")
    square = _entity_with(ann, "Market Square (Rynek)")
    assert "Rynek" in _texts(square)
    assert all("Poland" not in t for t in _texts(_entity_with(ann, "Kraków")) if t != "Kraków")


def test_person_with_party_acronym_does_not_merge_two_people() -> None:
    ann = _docs(("es", "Votaron en contra Lucía Ferrándiz (PSR) y Tomás Aldecoa (PSR) ayer."),
                ("es", "El PSR criticó la decisión."))
    assert _entity_with(ann, "Lucía Ferrándiz") is not _entity_with(ann, "Tomás Aldecoa")


def test_italian_capitalised_institution_with_adjective() -> None:
    ann = _docs(("it", "Il voto del Parlamento europeo è atteso per martedì."),
                ("en", "The European Parliament will vote on Tuesday."))
    assert "Parlamento europeo" in _texts(_entity_with(ann, "European Parliament"))


def test_name_after_a_known_surname_is_split() -> None:
    ann = _docs(("en", "President Arkady Volkov met reporters. His spokesman Timur Belov spoke later."),
                ("it", "Lo ha detto il portavoce di Volkov Timur Belov ai giornalisti."))
    assert "Timur Belov" in _texts(_entity_with(ann, "Timur Belov"))
    assert "Volkov Timur Belov" not in _names(ann)


@pytest.mark.parametrize("lang", ["de", "tr", "es", "xx", "und"])
def test_odd_text_in_fallback_languages_never_raises(lang: str) -> None:
    odd = ["", "(((", "A (B)", "ÀÉÎ (ÕÜ) ’s ’’ -- — «»", "Der Die Das (DDD) (Ab) Mr Mr Mr", "Frau",
           "\n\n(XYZ)\n", "İstanbul’da (KAB-2) x " * 3]
    for text in odd:
        ann = _docs((lang, text), (lang, text[::-1]))
        assert all(e.mentions for e in ann.entities)


def test_parser_loads_from_two_threads_share_one_pipeline() -> None:
    import threading

    from factdiff import entities

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(entities.load_model("en"))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 3 and all(g is got[0] for g in got)  # one pipeline, loaded once
    assert entities.load_model("en") is got[0]
    doc = got[0]("The mayor opened the bridge on Monday.")  # type: ignore[operator]
    assert [t.dep_ for t in doc if t.text == "mayor"] == ["nsubj"]


def test_a_day_or_a_month_alone_is_not_a_name_in_fallback_languages() -> None:
    ann = _docs(("it", "Lunedì il ministro Carlo Deriu ha incontrato i sindacati a Bologna."),
                ("es", "Según la prensa, Martes Abril Ferrán llegó a Sevilla. Martes: el ministro Carlo Deriu habló."))
    names = _names(ann)
    assert {"Lunedì", "Martes"}.isdisjoint(names)
    assert {"Carlo Deriu", "Bologna", "Sevilla"} <= names
    assert any("Abril Ferrán" in n for n in names)  # a name run that starts with a day is still a name
    assert {m.doc for m in _entity_with(ann, "Carlo Deriu").mentions} == {"d0", "d1"}


def test_a_lowercase_title_before_a_full_name_makes_a_person_in_fallback_languages() -> None:
    ann = _docs(("it", "Ieri il ministro Carlo Deriu ha incontrato i sindacati. Deriu ha promesso risposte."),
                ("nl", "De burgemeester Anna Vos sprak met de pers. Het Openbaar Ministerie onderzoekt de zaak."),
                ("es", "En Sevilla, la alcaldesa Marta Ribó pidió calma."))
    for name in ("Carlo Deriu", "Anna Vos", "Marta Ribó"):
        assert _entity_with(ann, name).type == "PERSON", name
    assert "Deriu" in _texts(_entity_with(ann, "Carlo Deriu"))
    assert _entity_with(ann, "Openbaar Ministerie").type == "ORG"  # no title before it: its cue word decides


def test_an_institution_takes_its_adjective_but_not_the_verb_after_it() -> None:
    ann = _docs(("es", "El presidente del Gobierno habló con el Partido socialista en Toledo."),
                ("it", "Il Consiglio europeo ha deciso; il Partito democratico parlò di riforme."))
    names = _names(ann)
    assert {"Partido socialista", "Consiglio europeo", "Partito democratico"} <= names
    assert not any(n.endswith(("habló", "parlò")) for n in names)
    assert "Gobierno" in names
