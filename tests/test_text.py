from factdiff.claims import document_claims
from factdiff.doc import Document
from factdiff.text import detect_language, mark_duplicates, normalise, sentences, split_sentences


def _texts(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_and_quotes_do_not_split():
    text = 'Mr. Lindqvist met Dr. Aalto at 9 a.m. in St. Petersburg. "It went well," he said. Then he left.'
    assert _texts(text) == [
        "Mr. Lindqvist met Dr. Aalto at 9 a.m. in St. Petersburg.",
        '"It went well," he said.',
        "Then he left.",
    ]


def test_plural_titles_do_not_split():
    text = "The governor trails Sens. Lena Voss (Ore.) and Paul Ritter (Ida.), polls show. Reps. Ames and Cole agreed."
    assert _texts(text) == ["The governor trails Sens. Lena Voss (Ore.) and Paul Ritter (Ida.), polls show.",
                            "Reps. Ames and Cole agreed."]


def test_glued_sentences_are_split():
    assert _texts("The council voted against it.In a statement, the mayor disagreed.") == [
        "The council voted against it.",
        "In a statement, the mayor disagreed.",
    ]


def test_chinese_and_japanese_full_stops_end_sentences():
    assert _texts("市议会周二批准了新预算。市长没有出席会议！ “我们会上诉。”他说。") == [
        "市议会周二批准了新预算。", "市长没有出席会议！", "“我们会上诉。”他说。"]
    assert _texts("市議会は火曜日に新しい予算を承認した。市長は出席しなかった。") == [
        "市議会は火曜日に新しい予算を承認した。", "市長は出席しなかった。"]


def test_offsets_point_into_raw_text():
    doc = Document("d", "d", "  First “quoted” line.\n\nSecond line here.  ")
    for s in sentences(doc):
        assert doc.text[s.start:s.end] == s.text
    assert normalise("“quoted” – text\u00a0here") == '"quoted" - text here'


def test_near_copies_are_marked_once():
    doc = Document("d", "d", (
        "The mayor has twice met the union leaders since the strike began last month.\n"
        "Buses stopped running on Monday.\n"
        "The mayor has twice met the union leaders since the strike began.\n"
        "Buses stopped running on Monday."
    ))
    sents = mark_duplicates(sentences(doc))
    assert [s.duplicate_of for s in sents] == [None, None, 0, 1]
    claims = document_claims(doc, sents)
    assert all(c.sentence in (0, 1) for c in claims)


def test_longer_later_sentence_is_not_a_duplicate():
    doc = Document("d", "d", (
        "Rescuers reached the village on Friday.\n"
        "Rescuers reached the village on Friday, and found forty people trapped in the school."
    ))
    assert [s.duplicate_of for s in mark_duplicates(sentences(doc))] == [None, None]


def test_claims_split_clauses_and_relative_clauses():
    doc = Document("d", "d", "The minister flew to Oslo after the summit, to have lunch with the king. "
                             "The mayor and her deputy, who speaks Finnish, both attended the ceremony.")
    texts = [c.text for c in document_claims(doc, sentences(doc))]
    assert "The minister flew to Oslo after the summit" in texts
    assert "to have lunch with the king." in texts
    assert "who speaks Finnish" in texts
    assert any(t.startswith("The mayor and her deputy") and "Finnish" not in t for t in texts)


def test_but_starts_a_new_claim_even_without_a_comma():
    doc = Document("d", "d", "Both ministers attended the funeral but skipped the reception that followed.")
    texts = [c.text for c in document_claims(doc, sentences(doc))]
    assert texts == ["Both ministers attended the funeral", "but skipped the reception that followed."]


def test_language_detection():
    assert detect_language("Le gouvernement a annoncé mardi une nouvelle réforme des retraites.") == "fr"
    assert detect_language("The government announced a new pension reform on Tuesday.") == "en"
    assert detect_language("ok") == "und"
    # Han characters without kana are Chinese, whatever the detector's first guess
    chinese = "一艘渡轮周一上午在岛屿海岸附近沉没。九名乘客遇难，另有十二人获救。船长周二被警方拘留。"
    assert detect_language(chinese) == "zh"
    assert detect_language("貨物船が月曜日の早朝に港の近くで座礁し、乗組員十二人は全員救助された。") == "ja"


def test_language_detection_without_the_model_downloader() -> None:
    import subprocess
    import sys

    code = ("import sys; from factdiff.text import detect_language; "
            "print(detect_language('The meeting lasted two hours and ended without a statement.'), "
            "'requests' in sys.modules, 'robust_downloader' in sys.modules); "
            "import robust_downloader; print(robust_downloader.__file__ is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["en", "False", "False", "True"]  # detected; the real downloader still importable after


def test_a_negated_or_adverbial_clause_after_but_stays_with_its_subject():
    """Cut off, "but not amend them" would be a fragment whose negation belongs to nobody; a clause with its own
    subject is still a claim of its own."""
    doc = Document("d", "d", "Under the rule the committee may debate the two bills but not amend them. "
                             "The minister confirmed the talks, but otherwise gave no details about the plan. "
                             "The minister confirmed the talks, but the opposition rejected the plan outright.")
    texts = [c.text for c in document_claims(doc, sentences(doc))]
    assert texts == ["Under the rule the committee may debate the two bills but not amend them.",
                     "The minister confirmed the talks, but otherwise gave no details about the plan.",
                     "The minister confirmed the talks", "but the opposition rejected the plan outright."]
