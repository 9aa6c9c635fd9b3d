"""Every raw document's output equals its reviewed golden fixture (regenerate: `make golden`)."""

from __future__ import annotations

import json

import pytest

from planparse.golden import diff_fixture, fixture_data, fixture_path
from tests.conftest import FIXTURES, RAW, REVIEWED_RAW_FILES, extracted

RAW_FILES = sorted(p.name for p in RAW.iterdir() if p.is_file())


@pytest.mark.parametrize("name", RAW_FILES)
def test_raw_file_matches_golden_fixture(name: str) -> None:
    result = extracted(name)
    errors = [f"{i.code}: {i.message}" for i in result.issues if i.severity == "error"]
    if name not in REVIEWED_RAW_FILES and (result.document.format is None or result.failed):
        pytest.skip(f"{name}: no golden fixture, and it does not extract ({'; '.join(errors)}); "
                    "fix the input or add its format, then run `make golden` to add one")
    assert result.document.format is not None, f"{name}: format not detected"
    assert not result.failed, f"{name}: extraction failed: {errors}"
    path = fixture_path(FIXTURES, result)
    assert path.exists() or name not in REVIEWED_RAW_FILES, \
        f"{name} has a fixture, but not at {path} (format detected: {result.document.format})"
    if not path.exists():  # a newly added document: not wrong, just not reviewed yet
        pytest.skip(f"{name}: no golden fixture yet ({path.relative_to(FIXTURES.parent.parent)}); "
                    "run `make golden` to add one, then review it")
    expected = json.loads(path.read_text(encoding="utf-8"))
    differences = diff_fixture(expected, fixture_data(result))
    assert not differences, f"{name} differs from {path.relative_to(FIXTURES.parent.parent)} " \
        "(if the change is intended: `make golden`, review the diff, commit):\n" + "\n".join(differences)


def test_every_fixture_has_a_raw_document() -> None:
    # the one way a fixture fails without a parser change: its raw document was removed or renamed
    stale = [p for p in FIXTURES.glob("*/*.json") if p.name.removesuffix(".json") not in RAW_FILES]
    assert not stale, f"fixtures without a raw document: {stale}"
