from datetime import date

import pytest

from newsgraph import Document, DocumentError
from newsgraph.nlp import Sentences, check_text, decode
from newsgraph.pipeline import first_line_title, parse_date

ARTICLE = """Rebels seize border town, army says

The army said on Tuesday that rebels had taken the town of Qusayr after two days of fighting.
Officials in the capital did not comment.

  • About 300 families have fled, aid workers said.
  • The government expects more fighting in the coming days.
"""


def test_paragraph_and_bullet_breaks_are_sentence_breaks(pipeline):
    doc = pipeline.nlp(ARTICLE)
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Rebels seize border town, army says"
    assert "• About 300 families have fled, aid workers said." in sents
    assert any(s.startswith("• The government expects") for s in sents)
    # the bullet stays with its sentence
    assert "•" not in sents


def test_hard_wrapped_lines_are_not_broken():
    from newsgraph import nlp

    text = ("The minister said the talks, which began in the capital last week and were meant\n"
            "to end on Friday, would go on for another month.")
    doc = nlp.load()(text)
    assert len(list(doc.sents)) == 1


def test_sentence_index_of_offsets(pipeline):
    doc = pipeline.nlp(ARTICLE)
    sents = Sentences(doc)
    assert sents.index(0) == 0
    assert sents.index(ARTICLE.index("Officials")) == sents.index(ARTICLE.index("Qusayr")) + 1


def test_analyze_fills_the_article(pipeline):
    rec = pipeline.analyze(ARTICLE, "2013-05-21", source="Example Wire")
    assert rec.article.published == "2013-05-21"
    assert rec.article.title == "Rebels seize border town, army says"
    assert rec.article.source == "Example Wire"
    assert rec.article.text == ARTICLE


def test_ids_are_unique_and_spans_point_into_the_text(pipeline):
    rec = pipeline.analyze(ARTICLE, "2013-05-21")
    ids = [it.id for it in rec.by_id().values()]
    total = sum(len(getattr(rec, k)) for k in ("entities", "places", "times", "quantities",
                                                "claims", "events"))
    assert len(set(ids)) == total
    for name in ("entities", "times", "quantities"):
        for it in getattr(rec, name):
            assert ARTICLE[it.start:it.end] == it.text, (name, it)


def test_batch_keeps_order_and_carries_on_after_bad_documents(pipeline):
    docs = [Document("", where="empty"),
            Document(ARTICLE, "2013-05-21", where="good-1"),
            Document(ARTICLE, "not a date", where="bad-date"),
            Document("Die Regierung hat am Montag die neuen Regeln für die Grenze und den "
                     "Handel mit den Nachbarn beschlossen, wie ein Sprecher der Behörde in "
                     "der Hauptstadt mitteilte. Die Opposition kritisierte das Vorgehen scharf "
                     "und kündigte Widerstand im Parlament an.", where="german"),
            Document(ARTICLE.replace("Qusayr", "Homs"), "2013-05-22", where="good-2")]
    results = list(pipeline.analyze_batch(docs))
    assert [type(r).__name__ for r in results] == [
        "DocumentError", "Record", "DocumentError", "DocumentError", "Record"]
    assert results[0].where == "empty" and "empty" in str(results[0])
    assert "YYYY-MM-DD" in str(results[2])
    assert "English" in str(results[3])
    assert results[4].article.published == "2013-05-22"


def test_analyze_raises_document_error(pipeline):
    with pytest.raises(DocumentError):
        pipeline.analyze("   \n ", "2024-01-01")


def test_parse_date_forms():
    assert parse_date("2024-10-31") == date(2024, 10, 31)
    assert parse_date("2024-10-31T08:15:00Z") == date(2024, 10, 31)
    assert parse_date(None) is None
    with pytest.raises(DocumentError):
        parse_date("31/10/2024")


def test_decode_refuses_binary_and_bad_utf8():
    assert decode("Grüße".encode("utf-8")) == "Grüße"
    assert decode("\ufeffhello".encode("utf-8")) == "hello"
    assert decode("hello".encode("utf-16")) == "hello"
    with pytest.raises(DocumentError, match="binary"):
        decode(bytes(range(256)) * 10)
    with pytest.raises(DocumentError, match="UTF-8"):
        decode("café".encode("latin-1"))
    with pytest.raises(DocumentError, match="empty"):
        decode(b"  \n")


def test_check_text_limits():
    with pytest.raises(DocumentError, match="too large"):
        check_text("word " * 100, max_chars=50)
    check_text("The troops said they would stay.", max_chars=1000)


def test_first_line_title():
    assert first_line_title("Headline here\n\nBody.") == "Headline here"
    assert first_line_title("A full sentence that ends.\nMore.") is None


def test_a_long_capitalised_headline_line_is_its_own_sentence(pipeline):
    text = ("Defence Minister Says The Army Would Hold The Line Near The Northern Border\n"
            "The minister spoke to reporters in the capital on Tuesday.")
    doc = pipeline.nlp(text)
    assert [s.text.strip() for s in doc.sents][0].endswith("Border")


# --- spaCy's memory zone: same records, no vocabulary growth ------------------------------------

def _novel_texts(tag: str) -> list[Document]:
    # made-up names and words, so that every batch brings strings the model has never seen
    return [Document(f"Colonel Zorvak{tag}{n} said on Monday that {n + 3} hundred Quellian{tag} "
                     f"fighters had left Brastovka{tag}{n} after shelling by Vantrel{tag} forces.",
                     "2024-03-0" + str(n % 9 + 1), source=f"Outlet {tag}")
            for n in range(6)]


def test_the_memory_zone_changes_no_record(pipeline):
    docs = _novel_texts("alpha")
    with_zone = [r.to_dict() for r in pipeline.analyze_batch(docs)]
    pipeline.memory_zone = False
    try:
        without = [r.to_dict() for r in pipeline.analyze_batch(docs)]
    finally:
        pipeline.memory_zone = True
    assert with_zone == without
    assert any(r["quantities"] for r in with_zone) and any(r["entities"] for r in with_zone)


def test_the_vocabulary_does_not_grow_across_batches(pipeline):
    strings = pipeline.nlp.vocab.strings
    before = len(strings)
    for tag in ("beta", "gamma", "delta"):
        results = list(pipeline.analyze_batch(_novel_texts(tag)))
        assert all(not isinstance(r, DocumentError) for r in results)
        assert len(strings) == before, tag
    assert "Zorvakbeta0" not in strings


def test_common_words_have_lexemes_before_any_zone(pipeline):
    # made once at load, so that memory zones do not make them again for every batch
    vocab = pipeline.nlp.vocab
    assert "soldiers" in vocab and "Soldiers" in vocab and len(vocab) > 50_000
