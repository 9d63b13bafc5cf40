"""Acceptance: every expected finding of the example article is found (all six lists)."""

from conftest import check_expected, needs_example


@needs_example
def test_example_article_expected_findings(pipeline, example_text, tmp_path):
    rec = pipeline.analyze(example_text, "2024-10-31")
    proc = check_expected(rec, tmp_path, "times,quantities,entities,claims,places,events")
    assert proc.returncode == 0, proc.stdout
