import dataclasses
import json

from newsgraph import record as R
from conftest import ROOT


def sample() -> R.Record:
    text = "As many as 8,000 troops arrived on Thursday."
    art = R.Article(id=R.text_id(text), text=text, published="2024-10-31")
    q = R.Quantity(text="As many as 8,000 troops", start=0, end=23, sentence=0, id="q1",
                   value=8000.0, high=8000.0, unit="troops", counted="troops",
                   number_text="8,000")
    t = R.Time(text="Thursday", start=35, end=43, sentence=0, id="t1", value="2024-10-31",
               begin="2024-10-31", until="2024-11-01", anchor="published")
    e = R.Entity(text="troops", start=17, end=23, sentence=0, id="e1", name="troops",
                 type="NORP", sector="MIL",
                 mentions=[R.Mention(text="troops", start=17, end=23, sentence=0)])
    return R.Record(article=art, entities=[e], times=[t], quantities=[q])


def test_json_round_trip_keeps_every_field():
    rec = sample()
    back = R.Record.from_dict(json.loads(rec.to_json()))
    assert back == rec
    assert isinstance(back.entities[0].mentions[0], R.Mention)


def test_top_level_keys_are_the_contract():
    assert list(sample().to_dict()) == ["article", "entities", "places", "times", "quantities",
                                        "claims", "events"]


def test_every_item_type_has_id_and_span_fields():
    for cls in R.ITEM_LISTS.values():
        names = {f.name for f in dataclasses.fields(cls)}
        assert {"id", "text", "start", "end", "sentence"} <= names, cls


def test_every_field_is_documented():
    for cls in (R.Article, R.Mention, *R.ITEM_LISTS.values()):
        for name, _type, doc in R.describe(cls):
            assert doc, f"{cls.__name__}.{name} has no doc"


def test_docs_record_md_is_generated_from_the_types():
    assert (ROOT / "docs" / "record.md").read_text(encoding="utf-8") == R.markdown() + "\n", \
        "docs/record.md is stale: run `make docs`"


def test_text_id_is_stable_and_short():
    assert R.text_id("abc") == R.text_id("abc") != R.text_id("abd")
    assert len(R.text_id("abc")) == 16
