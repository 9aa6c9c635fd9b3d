"""detect: every format from content only; renamed, re-encoded and PDF copies; unknown documents."""

from __future__ import annotations

import pytest

from planparse.detect import MIN_CONFIDENCE, detect, detection_warnings
from planparse.ingest import load_bytes
from planparse.normalize import strip_markup
from tests.conftest import RAW
from tests.pdfs import table_pdf

EXPECTED = {
    "hachioji_dx_action_plan_2025.txt": "hachioji_action_plan",
    "hachioji_dx_plan_2022.txt": "hachioji_dx_plan",
    "musashino_info_plan7_progress.md": "musashino_progress_sheet",
    "koganei_dx_action_plan_2026.md": "koganei_roadmap",
    "akishima_digital_plan_midterm_2024.txt": "akishima_midterm_report",
}


@pytest.mark.parametrize(("name", "fmt"), sorted(EXPECTED.items()))
def test_each_seed_is_detected_under_any_name(name: str, fmt: str) -> None:
    data = (RAW / name).read_bytes()
    for path in (name, "renamed.bin", "scan_0001.txt", "noext"):
        d = detect(load_bytes(data, path=path))
        assert d.format == fmt, (path, d.scores)
    d = detect(load_bytes(data, path="x"))
    # the winner is clear: every other format scores below the threshold
    assert d.confidence >= 0.8
    assert all(score < MIN_CONFIDENCE for name_, score in d.scores if name_ != fmt)


@pytest.mark.parametrize("name", ["musashino_info_plan7_progress.md", "koganei_dx_action_plan_2026.md"])
def test_shift_jis_copy_is_detected(name: str) -> None:
    text = (RAW / name).read_text(encoding="utf-8")
    assert detect(load_bytes(text.encode("cp932"), path="copy.txt")).format == EXPECTED[name]


@pytest.mark.parametrize("text", [
    "議事録\n令和6年度 第1回 会議\n出席者: 10名\n",
    "Lorem ipsum dolor sit amet\n" * 50,
    "基本施策\n施策番号\n",  # labels alone are not a sheet
])
def test_unrelated_documents_are_unknown(text: str) -> None:
    d = detect(load_bytes(text.encode("utf-8"), path="other.txt"))
    assert d.format is None and d.confidence < MIN_CONFIDENCE


def test_pdf_table_of_the_musashino_sheet_is_detected() -> None:
    lines = (RAW / "musashino_info_plan7_progress.md").read_text(encoding="utf-8").split("\n")
    rows = [[strip_markup(c)[:60] for c in line.split("\t")][:15] for line in lines[4:10]]
    doc = load_bytes(table_pdf(rows, title=lines[2]), path="sheet.pdf")
    assert detect(doc).format == "musashino_progress_sheet"


def test_a_few_stray_lines_of_another_format_do_not_switch_the_format() -> None:
    lines = (RAW / "hachioji_dx_plan_2022.txt").read_text(encoding="utf-8").split("\n")
    for at in (100, 1000, 2000):  # three action-plan card headers pasted into the DX plan
        lines.insert(at, "デジタル窓口の推進 管理番号 1-1-1")
    d = detect(load_bytes("\n".join(lines).encode(), path="x.txt"))
    assert d.format == "hachioji_dx_plan" and d.confidence >= 0.8
    assert dict(d.scores)["hachioji_action_plan"] < MIN_CONFIDENCE
    assert 0 < dict(d.structure)["hachioji_action_plan"] < 0.1
    assert detection_warnings(d) == []


def test_a_close_runner_up_is_a_warning() -> None:
    data = (RAW / "koganei_dx_action_plan_2026.md").read_bytes() + b"\n" + (
        RAW / "musashino_info_plan7_progress.md").read_bytes()
    d = detect(load_bytes(data, path="two.md"))
    assert {d.format, d.runner_up[0]} == {"koganei_roadmap", "musashino_progress_sheet"}
    (warning,) = detection_warnings(d)
    assert warning.code == "ambiguous_format" and warning.severity == "warning"
    assert f"but it also looks like {d.runner_up[0]}" in warning.message
