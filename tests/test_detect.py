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


def test_key_and_space_sources_hold_every_character_that_normalises_to_a_keyable_one_or_a_space() -> None:
    # marker_score keys only the lines holding a KEY_SOURCES or SPACE_SOURCES character and those holding
    # a marker's key run once spaces, U+3000 and tabs are removed: check the lists for all code points
    import re
    import unicodedata

    import regex

    from planparse.parsers.base import _KEYABLE, KEY_SOURCES, SPACE_SOURCES

    keys, spaces, removed = re.compile(f"[{KEY_SOURCES}]"), re.compile(f"[{SPACE_SOURCES}]"), regex.compile(r"[\s\u3000]")
    for cp in range(0x110000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        normal = unicodedata.normalize("NFKC", ch)
        assert normal, hex(cp)  # no character vanishes: only whitespace is removed from a key
        if not keys.match(ch):
            assert not {c for c in normal if c != ch and _KEYABLE.match(c)}, hex(cp)
        if not spaces.match(ch) and ch not in " \u3000\t\n":
            assert not any(c.isspace() or removed.match(c) for c in normal), hex(cp)
        # a keyable character composed from a sequence: its marks are sources
        decomposition = unicodedata.decomposition(ch)
        if _KEYABLE.match(ch) and decomposition and not decomposition.startswith("<"):
            assert all(keys.match(chr(int(h, 16))) for h in decomposition.split()[1:]), hex(cp)


@pytest.mark.parametrize(("pattern", "run"), [
    ("管理番号\\d+-\\d+-\\d+", "管理番号"), ("^年度目標・?取組内容", "年度目標"), ("【Vision", "【"), ("施策{2}", "施"),
    ("^目的・あるべき姿$", "あるべき姿"), ("取組のロードマップ", "取組のロ"), ("施策(?:一|二)", "施策"), ("施\\|x", "施"),
    ("施策|基本", None), ("(?:施策|基本)", None), ("[|]施策", None), ("\\d施策", None), ("KPI", None), ("(?i)施策", None), ("施#ロードマップ(?x)", None),
])
def test_a_markers_key_run_is_one_every_match_holds(pattern: str, run: str | None) -> None:
    from planparse.parsers.base import Marker

    assert Marker(pattern, 0.1).key_run == run


def test_keyed_lines_score_as_searching_every_line() -> None:
    # the lines marker_score skips cannot match: the same scores as a search of every line's key
    from planparse.parsers.base import Marker, marker_score

    lines = (RAW / "hachioji_dx_plan_2022.txt").read_text(encoding="utf-8").split("\n")[:400]
    lines += ["施 策 1 ", "⽤語集", "ｱｸｼｮﾝﾌﾟﾗﾝ", "用\u3000語\t集", "用\xa0語集", "施策1"]  # the last: the last line
    doc = load_bytes("\n".join(lines).encode(), path="x.txt")
    for pattern, count in (("^施策\\d{1,2}[^\\d\\-]", 2), ("^用語集$", 1), ("アクションプラン", 1), ("目的", 3)):
        keyed = Marker(pattern, 0.5, min_count=count)
        everywhere = Marker(f"(?:{pattern})", 0.5, min_count=count)  # no key run: every line
        assert keyed.key_run and everywhere.key_run is None
        a, b = marker_score(doc, [keyed]), marker_score(doc, [everywhere])
        assert (float(a), a.positive, a.structure_lines) == (float(b), b.positive, b.structure_lines), pattern
