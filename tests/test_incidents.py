"""Casualty figures grouped into incidents across outlets (hand-made records: no model needed).

Every sentence here was written for these tests."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsgraph.cli import app
from newsgraph.corpus import incidents
from newsgraph.corpus.store import Store
from newsgraph.record import Article, Claim, Entity, Place, Quantity, Record, text_id

PLACES = {
    "Saraqib": dict(geonameid=1, name="Saraqib", feature="city", country="SYR", admin1="Idlib"),
    "Idlib province": dict(geonameid=2, name="Idlib", feature="admin1", country="SYR",
                           admin1="Idlib"),
    "Homs": dict(geonameid=3, name="Homs", feature="city", country="SYR", admin1="Homs"),
    "Syria": dict(geonameid=4, name="Syria", feature="country", country="SYR", admin1=None),
}


def make_record(text: str, outlet: str, published: str, numbers: list[tuple[str, float, str]],
                places: list[str], speaker: str | None = None) -> Record:
    """A record whose quantities (text, value, counted) and places are found by their words;
    each quantity sits in one claim, said by ``speaker`` on the day published."""
    article = Article(id=text_id(text), text=text, published=published, source=outlet,
                      title=text.split(".")[0])
    rec = Record(article=article)
    for n, name in enumerate(places, 1):
        start = text.index(name)
        rec.places.append(Place(text=name, start=start, end=start + len(name),
                                sentence=text[:start].count(". "), id=f"p{n}", **PLACES[name]))
    if speaker:
        start = text.index(speaker)
        rec.entities.append(Entity(text=speaker, start=start, end=start + len(speaker),
                                   sentence=0, id="e1", name=speaker, type="ORG"))
    for n, (words, value, counted) in enumerate(numbers, 1):
        start = text.index(words)
        sentence = text[:start].count(". ")
        rec.quantities.append(Quantity(text=words, start=start, end=start + len(words),
                                       sentence=sentence, id=f"q{n}", value=value, low=value,
                                       high=value, counted=counted, unit=counted,
                                       number_text=words.split()[0]))
        rec.claims.append(Claim(text=words, start=start, end=start + len(words),
                                sentence=sentence, id=f"c{n}", kind="reported",
                                source="e1" if speaker else None, said_on=published,
                                quantities=[f"q{n}"]))
    return rec


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("incidents") / "i.duckdb"
    records = [
        make_record("Air strikes on Saraqib killed 20 civilians on Sunday, the Monitor said.",
                    "outlet-a", "2020-03-01", [("20 civilians", 20, "civilians")], ["Saraqib"],
                    "the Monitor"),
        make_record("In Idlib province 45 civilians were killed in raids, the Council said. "
                    "Another 30 people were wounded.", "outlet-b", "2020-03-01",
                    [("45 civilians", 45, "civilians"), ("30 people", 30, "people")],
                    ["Idlib province"], "the Council"),
        make_record("A car bomb in Homs left 7 people dead and wounded 12 others.", "outlet-c",
                    "2020-03-01", [("7 people", 7, "people"), ("12 others", 12, "others")],
                    ["Homs"]),
        make_record("The war in Syria has killed 400000 people since 2011, the Monitor said.",
                    "outlet-a", "2020-03-01", [("400000 people", 400000, "people")],
                    ["Syria"], "the Monitor"),
        make_record("Shelling of Saraqib killed 21 civilians, a week later.", "outlet-c",
                    "2020-03-08", [("21 civilians", 21, "civilians")], ["Saraqib"]),
    ]
    with Store(path) as store:
        run = store.start_run({})
        store.write_batch(run, [(r, f"test:{i}") for i, r in enumerate(records)], [], [])
    return path


@pytest.mark.parametrize("before, after, expected", [
    ("Air strikes ", " were killed on Sunday", "killed"),
    ("raids killing ", " and wounding 30 others", "killed"),
    ("killing 20 civilians and wounding ", "", "wounded"),
    ("Two civilians were killed and ", " were injured", "wounded"),
    ("the death toll rose to ", "", "killed"),
    ("", " dead", "killed"),
    ("The army deployed ", " near the border", None),
])
def test_outcome_near(before, after, expected):
    assert incidents.outcome_near(before, after) == expected


def test_victims_of():
    assert incidents.victims_of("Syrian civilians") == "civilians"
    assert incidents.victims_of(None) == "people"
    assert incidents.victims_of("government troops") == "soldiers"
    assert incidents.victims_of("tanks") is None


def test_town_and_province_nest_into_one_incident_with_a_conflict(db):
    found, figures = incidents.incidents(db, "killed")
    saraqib = [i for i in found if i.admin1 == "Idlib" and i.first_date == "2020-03-01"]
    assert len(saraqib) == 1
    inc = saraqib[0]
    assert inc.outlets == ["outlet-a", "outlet-b"]
    (measure,) = [m for m in inc.measures if m.victims == "civilians"]
    assert measure.outcome == "killed" and measure.conflicting_outlets
    assert inc.conflict
    flags = {f["outlet"]: f["flag"] for f in figures if f["incident"] == inc.id}
    assert sorted(flags.values()) == ["conflict", "consistent"]
    # the other town is another incident; a war's total and a week later are not this one
    assert any(i.admin1 == "Homs" for i in found)
    war = [f for f in figures if f["value"] == 400000]
    assert war and war[0]["flag"] == "cumulative" and war[0]["incident"] is None
    later = [i for i in found if i.first_date == "2020-03-08"]
    assert later and later[0].id != inc.id
    assert incidents.group_incidents([dict(f) for f in figures], window=7)  # wider: still fine


def test_wounded_and_speaker(db):
    found, figures = incidents.incidents(db, "wounded")
    assert sorted(f["value"] for f in figures) == [12, 30]
    assert all(f["outcome"] == "wounded" for f in figures)
    killed = incidents.casualty_figures(db, "civilians killed")
    assert {f["speaker"] for f in killed if f["value"] == 45} == {"the Council"}


def test_unknown_outcome_is_a_clear_error(db):
    with pytest.raises(incidents.QueryError):
        incidents.incidents(db, "troops")


def test_cli_by_incident_json_and_table(db):
    runner = CliRunner()
    out = runner.invoke(app, ["claims", "--about", "killed", "--by", "incident", "--db",
                              str(db), "--format", "json", "--conflicts"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert len(data["incidents"]) == 1 and data["incidents"][0]["conflict"]
    assert {f["outlet"] for f in data["figures"]} == {"outlet-a", "outlet-b"}
    table = runner.invoke(app, ["claims", "--about", "killed", "--by", "incident", "--db",
                                str(db)])
    assert table.exit_code == 0 and "Casualty figures" in table.stdout
    csv_out = runner.invoke(app, ["claims", "--about", "killed", "--by", "incident", "--db",
                                  str(db), "--format", "csv"])
    assert csv_out.stdout.splitlines()[0].startswith("incident,dates,place")


def test_pairwise():
    score = incidents.pairwise({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "x", "c": "x"})
    assert score["precision"] == 1.0 and score["recall"] == pytest.approx(1 / 3)
