"""Shared fixtures: the loaded pipeline (once per session) and the ../shared folder when present."""

from __future__ import annotations

from pathlib import Path

import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = SHARED / "examples" / "kursk-2024-10-31.txt"
EXPECTED = SHARED / "examples" / "kursk-2024-10-31.expected.json"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside the checkout")
needs_example = pytest.mark.skipif(not EXAMPLE.is_file(),
                                   reason="the example article ../shared/examples is absent")


@pytest.fixture(scope="session")
def pipeline():
    from newsgraph.pipeline import default_pipeline

    return default_pipeline()


@pytest.fixture(scope="session")
def example_text() -> str:
    if not EXAMPLE.is_file():
        pytest.skip("the example article ../shared/examples is absent")
    return EXAMPLE.read_text(encoding="utf-8")


def check_expected(record, tmp_path: Path, only: str) -> subprocess.CompletedProcess:
    """Run ../shared/examples/check_expected.py on a record, for the lists named in ``only``."""
    out = tmp_path / "record.json"
    out.write_text(record.to_json(), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SHARED / "examples" / "check_expected.py"), str(out), str(EXPECTED),
         "--only", only], capture_output=True, text=True)
