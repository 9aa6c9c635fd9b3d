"""Shared test fixtures: paths of the raw corpus and a cache of extraction results."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from planparse.pipeline import FileResult, extract_file

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REVIEWED_RAW_FILES = frozenset(p.name.removesuffix(".json") for p in FIXTURES.glob("*/*.json"))
"""Raw files that have a reviewed golden fixture; a file dropped into data/raw/ without one is new."""
REVIEWED_RAW = [RAW / name for name in sorted(REVIEWED_RAW_FILES)]
"""Paths of those files: what tests that need the whole reviewed corpus extract (never all of
data/raw/, so a newly dropped file cannot fail them)."""


@cache
def extracted(name: str) -> FileResult:
    """Extraction result of ``data/raw/<name>`` (computed once per test session)."""
    return extract_file(RAW / name)


def raw_by_format(format_name: str) -> Path:
    """The raw file of the corpus whose format is ``format_name``."""
    for path in sorted(RAW.iterdir()):
        if extracted(path.name).document.format == format_name:
            return path
    raise LookupError(format_name)


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory: pytest.TempPathFactory):
    """The per-user cache (``contract.cache_folder``: the DuckDB contract template) in a folder of
    the test session, for this process and the CLI processes the tests start: tests never write
    into the home folder, and each session starts without a template."""
    previous = os.environ.get("PLANPARSE_CACHE_DIR")
    os.environ["PLANPARSE_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if previous is None:
        os.environ.pop("PLANPARSE_CACHE_DIR", None)
    else:
        os.environ["PLANPARSE_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW
