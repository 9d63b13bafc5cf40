"""Acceptance: the example article's expected times, quantities and entities are all found."""

import subprocess
import sys

from conftest import EXPECTED, SHARED, needs_example


@needs_example
def test_example_article_expected_findings(pipeline, example_text, tmp_path):
    rec = pipeline.analyze(example_text, "2024-10-31")
    out = tmp_path / "record.json"
    out.write_text(rec.to_json(), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SHARED / "examples" / "check_expected.py"), str(out), str(EXPECTED),
         "--only", "times,quantities,entities"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
