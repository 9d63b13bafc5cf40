"""The command line as a user meets it: one-line errors, JSON and table output."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph.cli import app

BIN = Path(sys.executable).parent / "newsgraph"
TEXT = ("Officials say 2,000 soldiers crossed the border\n\n"
        "At least 2,000 soldiers crossed the border on Monday, Turkish officials said on "
        "Wednesday. The army expects to send more troops in the coming weeks.\n")


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, env=env,
                          timeout=120)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (bytes(range(256)) * 40, "binary"),
    ("Le ministre a déclaré".encode("latin-1"), "UTF-8"),
])
def test_bad_files_get_one_line_error_and_nonzero_exit(tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    proc = run_cli("analyze", str(f), "--published", "2024-10-31")
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_50_mb_file_is_refused_quickly(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as out:
        out.write(b"The troops said they would stay. " * (50 * 1024 * 1024 // 33))
    proc = run_cli("analyze", str(f), "--published", "2024-10-31")
    err = proc.stderr.decode()
    assert proc.returncode != 0 and "too large" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file_and_bad_date():
    proc = run_cli("analyze", "/no/such/file.txt")
    assert proc.returncode != 0 and "no such file" in proc.stderr.decode()


def test_json_output_is_the_record(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(f), "--published", "2024-10-30",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert list(rec) == ["article", "entities", "places", "times", "quantities", "claims",
                         "events"]
    assert rec["article"]["published"] == "2024-10-30"
    assert rec["article"]["title"] == "Officials say 2,000 soldiers crossed the border"
    for key in ("entities", "times", "quantities"):
        for item in rec[key]:
            assert TEXT[item["start"]:item["end"]] == item["text"]


def test_bad_published_date_is_a_one_line_error(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(f), "--published", "yesterday"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


def test_stdin_and_table(tmp_path):
    result = CliRunner().invoke(app, ["analyze", "-", "-p", "2024-10-30"], input=TEXT)
    assert result.exit_code == 0, result.output
    assert "Officials say 2,000 soldiers crossed the border" in result.output


def test_schema_command():
    result = CliRunner().invoke(app, ["schema", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$defs"]["Quantity"]["properties"]["high"]


def test_eval_command_prints_and_writes_the_table(tmp_path):
    data = tmp_path / "tiny.json"
    data.write_text(json.dumps([
        {"text": "The convoy carried 40 tonnes of flour.",
         "quantities": [{"change": "=", "value": "40", "unit": "tonnes",
                         "normalized_unit": "tonne", "referred_concepts": "flour"}]},
        {"text": "No numbers here at all.", "quantities": []}]), encoding="utf-8")
    out = tmp_path / "table.md"
    result = CliRunner().invoke(app, ["eval", "quantities", "--data", str(data), "--no-peers",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "| newsgraph |" in result.stdout
    assert out.read_text(encoding="utf-8") == result.stdout
    assert "Command: `newsgraph" in result.stdout


def test_eval_of_a_missing_folder_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["eval", "time", "--data", str(tmp_path / "nope")])
    assert result.exit_code != 0 and "no such file" in result.output


def test_tables_written_to_a_pipe_are_wide_not_folded():
    from newsgraph.cli import PIPED_WIDTH, out_console

    # under pytest stdout is captured, as it is when a user pipes the output to a file
    assert out_console().width == PIPED_WIDTH
