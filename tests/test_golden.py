"""Every raw document's output equals its reviewed golden fixture (regenerate: `make golden`)."""

from __future__ import annotations

import json

import pytest

from planparse.golden import diff_fixture, fixture_data, fixture_path
from tests.conftest import FIXTURES, RAW, extracted

RAW_FILES = sorted(p.name for p in RAW.iterdir() if p.is_file())


@pytest.mark.parametrize("name", RAW_FILES)
def test_raw_file_matches_golden_fixture(name: str) -> None:
    result = extracted(name)
    assert result.document.format is not None, f"{name}: format not detected"
    assert not result.failed, f"{name}: extraction failed: {[i.message for i in result.issues if i.severity == 'error']}"
    path = fixture_path(FIXTURES, result)
    assert path.exists(), f"no golden fixture {path}: run `make golden` and review it"
    expected = json.loads(path.read_text(encoding="utf-8"))
    differences = diff_fixture(expected, fixture_data(result))
    assert not differences, f"{name} differs from {path.relative_to(FIXTURES.parent.parent)} " \
        "(if the change is intended: `make golden`, review the diff, commit):\n" + "\n".join(differences)


def test_every_fixture_has_a_raw_document() -> None:
    stale = [p for p in FIXTURES.glob("*/*.json") if p.name.removesuffix(".json") not in RAW_FILES]
    assert not stale, f"fixtures without a raw document: {stale}"
