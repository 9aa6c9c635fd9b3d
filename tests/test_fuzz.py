"""Fuzz suite (issue 10): seeded mutants of every raw document, and random bytes and encodings.

Per format, ``MUTANTS`` mutants with 1% line damage (lines deleted, duplicated, inserted) and one
file-level change each (line ends, BOM, truncation; see ``tests/mutants.py``) are extracted in
process. Asserted: nothing raises out of ``extract_file``, no ``parser_error`` issue, no mutant
loses its whole document (every mutant keeps at least half of the original's (code, name) pairs
of initiatives, or of measures for the Hachioji DX plan), and on average at least 95% of the pairs
survive. The decoder gets property tests (hypothesis): any bytes give a document or an
``IngestError``, and a text written in any supported encoding and line end reads back the same.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planparse.ingest import IngestError, load_bytes
from planparse.pipeline import FileResult, extract_file
from tests.conftest import RAW, extracted
from tests.mutants import FILE_CHANGES, mutate, record_pairs

MUTANTS = 20
DAMAGE = 0.01
MIN_MEAN_KEPT = 0.95
MIN_KEPT = 0.5  # below this a mutant has lost its document, not a share of its records

# Formats whose parser, on this branch, still loses whole documents to small damage. Other helpers are
# making the parsers robust; the lead removes the mark once their branches are merged.
PARSER_NOT_YET_ROBUST: dict[str, str] = {}  # format → reason, for a parser whose isolation is pending

SEEDS = {
    "akishima_midterm_report": "akishima_digital_plan_midterm_2024.txt",
    "hachioji_action_plan": "hachioji_dx_action_plan_2025.txt",
    "hachioji_dx_plan": "hachioji_dx_plan_2022.txt",
    "koganei_roadmap": "koganei_dx_action_plan_2026.md",
    "musashino_progress_sheet": "musashino_info_plan7_progress.md",
}


def _case(fmt: str):
    marks = [pytest.mark.xfail(strict=False, reason=PARSER_NOT_YET_ROBUST[fmt])] if fmt in PARSER_NOT_YET_ROBUST else []
    return pytest.param(fmt, id=fmt, marks=marks)


def test_every_raw_document_has_a_fuzz_case() -> None:
    assert {extracted(p.name).document.format for p in RAW.iterdir()} == set(SEEDS)
    assert sorted(p.name for p in RAW.iterdir()) == sorted(SEEDS.values())


def _damage(result: FileResult) -> list[str]:
    return [f"{i.code}: {i.message}" for i in result.issues if i.code == "parser_error"]


@pytest.mark.parametrize("fmt", [_case(f) for f in sorted(SEEDS)])
def test_records_survive_one_percent_line_damage(fmt: str) -> None:
    path = RAW / SEEDS[fmt]
    data = path.read_bytes()
    original = record_pairs(extract_file(path, data=data))
    assert len(original) >= 18
    kept: list[float] = []
    problems: list[str] = []
    for seed in range(MUTANTS):
        mutant = mutate(data, seed, damage=DAMAGE)
        result = extract_file(path, data=mutant.data)  # must not raise
        share = len(original & record_pairs(result)) / len(original)
        kept.append(share)
        if _damage(result) or share < MIN_KEPT or result.document.format != fmt:
            problems.append(f"seed {seed} ({mutant.describe()}): format {result.document.format}, kept "
                            f"{share:.2f}, {_damage(result)[:1]}")
    assert not problems, "\n".join(problems)
    assert statistics.mean(kept) >= MIN_MEAN_KEPT, f"mean share kept {statistics.mean(kept):.3f}: {kept}"


@pytest.mark.parametrize("change", FILE_CHANGES)
@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_file_level_changes_alone_lose_nothing(fmt: str, change: str) -> None:
    """Line ends and a BOM change nothing; cutting the last bytes costs at most the records there."""
    path = RAW / SEEDS[fmt]
    data = path.read_bytes()
    original = record_pairs(extract_file(path, data=data))
    mutant = mutate(data, 7, damage=0.0, file_change=change)  # no line damage
    result = extract_file(path, data=mutant.data)
    assert not _damage(result) and result.document.format == fmt
    share = len(original & record_pairs(result)) / len(original)
    assert share >= (0.9 if change == "truncate" else 1.0), (share, mutant.describe())


# ---- the decoder: property tests ----------------------------------------------------------------

_JAPANESE = "施策進捗管理令和年度達成状況取組事項担当課市民窓口電子申請のをにはがでとしたアイウエオデジタル推進、。「」（）①②"
_LINE = st.text(alphabet=_JAPANESE + "abcXYZ0123 -:%", min_size=1, max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_document_or_an_ingest_error(data: bytes) -> None:
    try:
        doc = load_bytes(data, path="fuzz.txt")
    except IngestError as exc:
        assert exc.code in {"empty_file", "not_text", "encoding_error", "pdf_corrupt", "pdf_encrypted",
                            "pdf_no_text"} and exc.message
        return
    assert all("\n" not in line and "\r" not in line for line in doc.lines)
    assert doc.kind == "pdf" or doc.encoding is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000), st.sampled_from(sorted(SEEDS)))
def test_random_bytes_spliced_into_a_document_never_raise(junk: bytes, fmt: str) -> None:
    data = (RAW / SEEDS[fmt]).read_bytes()
    at = len(data) // 3
    result = extract_file(Path("spliced.txt"), data=data[:at] + junk + data[at:])
    assert not _damage(result)
    assert result.document.document_id and result.issues is not None


@settings(max_examples=120, deadline=None)
@given(
    st.lists(_LINE, min_size=1, max_size=30),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp932"]),
    st.sampled_from(["\n", "\r\n", "\r", "\r\r\n"]),
)
def test_text_reads_back_in_every_encoding_and_line_end(lines: list[str], encoding: str, end: str) -> None:
    lines = ["施策進捗管理シート 令和5年度 取組事項", *lines]
    doc = load_bytes(end.join(lines).encode(encoding), path="t.txt")
    assert doc.lines == tuple(lines)
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16", "cp932": "cp932"}
    assert doc.encoding == expected.get(encoding, encoding)
