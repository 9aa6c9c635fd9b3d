"""Musashino progress sheet: counts, real values, every irregularity of the notes, edited copies."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest
import regex

from planparse.ingest import load_bytes
from planparse.parsers.musashino_progress_sheet import MusashinoProgressSheetParser, record_number, row_label
from planparse.parsers.table_cells import _HANGING_MARKS, _WHITE_SPACE, cell_text, strip_hanging
from planparse.pipeline import FileResult, extract_file
from tests.agreement import agreement, differences
from tests.conftest import RAW, ROOT, extracted
from tests.line_mutants import issue_codes, survival
from tests.replicas import font_path
from tests.table_replicas import variant_pdf

try:
    font_path()
    HAVE_FONT = True
except FileNotFoundError:  # pragma: no cover - CI installs the font
    HAVE_FONT = False

NAME = "musashino_info_plan7_progress.md"
DOC = "19a4f9746102"


@pytest.fixture(scope="module")
def result() -> FileResult:
    return extracted(NAME)


def _initiative(result: FileResult, code: str):
    return next(i for i in result.rows.initiatives if i.code == code)


def _years(result: FileResult, code: str) -> dict[int, object]:
    doc = result.document.document_id
    return {a.fiscal_year: a for a in result.rows.annual_entries if a.initiative_id == f"{doc}:{code}"}


def test_counts(result: FileResult) -> None:
    rows = result.rows
    assert not result.failed
    assert (len(rows.policies), len(rows.measures), len(rows.initiatives), len(rows.annual_entries)) == (4, 10, 42, 126)
    assert [i.code for i in rows.initiatives] == [str(n) for n in range(1, 43)]
    assert len({i.group_code for i in rows.initiatives}) == 22
    doc = result.document
    assert (doc.format, doc.municipality_code, doc.plan_start_fy, doc.plan_end_fy) == (
        "musashino_progress_sheet", "132039", 2023, 2025)
    assert doc.title == "第七次総合情報化基本計画の施策進捗管理シート"


def test_policies_use_ascii_roman_numerals(result: FileResult) -> None:
    assert [(p.code, p.name) for p in result.rows.policies] == [
        ("I", "窓口サービスの利便性向上"), ("II", "市民生活を支えるデジタル技術の活用"),
        ("III", "業務改善及び働き方改革の推進"), ("IV", "DX推進に向けた基盤整備")]
    # Latin "IV" (L217) and "Ⅳ" (L200) are the same policy
    assert {i.code: m.policy_code for i in result.rows.initiatives for m in result.rows.measures
            if m.measure_id == i.measure_id and i.code in ("35", "38", "41")} == {"35": "IV", "38": "IV", "41": "IV"}


def test_measures_take_the_majority_spelling(result: FileResult) -> None:
    measures = {m.code: m for m in result.rows.measures}
    assert measures["3"].name == "市民にとって便利・有益・分かりやすい情報の提供"
    assert measures["3"].name_variants == ["市民にとって、利便・充実・分かりやすい情報の提供"]
    assert measures["5"].name == "誰もが安心して暮らせる環境の実現"
    assert measures["9"].objective == "誰もがデジタル化の恩恵を受けられるようになるための環境整備を行う。"
    assert measures["1"].policy_code == "I" and measures["10"].name == "人材の確保・育成"


def test_initiative_fields(result: FileResult) -> None:
    i = _initiative(result, "20")
    assert i.name == "子ども子育て総合相談（仮称）における情報連携の円滑化"
    assert i.departments == ["企画調整課（令和5年度まで）", "子ども子育て支援課", "健康課", "教育支援課", "障害者福祉課"]
    assert i.lead_department == "企画調整課（令和5年度まで）"
    assert (i.group_code, i.group_name) == ("10", "保健センター増築及び複合施設整備におけるデジタル技術の活用")
    assert (i.source_line_start, i.source_line_end) == (113, 117)
    i8 = _initiative(result, "8")
    assert i8.departments == ["多文化共生・交流課"]
    # list markup removed from 取組内容, the items kept as written
    i6 = _initiative(result, "6")
    assert i6.summary.startswith("・書かない・待たない・スムーズな窓口の実現に向けて")
    assert "<ul" not in i6.summary
    assert i6.schedule == ["研究", "試行"]  # L34: 試行 sits in column 16
    assert _initiative(result, "7").schedule == ["事業者選定 → 運用"]
    # typos are kept verbatim (L6-L9)
    assert "来庁しなさいと" in _initiative(result, "1").current_issues


def test_annual_entries_values_and_statuses(result: FileResult) -> None:
    y = _years(result, "1")
    assert y[2023].target == "オンラインによる手続き：400件 オンラインによる申請手続受付件数：4.5万件"
    assert (y[2023].status_raw, y[2023].status) == ("概ね達成", "mostly_achieved")
    assert y[2024].result == "オンライン手続き：1,003件 受付件数：約6万4千件"
    assert (y[2025].status_raw, y[2025].status, y[2025].result) == (None, "not_evaluated", None)
    y7 = _years(result, "7")
    assert (y7[2023].status, y7[2023].note) == ("partially_achieved", "ホームページの記載について見直しを行う。")
    assert _years(result, "29")[2023].status == "not_achieved"


def test_status_tally_matches_the_document(result: FileResult) -> None:
    tally = Counter((a.fiscal_year, a.status_raw) for a in result.rows.annual_entries)
    assert tally[(2023, "達成")] == 23 and tally[(2023, "概ね達成")] == 15
    assert tally[(2023, "一部のみ達成")] == 3 and tally[(2023, "未達成")] == 1
    assert tally[(2024, "達成")] == 24 and tally[(2024, "概ね達成")] == 11 and tally[(2024, "一部のみ達成")] == 7
    assert tally[(2025, None)] == 42
    notes = sorted((a.initiative_id.split(":")[1], a.fiscal_year) for a in result.rows.annual_entries if a.note)
    assert len(notes) == 11 and ("25", 2023) in notes and ("29", 2024) in notes


def test_second_header_layout_is_read_relative_to_the_label(result: FileResult) -> None:
    # L22-L38: the header claims 3 sub-columns per year; record 5's targets are 30%/35%/40% in cols 13/14/15
    y = _years(result, "5")
    assert [y[fy].target.rsplit("：", 1)[1] for fy in (2023, 2024, 2025)] == ["30%", "35%", "40%"]
    assert y[2023].result == "令和5年度の特別転出者のうちワンストップサービス利用者割合は約38%であった。"


def test_left_shifted_rows_are_placed(result: FileResult) -> None:
    # L66: 達成状況詳細 of record 11 in columns 1-3
    y = _years(result, "11")
    assert y[2023].result.startswith("令和6年2月にアクセシビリティ検査・調査を受検し")
    assert y[2024].result.startswith("令和6年11月にアクセシビリティ検査・調査を受検し")
    # L148: record 25's FY2023 reason in column 2
    assert _years(result, "25")[2023].note.startswith("財務事務の電子決裁導入については")


def test_irregularities_become_warnings(result: FileResult) -> None:
    codes = Counter(i.code for i in result.issues)
    assert codes["stray_schedule_row"] == 3 and {i.source_line for i in result.issues
                                                 if i.code == "stray_schedule_row"} == {112, 118, 124}
    assert codes["shifted_row"] == 15
    assert codes["sub_header_row"] == 1 and codes["header_layout_ignored"] == 1
    assert {i.source_line for i in result.issues if i.code == "missing_target"} == {157, 235}
    assert all(i.severity == "warning" for i in result.issues)


def test_kpi_values(result: FileResult) -> None:
    kpis = {(k.initiative_id.split(":")[1], k.fiscal_year, k.kind, k.seq): k for k in result.rows.kpi_values}
    t = kpis[("1", 2023, "target", 2)]
    assert (t.metric, t.value, t.unit, t.raw) == ("オンラインによる申請手続受付件数", 45000.0, "件", "4.5万件")
    a = kpis[("1", 2024, "actual", 2)]
    assert (a.metric, a.value, a.approximate, a.raw) == ("受付件数", 64000.0, True, "約6万4千件")
    p = kpis[("5", 2025, "target", 1)]
    assert (p.value, p.unit, p.source_line) == (40.0, "%", 30)
    # a number without unit after "label：" (record 29 result: 業務数：34)
    assert kpis[("29", 2023, "actual", 1)].metric == "業務数" and kpis[("29", 2023, "actual", 1)].value == 34


def test_edited_copy_yields_the_edited_values(tmp_path) -> None:
    text = (RAW / NAME).read_text(encoding="utf-8")
    text = text.replace("学習者用コンピュータ活用に関する指針の策定", "学習者用端末の活用指針の策定")  # name of 17
    text = text.replace("特別転出者のうちワンストップサービス利用者が占める割合：35%",
                        "特別転出者のうちワンストップサービス利用者が占める割合：36%")  # record 5, FY2024
    text = text.replace("\t障害者福祉課\t", "\t障害福祉課\t", 1)  # 担当課 of record 9
    path = tmp_path / "edited.md"
    path.write_text(text, encoding="utf-8")
    r = extract_file(path)
    assert _initiative(r, "17").name == "学習者用端末の活用指針の策定"
    assert _initiative(r, "9").departments == ["障害福祉課"]
    doc = r.document.document_id
    y5 = {a.fiscal_year: a for a in r.rows.annual_entries if a.initiative_id == f"{doc}:5"}
    assert y5[2024].target.endswith("36%")
    assert any(k.value == 36.0 and k.initiative_id == f"{doc}:5" for k in r.rows.kpi_values)


def test_fiscal_years_come_from_the_header(tmp_path) -> None:
    # next year's edition: 令和6/7/8年度 columns
    text = (RAW / NAME).read_text(encoding="utf-8")
    for old, new in (("令和7年度", "令和8年度"), ("令和6年度", "令和7年度"), ("令和5年度", "令和6年度")):
        text = text.replace(f"\t{old}\t", f"\t{new}\t")
    path = tmp_path / "next.md"
    path.write_text(text, encoding="utf-8")
    r = extract_file(path)
    assert sorted({a.fiscal_year for a in r.rows.annual_entries}) == [2024, 2025, 2026]
    assert (r.document.plan_start_fy, r.document.plan_end_fy) == (2024, 2026)


def test_status_change_and_a_missing_note_are_flagged(tmp_path) -> None:
    # record 1, FY2024: 達成 → 未達成 without a 理由・改善策 → check warning
    text = (RAW / NAME).read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[7].split("\t")[13] == "達成"  # L8, FY2024 cell
    cells = lines[7].split("\t")
    cells[13] = "未達成"
    lines[7] = "\t".join(cells)
    path = tmp_path / "changed.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    r = extract_file(path)
    y = {a.fiscal_year: a for a in r.rows.annual_entries if a.initiative_id.endswith(":1")}
    assert (y[2024].status_raw, y[2024].status) == ("未達成", "not_achieved")
    assert [i.source_line for i in r.issues if i.code == "check_shortfall_without_note"] == [8]


# --- PDF tables, isolation ------------------------------------------------------------------------


def test_pdf_cell_lines_are_joined_in_the_text_convention() -> None:
    assert cell_text("1\n2") == "12"  # a number wrapped in a narrow column
    assert cell_text("8,\n200人") == "8,200人"
    assert cell_text("スケジュ\nール") == "スケジュール"
    assert cell_text("IV\nDX推進") == "IV DX推進"  # a Latin word wrap keeps its space
    assert cell_text("・調査 \n・検討") == "・調査 ・検討"  # list items: one space, as in the Markdown
    assert cell_text("管財課\n○自治体DX推進担当") == "管財課 ○自治体DX推進担当"
    assert cell_text("• ○業務インフラの整備\n• ・内部業務") == "○業務インフラの整備 ・内部業務"  # drawn <li> bullets
    assert cell_text("目標 A  B") == "目標 A  B"  # a text source's cell is never changed
    assert cell_text("") == "" and cell_text(None) == ""


def test_structural_cells_ignore_punctuation_hanging_in_from_a_neighbour() -> None:
    assert record_number("、29") == 29 and record_number("ー36") == 36 and record_number("２９") == 29
    assert record_number("推進") is None
    assert row_label("、スケジュール") == "schedule" and row_label("年度目標 取組内容") == "target"


def test_strip_hanging_removes_what_the_hanging_pattern_removed() -> None:
    # the whitespace it strips is regex's \s (Unicode White_Space), every code point compared
    everything = "".join(map(chr, range(0x110000)))
    assert set(regex.findall(r"\s", everything)) == set(_WHITE_SPACE)
    hanging = regex.compile(rf"^[\s{_HANGING_MARKS}]+|[\s{_HANGING_MARKS}]+$")
    for cell in ("、\n29", " ー36\u3000", "、スケジュール、", "推進・", "・", "", "a、b", "\u2028x\x85", "取組\n"):
        assert strip_hanging(cell) == hanging.sub("", cell)


def _variant_result(name: str, tmp_path) -> FileResult:
    path = tmp_path / f"{name}.variant.pdf"
    path.write_bytes(variant_pdf((RAW / name).read_text(encoding="utf-8")))
    return extract_file(path)


@pytest.mark.skipif(not HAVE_FONT, reason="no Japanese TrueType font")
def test_a_replica_drawn_another_way_gives_the_texts_records(tmp_path) -> None:
    """Equal column widths, header rows not repeated on the next page, Markdown rendered: not the
    layouts of tests/replicas.py (the table parsers are not tuned to one drawing)."""
    name = NAME
    text, pdf = extracted(name), _variant_result(name, tmp_path)
    assert pdf.document.source_kind == "pdf" and pdf.document.format == text.document.format
    doc = load_bytes((tmp_path / f"{name}.variant.pdf").read_bytes(), path="v.pdf")
    assert any(len({doc.page_of(r.line) for r in t.rows if r.line}) > 1 for t in doc.tables)  # continued
    assert not ({i.code for i in pdf.issues if i.severity == "error"}
                - {i.code for i in text.issues if i.severity == "error"})
    scores = agreement(text, pdf)
    assert scores == dict.fromkeys(scores, 1.0), differences(text, pdf)
    assert len(pdf.rows.initiatives) == len(text.rows.initiatives) == 42
    assert _years(pdf, "29")[2023].status == "not_achieved"


def test_one_percent_line_damage_costs_only_its_share() -> None:
    shares, problems = survival(NAME, 40)
    assert not problems, problems
    assert min(shares) >= 0.9 and statistics.mean(shares) >= 0.98, shares


def test_a_lost_header_row_continues_the_previous_table() -> None:
    text = (RAW / NAME).read_text(encoding="utf-8").split("\n")
    assert text[61].startswith("基本施策\t")  # L62: the header of records 11-14
    res = extract_file("edited.md", data="\n".join(text[:61] + text[62:]).encode("utf-8"))
    assert [i.source_line for i in res.issues if i.code == "table_without_header"] == [62]
    assert [i.code for i in res.rows.initiatives] == [str(n) for n in range(1, 43)]
    assert _years(res, "12")[2024].status == "mostly_achieved"  # its sub-rows are still placed


def test_a_blank_line_inside_a_table_loses_nothing() -> None:
    text = (RAW / NAME).read_text(encoding="utf-8").split("\n")
    res = extract_file("edited.md", data="\n".join([*text[:7], "", *text[7:]]).encode("utf-8"))  # inside record 1
    assert [i.code for i in res.rows.initiatives] == [str(n) for n in range(1, 43)]
    assert _years(res, "1")[2024].status == "achieved" and not res.failed


def test_a_record_row_written_twice_is_read_once() -> None:
    text = (RAW / NAME).read_text(encoding="utf-8").split("\n")
    res = extract_file("edited.md", data="\n".join([*text[:11], text[10], *text[11:]]).encode("utf-8"))
    assert [i.source_line for i in res.issues if i.code == "duplicate_row"] == [12]
    assert _years(res, "2")[2023].status == "mostly_achieved" and len(res.rows.initiatives) == 42


def test_a_record_that_cannot_be_read_costs_only_itself(monkeypatch) -> None:
    real = MusashinoProgressSheetParser._record

    def broken(item, columns, years, log):
        if item.line == 29:  # record 5
            raise ValueError("boom")
        return real(item, columns, years, log)

    monkeypatch.setattr(MusashinoProgressSheetParser, "_record", staticmethod(broken))
    res = extract_file("x.md", data=(RAW / NAME).read_bytes())
    assert [(i.code, i.source_line) for i in res.issues if i.severity == "error"] == [("record_unreadable", 29)]
    assert [i.code for i in res.rows.initiatives] == [str(n) for n in range(1, 43) if n != 5]


def test_the_format_page_names_every_issue_code_the_parser_writes() -> None:
    source = (ROOT / "src" / "planparse" / "parsers" / "musashino_progress_sheet.py").read_text(encoding="utf-8")
    codes = issue_codes(source)
    assert {"table_without_header", "record_unreadable", "orphan_row", "shifted_row"} <= codes
    page = (ROOT / "docs" / "formats" / "musashino_progress_sheet.md").read_text(encoding="utf-8")
    assert sorted(c for c in codes if f"`{c}`" not in page) == []


def test_a_record_goes_on_after_a_header_row_repeated_on_the_next_page() -> None:
    """A table continued on the next page that the PDF did not join: the header row stands between a
    record row and its sub-rows."""
    text = (RAW / NAME).read_text(encoding="utf-8").split("\n")
    assert text[10].startswith("I 窓口") and text[11].startswith("\t" * 11 + "年度目標")  # record 2, its target row
    res = extract_file("edited.md", data="\n".join([*text[:11], "", "- 2 -", "", text[4], *text[11:]]).encode("utf-8"))
    assert [i.code for i in res.rows.initiatives] == [str(n) for n in range(1, 43)]
    assert _years(res, "2")[2023].status == "mostly_achieved" and _years(res, "2")[2023].target
    assert not res.failed and not [i for i in res.issues if i.code == "orphan_row"]
