"""A document dropped into data/raw/ without a golden fixture is extracted and reported, not failed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import RAW, ROOT


def test_new_raw_file_is_reported_as_having_no_fixture(tmp_path: Path) -> None:
    # a copy of the project's tests and raw corpus, plus two new files: a new edition-like copy of
    # the Musashino sheet (other bytes, a known format) and a document no parser knows
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests", project / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(RAW, project / "data" / "raw")
    (project / "data" / "raw" / "musashino_next.md").write_bytes(
        (RAW / "musashino_info_plan7_progress.md").read_bytes() + b"\n")
    (project / "data" / "raw" / "minutes.txt").write_text("議事録\n第1回 会議\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/test_golden.py"],
        cwd=project, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "musashino_next.md: no golden fixture yet" in out and "run `make golden` to add one" in out
    assert "minutes.txt: no golden fixture, and it does not extract (unknown_format" in out
    assert "5 passed" in out or "6 passed" in out  # the five reviewed documents + the stale-fixture check


def test_stale_fixture_still_fails(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests", project / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(RAW, project / "data" / "raw")
    fixture = next((project / "tests" / "fixtures").glob("musashino_progress_sheet/*.json"))
    fixture.write_text(fixture.read_text(encoding="utf-8").replace('"code": "17"', '"code": "99"', 1),
                       encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_golden.py", "-k", "musashino"],
        cwd=project, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout
    assert "differs from" in proc.stdout
