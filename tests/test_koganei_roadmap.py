"""koganei_roadmap: 小金井市DX推進方針 アクションプラン (3 Visions, 16 取組, 63 個別取組, FY2026-2028).

Values are checked against data/raw/koganei_dx_action_plan_2026.md (line numbers are 1-based lines of
that file; ../shared/notes/koganei_roadmap.md maps them).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from functools import cache

import pytest

from planparse.ingest import load_bytes
from planparse.parsers.koganei_roadmap import (
    KoganeiRoadmapParser,
    fill_roadmap,
    parse_departments,
    parse_links,
)
from planparse.pipeline import FileResult, extract_file
from planparse.schemas.base import IssueLog
from planparse.schemas.koganei_roadmap import KoganeiItem, target_kpis, target_period
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

NAME = "koganei_dx_action_plan_2026.md"
DOC = "2b0a7cd841c4"


@pytest.fixture(scope="module")
def result() -> FileResult:
    return extracted(NAME)


@cache
def raw_text() -> str:
    return (RAW / NAME).read_text(encoding="utf-8")


def edited(*replacements: tuple[str, str]) -> FileResult:
    """Extract a copy of the document with each (old, new) replaced exactly once."""
    text = raw_text()
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return extract_file("edited_copy.txt", data=text.encode("utf-8"))


def initiative(res: FileResult, code: str):
    return next(i for i in res.rows.initiatives if i.code == code)


def measure(res: FileResult, code: str):
    return next(m for m in res.rows.measures if m.code == code)


def plans(res: FileResult, code: str) -> list[tuple[int, str | None, bool]]:
    iid = f"{DOC}:{code}" if res.document.document_id == DOC else f"{res.document.document_id}:{code}"
    return [(a.fiscal_year, a.plan, a.plan_inferred) for a in res.rows.annual_entries if a.initiative_id == iid]


def kpis(res: FileResult, code: str):
    iid = f"{res.document.document_id}:{code}"
    return [k for k in res.rows.kpi_values if k.initiative_id == iid]


def issues(res: FileResult, code: str) -> list:
    return [i for i in res.issues if i.code == code]


# --- document, counts ---------------------------------------------------------------------------


def test_document_row(result: FileResult) -> None:
    d = result.document
    assert d.format == "koganei_roadmap"
    assert (d.municipality_code, d.municipality_name) == ("132101", "小金井市")
    assert d.title == "小金井市DX推進方針 アクションプラン"
    assert (d.plan_start_fy, d.plan_end_fy) == (2026, 2028)
    assert not result.failed


def test_counts(result: FileResult) -> None:
    rows = result.rows
    assert len(rows.policies) == 3
    assert len(rows.measures) == 16
    assert len(rows.initiatives) == 63
    assert sum(m.is_priority for m in rows.measures) == 9
    assert len(rows.annual_entries) == 63 * 3
    per_measure = Counter(i.code.split("-")[0] for i in rows.initiatives)
    assert [per_measure[str(n)] for n in range(1, 17)] == [4, 5, 3, 3, 3, 4, 6, 5, 4, 3, 5, 4, 4, 3, 4, 3]
    by_policy = {m.measure_id: m.policy_code for m in rows.measures}
    assert Counter(by_policy[i.measure_id] for i in rows.initiatives) == {"1": 22, "2": 18, "3": 23}
    assert [i.seq for i in rows.initiatives] == list(range(1, 64))


# --- policies and measures ---------------------------------------------------------------------


def test_policies(result: FileResult) -> None:
    assert [(p.code, p.name, p.source_line) for p in result.rows.policies] == [
        ("1", "市民にやさしい", 79), ("2", "職員が働きやすい", 91), ("3", "基盤の整備", 101)]
    assert {p.policy_id for p in result.rows.policies} == {f"{DOC}:p:1", f"{DOC}:p:2", f"{DOC}:p:3"}


def test_measures_names_priority_policy(result: FileResult) -> None:
    ms = result.rows.measures
    assert [m.code for m in ms] == [str(n) for n in range(1, 17)]
    assert {m.code for m in ms if m.is_priority} == {"1", "2", "3", "7", "8", "10", "11", "13", "15"}
    assert measure(result, "2").name == "デジタルを用いた多様な情報伝達手段の推進"  # overview spelling, no wrap space
    assert measure(result, "11").name == "DX人材の育成・確保"
    assert measure(result, "16").name == "先進技術の調査・研究"
    assert measure(result, "10").name == "EBPMの実践"
    assert [m.policy_code for m in ms] == ["1"] * 6 + ["2"] * 4 + ["3"] * 6
    assert measure(result, "7").policy_name == "職員が働きやすい"
    assert (measure(result, "11").source_line_start, measure(result, "11").source_line_end) == (325, 339)


def test_wrong_heading_glyphs_are_renumbered_and_reported(result: FileResult) -> None:
    found = issues(result, "check_measure_number_mismatch")
    assert [(i.source_line, i.severity) for i in found] == [(325, "warning"), (424, "warning")]
    assert "11" in found[0].message and "16" in found[1].message
    assert initiative(result, "11-1").name == "デジタル人材像・スキル要件の定義"
    assert initiative(result, "16-3").name == "AIやIoT・センサー技術による公共施設マネジメントの検討"
    assert initiative(result, "11-1").measure_id == f"{DOC}:m:11"
    assert initiative(result, "13-1").measure_id == f"{DOC}:m:13"  # the real ⑬ keeps its own rows


def test_measure_departments_with_roles(result: FileResult) -> None:
    def depts(code: str) -> list[tuple[str, str | None]]:
        return [(d.department, d.role) for d in result.rows.measure_departments if d.measure_id == f"{DOC}:m:{code}"]

    assert depts("2") == [("広報秘書課", "lead"), ("地域安全課", "lead"), ("地図情報を公開する課", "lead"),
                          ("自治体DX推進担当", "support"), ("情報システム課", "support"), ("全ての課", "member")]
    assert depts("13") == [("全ての課", "lead"), ("情報システム課", "lead")]
    assert depts("16")[-2:] == [("情報システム課", "support"), ("全ての課", "member")]
    assert len(depts("5")) == 7 and {r for _, r in depts("5")} == {"lead"}


def test_measure_links(result: FileResult) -> None:
    def links(code: str, kind: str) -> list[tuple[str, int | None]]:
        return [(lk.linked_code, lk.step_position) for lk in result.rows.measure_links
                if lk.measure_id == f"{DOC}:m:{code}" and lk.link_type == kind]

    assert links("1", "related") == [("3", None), ("4", None), ("8", None)]
    assert links("1", "step") == [("4", 1), ("1", 2)]
    assert links("12", "related") == [("9", None), ("11", None)]  # (関連)⑨⑪ without a separator
    assert links("14", "step") == [("14", 1), ("1", 2), ("8", 2), ("9", 2)]
    assert links("14", "related") == []
    assert links("6", "related") == links("6", "step") == []
    assert all(lk.linked_measure_id == f"{DOC}:m:{lk.linked_code}" for lk in result.rows.measure_links)
    assert Counter(lk.link_type for lk in result.rows.measure_links) == {"related": 16, "step": 16}


def test_measure_texts_in_all_four_layouts(result: FileResult) -> None:
    # (a) inline "label text" (①), (b) tab rows with <p> (②), (c) **label** + next line (③),
    # (d) plain label + next line with a two-line outcome label (④), full-width （=あるべき姿） (⑫),
    # (b) with labels on separate rows between separator rows (⑮)
    m1, m2, m3, m4, m12, m15 = (measure(result, c) for c in ("1", "2", "3", "4", "12", "15"))
    assert m1.objective.startswith("市役所サービスの利用者は、時間や場所")
    assert m1.description.splitlines()[0].startswith("取組概要 デジタル技術を活用して市民の利便性")
    assert m1.description.splitlines()[1].startswith("取組背景 スマートフォン一つで")
    assert m1.description.splitlines()[2] == "※新庁舎も見据えつつ、可能なものから導入"
    assert m2.description.startswith("取組概要 広報戦略の視点で") and "<p>" not in m2.description
    assert m2.objective == "市民が必要な情報に容易にアクセスでき、必要な時に、必要な方法で、迷うことなく確実に入手できている。"
    assert m3.objective.startswith("市役所窓口・公共施設でキャッシュレス決済") and "**" not in m3.description
    assert "取組背景 日常生活でのスマートフォン決済" in m3.description
    assert m4.objective.startswith("マイナンバーカードが単なる身分証ではなく")
    assert measure(result, "10").objective.startswith("客観的な根拠(データ)")  # leading space removed
    assert m12.objective.startswith("庁内外の多様な主体との連携・協働")
    assert m15.objective.startswith("市が保有する全てのデータが「貴重な資源」")
    assert measure(result, "9").description.endswith("※新庁舎も見据えつつ、可能なものから導入")
    for m in result.rows.measures:
        assert m.objective and m.description.count("\n") >= 1, m.code
        assert "取組背景" not in m.objective and "あるべき姿" not in m.objective
    assert not issues(result, "missing_description")


# --- 個別取組 -------------------------------------------------------------------------------------


def test_initiative_fields(result: FileResult) -> None:
    i = initiative(result, "1-1")
    assert (i.name, i.tags) == ("オンライン申請", ["【行かない】", "【待たない】", "【書かない】"])
    assert (i.indicator, i.target_text, i.departments, i.lead_department) == (
        "申請数上位100手続オンライン化率", "80%以上", ["全ての課"], "全ての課")
    assert i.is_priority and i.source_line_start == 134 and i.initiative_id == f"{DOC}:1-1"
    i = initiative(result, "1-4")
    assert (i.name, i.tags, i.target_text) == ("回らない窓口(おくやみ以外)", ["【迷わない】", "【書かない】"], "令和11年度 以降")
    i = initiative(result, "1-2")
    assert (i.indicator, i.target_text) == ("導入・運用開始 ※", "令和10年度 ※")  # ※ kept as written
    assert initiative(result, "2-5").departments == ["広報秘書課", "地図情報を公開する課"]
    i = initiative(result, "5-2")
    assert (i.departments, i.lead_department) == (["全ての課", "DX推進担当", "情報システム課"], "全ての課")
    assert initiative(result, "16-3").departments == ["DX推進担当", "公マネ担当", "施設所管課"]
    assert initiative(result, "14-2").name == "業務プロセスの最適化（BPR）"  # full-width brackets kept
    assert initiative(result, "9-2").indicator == "導入※・運用開始"
    assert not initiative(result, "4-1").is_priority
    assert sum(len(i.departments) > 1 for i in result.rows.initiatives) == 24
    assert {d.role for d in result.rows.initiative_departments} == {"lead"}
    assert len(result.rows.initiative_departments) == sum(len(i.departments) for i in result.rows.initiatives)


def test_cyrillic_noise_kept_and_flagged(result: FileResult) -> None:
    assert initiative(result, "5-1").name == "デジタルデバйд向け支援 (講座、相談会等)"
    found = issues(result, "foreign_script_noise")
    assert [(i.source_line, i.severity) for i in found] == [(208, "warning")]
    assert "Cyrillic" in found[0].message and "йд" in found[0].message


def test_not_foreign_characters_are_no_foreign_letters() -> None:
    # foreign_runs tries FOREIGN_LETTERS only on a text with a character outside NOT_FOREIGN: check them all
    import re

    from planparse.parsers.koganei_roadmap.patterns import FOREIGN_LETTERS, NOT_FOREIGN, foreign_runs

    inside = re.compile(f"[{NOT_FOREIGN}]")
    assert inside.match("施") and inside.match("\n") and not inside.match("й") and not inside.match("Ω")
    assert not [hex(cp) for cp in range(0x10000) if inside.match(chr(cp)) and FOREIGN_LETTERS.match(chr(cp))]
    assert not inside.match("\U00010000") and not inside.match("\U0010ffff")  # the ranges are in the BMP
    for text in ("デジタルデバйд向け支援", "ＩＣＴ機器 Ω ℃", "한국어 ㄱ", "ΑΒΓ", "", "日本語のみ。"):
        assert [m.group() for m in foreign_runs(text)] == [m.group() for m in FOREIGN_LETTERS.finditer(text)], text


def test_roadmap_merged_cells(result: FileResult) -> None:
    assert plans(result, "2-2") == [(2026, "拡大すべき機能の検討", False), (2027, "拡大すべき機能の検討", True),
                                    (2028, "検討を踏まえた機能拡大", False)]
    first = "オンライン申請手続の拡充 (バックヤードのオンライン化による業務効率化の検討も併せて実施)"
    assert plans(result, "1-1") == [(2026, first, False), (2027, first, True), (2028, first, True)]
    assert plans(result, "2-5")[2] == (2028, "公開内容の検討・拡充", True)
    assert plans(result, "11-4") == [(y, "検討・周知・企画・実施", False) for y in (2026, 2027, 2028)]
    assert plans(result, "8-2")[0] == (2026, "財務会計システム 電子決済環境の整備", False)  # typo kept
    # leading empty cell stays null; all-empty rows get entries with plan null
    assert plans(result, "11-3") == [(2026, None, False), (2027, "スキル要件を踏まえた研修プログラム等の検討", False),
                                     (2028, "研修の実施", False)]
    for code in ("5-1", "5-2", "5-3", "11-2"):
        assert plans(result, code) == [(2026, None, False), (2027, None, False), (2028, None, False)]
    assert [i.source_line for i in issues(result, "roadmap_empty")] == [208, 209, 210, 336]
    assert [i.source_line for i in issues(result, "roadmap_leading_empty")] == [337]
    assert {a.status for a in result.rows.annual_entries} == {"not_evaluated"}
    assert sum(a.plan_inferred for a in result.rows.annual_entries) == 23 * 2 + 12 + 11
    pattern = Counter("".join("X" if w else "." for _, w, inf in ((y, p and not f, f) for y, p, f in plans(result, i.code)))
                      for i in result.rows.initiatives)
    assert pattern == {"X..": 23, "XX.": 12, "X.X": 11, "XXX": 12, ".XX": 1, "...": 4}
    i = initiative(result, "11-3")
    assert (i.start_fy, i.end_fy) == (2027, 2028)
    assert (initiative(result, "5-1").start_fy, initiative(result, "5-1").end_fy) == (None, None)


def test_note_mark_links_plan_to_the_note(result: FileResult) -> None:
    note = "※新庁舎も見据えつつ、可能なものから導入"
    entries = {(a.initiative_id.split(":")[1], a.fiscal_year): a.note for a in result.rows.annual_entries}
    assert [entries[("1-2", y)] for y in (2026, 2027, 2028)] == [note] * 3
    assert [entries[("9-2", y)] for y in (2026, 2027, 2028)] == [None, note, note]
    assert entries[("1-1", 2026)] is None
    assert sum(n is not None for n in entries.values()) == 11


# --- kpi_values ------------------------------------------------------------------------------------


def test_kpi_values(result: FileResult) -> None:
    def one(code: str) -> tuple:
        (k,) = kpis(result, code)
        return (k.fiscal_year, k.value, k.unit, k.comparator, k.period, k.baseline_text, k.metric, k.raw)

    assert one("1-1") == (2028, 80.0, "%", ">=", None, None, "申請数上位100手続オンライン化率", "80%以上")
    assert one("2-1") == (2028, 12000.0, "人", None, None, None, "登録者数(実数)", "12,000人")
    assert one("4-2") == (2028, 40.0, "%", ">=", None, None, "コンビニ交付利用率", "令和10年度40%以上")
    assert one("9-3") == (2028, 5.0, "件", ">=", "cumulative", None, "共同利用・調達への参画数", "累計5件以上")
    assert one("13-2")[1:5] == (0.0, "件", None, "cumulative")
    assert one("11-3")[1:5] == (100.0, "人", ">=", "cumulative")  # 研修受講者数(累計)
    assert one("7-3") == (2028, 70.0, "%", None, None, "平成29年7月比", "文書量削減率", "70%(平成29年7月比)")
    assert one("14-2")[:4] == (2028, 15.0, "業務", ">=")
    assert one("12-1")[:4] == (2028, 2.0, "件", ">=")
    assert one("10-2")[1:3] == (5.0, "モデル")
    assert one("15-4")[1:4] == (20.0, "部署", None)
    per_year = kpis(result, "12-2")
    assert [(k.fiscal_year, k.value, k.unit, k.comparator, k.period) for k in per_year] == [
        (y, 10.0, "件", ">=", "per_year") for y in (2026, 2027, 2028)]
    assert [(k.fiscal_year, k.value, k.unit) for k in kpis(result, "12-4")] == [(y, 2.0, "回") for y in (2026, 2027, 2028)]
    assert {k.period for k in kpis(result, "5-1")} == {"per_year"}  # 開催回数(年度)
    for textual in ("1-2", "1-4", "2-2", "2-5", "4-3", "11-1", "13-3"):
        assert kpis(result, textual) == [], textual
    assert len({k.initiative_id for k in result.rows.kpi_values}) == 39  # 63 - 24 textual targets
    assert len(result.rows.kpi_values) == 49
    assert {k.kind for k in result.rows.kpi_values} == {"target"}
    assert len({k.kpi_value_id for k in result.rows.kpi_values}) == 49


# --- issues ---------------------------------------------------------------------------------------


def test_issues_on_the_seed(result: FileResult) -> None:
    assert not [i for i in result.issues if i.severity == "error"]
    assert [i.source_line for i in issues(result, "markdown_separator_row")] == [
        122, 147, 204, 236, 258, 261, 264, 326, 331, 349, 408, 411, 428, 431]
    markup_lines = {i.source_line for i in issues(result, "markup_stripped")}
    assert {121, 143, 144, 146, 164, 257, 325, 404} <= markup_lines
    assert [i.source_line for i in issues(result, "check_department_not_in_measure")] == [172, 209, 294, 437]
    assert "公共施設マネジメント推進担当" in issues(result, "check_department_not_in_measure")[3].message
    assert len(issues(result, "roadmap_span_inferred")) == 15
    assert Counter(i.code for i in result.issues) == {
        "markup_stripped": 18, "markdown_separator_row": 14, "roadmap_span_inferred": 15, "roadmap_empty": 4,
        "check_department_not_in_measure": 4, "check_measure_number_mismatch": 2, "roadmap_leading_empty": 1,
        "foreign_script_noise": 1}


def test_parse_is_fast() -> None:
    doc = load_bytes((RAW / NAME).read_bytes(), path=NAME)
    KoganeiRoadmapParser().parse(doc)
    start = time.perf_counter()
    KoganeiRoadmapParser().parse(doc)
    assert time.perf_counter() - start < 0.1


# --- edited copies (no hard-coded answers) ---------------------------------------------------------


def test_edited_copy_yields_edited_values() -> None:
    res = edited(
        ("市公式LINE登録者数の拡大\t登録者数(実数)\t12,000人", "市公式LINE友だち数の拡大\t友だち数\t15,000人以上"),
        ("導入事例の研究\t導入の検討\t導入\t広報秘書課", "導入事例の研究\t\t導入\t情報発信課 広報秘書課"),
        ("④\tマイナンバーカードの利活用\t\t", "④\tマイナンバーカードの利活用\t○\t"),
        ("取組④\tマイナンバーカードの利活用\t", "取組④\tマイナンバーカードの利活用 <b>重点取組</b>\t"),
        ("Web会議の常態化(活用促進)\t職員の満足度(5段階で4以上)の割合\t70%以上",
         "Web会議の常態化(活用促進)\t職員の満足度(5段階で4以上)の割合\t令和9年度75%以上"),
    )
    assert not res.failed
    i = initiative(res, "2-1")
    assert (i.name, i.indicator, i.target_text) == ("市公式LINE友だち数の拡大", "友だち数", "15,000人以上")
    assert [(k.value, k.unit, k.comparator) for k in kpis(res, "2-1")] == [(15000.0, "人", ">=")]
    assert plans(res, "2-3")[1] == (2027, "導入事例の研究", True)
    assert initiative(res, "2-3").departments == ["情報発信課", "広報秘書課"]
    assert initiative(res, "2-3").lead_department == "情報発信課"
    assert measure(res, "4").is_priority and initiative(res, "4-1").is_priority
    assert sum(m.is_priority for m in res.rows.measures) == 10
    assert [(k.fiscal_year, k.value) for k in kpis(res, "7-6")] == [(2027, 75.0)]
    assert len(res.rows.initiatives) == 63


def test_edited_measure_name_and_departments() -> None:
    res = edited(
        ("\n⑥\t教育のデジタル化\t", "\n⑥\t学校教育のデジタル化\t"),
        ("取組⑥\t教育のデジタル化\t担当部署\t◎学務課・指導室", "取組⑥\t学校教育のデジタル化\t担当部署\t◎教育総務課・指導室"),
    )
    m = measure(res, "6")
    assert m.name == "学校教育のデジタル化"
    assert [(d.department, d.role) for d in res.rows.measure_departments if d.measure_id.endswith(":m:6")][:2] == [
        ("教育総務課", "lead"), ("指導室", "lead")]
    assert [i.source_line for i in issues(res, "check_measure_departments_mismatch")] == [216]


def test_a_correct_glyph_is_not_reported_and_a_new_wrong_one_is() -> None:
    res = edited(("取組①\t<b>DX人材の育成・確保</b>", "取組⑪\t<b>DX人材の育成・確保</b>"),
                 ("取組⑫\tDX推進体制の強化", "取組②\tDX推進体制の強化"))
    assert [i.source_line for i in issues(res, "check_measure_number_mismatch")] == [345, 424]
    assert initiative(res, "12-1").name == "住民参加型デジタルプラットフォームを活用した市政推進"
    assert len(res.rows.initiatives) == 63


def test_heading_name_not_in_overview_is_numbered_by_sequence() -> None:
    res = edited(("取組⑫\tDX推進体制の強化", "取組⑫\tDX推進体制の整備"))
    m = measure(res, "12")
    assert (m.name, m.name_variants) == ("DX推進体制の整備", ["DX推進体制の強化"])
    assert [i.source_line for i in issues(res, "check_measure_not_in_overview")] == [345]
    assert [i.source_line for i in issues(res, "check_measure_name_mismatch")] == [345]
    assert initiative(res, "12-2").name == "庁内各部署のDX推進の取組支援"


def test_priority_disagreement_is_reported() -> None:
    res = edited(("③\tキャッシュレス決済の推進\t○\t", "③\tキャッシュレス決済の推進\t\t"))
    assert measure(res, "3").is_priority  # the heading still says 重点取組
    assert [i.source_line for i in issues(res, "check_priority_mismatch")] == [161]


def test_renamed_file_is_detected_by_content() -> None:
    res = extract_file("plan.txt", data=(RAW / NAME).read_bytes())
    assert res.document.format == "koganei_roadmap" and len(res.rows.initiatives) == 63


# --- helpers --------------------------------------------------------------------------------------


def test_fill_roadmap_rule() -> None:
    cells = fill_roadmap([2026, 2027, 2028], ["A", None, "B"])
    assert [(c.plan, c.inferred, c.written) for c in cells] == [("A", False, "A"), ("A", True, None), ("B", False, "B")]
    cells = fill_roadmap([2026, 2027, 2028], [None, "B", None])
    assert [(c.plan, c.inferred) for c in cells] == [(None, False), ("B", False), ("B", True)]
    assert [c.plan for c in fill_roadmap([2026, 2027], [None, None])] == [None, None]


def test_parse_departments_and_links() -> None:
    log = IssueLog()
    got = parse_departments("◎会計課・手数料等を徴収する課 ○自治体DX推進担当 ●全ての課", 1, log, "t")
    assert [(d.name, d.mark, d.role) for d in got] == [
        ("会計課", "◎", "lead"), ("手数料等を徴収する課", "◎", "lead"), ("自治体DX推進担当", "○", "support"),
        ("全ての課", "●", "member")]
    got = parse_departments("企画政策課 ◎情報システム課", 7, log, "t")
    assert [(d.name, d.role) for d in got] == [("企画政策課", None), ("情報システム課", "lead")]
    assert [i.code for i in log.issues] == ["department_without_role"]
    links = parse_links("(関連)①・⑦ (ステップ)⑭→⑧", 1, log, "t")
    assert [(lk.link_type, lk.number, lk.position) for lk in links] == [
        ("related", 1, None), ("related", 7, None), ("step", 14, 1), ("step", 8, 2)]
    assert parse_links("（関連）⑩ 他", 2, log, "t")[0].number == 10
    assert log.issues[-1].code == "unparsed_link_text" and "他" in log.issues[-1].message


def _item(target: str | None, indicator: str | None = "指標") -> KoganeiItem:
    return KoganeiItem(code="1-1", measure_number=1, row=1, name="x", indicator=indicator, target=target,
                       departments_raw=None, departments=[], roadmap=[], line=1, line_end=1, seq=1)


def test_target_kpis_rules() -> None:
    years = [2026, 2027, 2028]
    assert target_kpis("d:1-1", _item("検討中に設定"), years, 2028) == []
    assert target_kpis("d:1-1", _item("令和11年度 以降"), years, 2028) == []
    (k,) = target_kpis("d:1-1", _item("令和10年度末までに15業務以上"), years, 2029)
    assert (k.fiscal_year, k.value, k.unit, k.comparator) == (2028, 15.0, "業務", ">=")
    (k,) = target_kpis("d:1-1", _item("30%(令和5年4月比)"), years, 2028)
    assert (k.fiscal_year, k.baseline_text, k.value) == (2028, "令和5年4月比", 30.0)
    (k,) = target_kpis("d:1-1", _item("約4.5万件"), years, None)
    assert (k.fiscal_year, k.value, k.unit, k.approximate, k.kpi_value_id) == (None, 45000.0, "件", True, "d:1-1:-:target:1")
    assert target_period("5件以上", "受講者数(累計)") == "cumulative"
    assert target_period("毎年度3回", None) == "per_year"
    assert target_period("令和10年度に2件以上", None) is None
    assert target_period("80%以上", "利用率") is None


def test_missing_year_header_takes_the_previous_tables_years_and_no_data_row_is_read_as_header() -> None:
    header2 = "\t\t\t令和8(2026)年度\t令和9(2027)年度\t令和10(2028)年度\t\n"
    res = edited((f"主担当\n{header2}テレワーク制度の確立", "主担当\nテレワーク制度の確立"))
    assert [i.source_line for i in issues(res, "roadmap_years_assumed")] == [244]
    assert not issues(res, "roadmap_years_missing") and not res.failed
    i = initiative(res, "7-1")
    assert (i.name, i.target_text, i.source_line_start) == ("テレワーク制度の確立", "令和9年度", 245)
    assert plans(res, "7-1") == [(2026, "試行継続・環境整備", False), (2027, "本格実施開始・推進", False),
                                 (2028, "推進", False)]
    assert len(res.rows.initiatives) == 63
    assert plans(res, "8-1")[0] == (2026, "生成AIガイドラインの策定・庁内周知", False)


def test_missing_year_header_of_the_first_table_is_an_error() -> None:
    header2 = "\t\t\t令和8(2026)年度\t令和9(2027)年度\t令和10(2028)年度\t\n"
    res = edited((f"主担当\n{header2}オンライン申請", "主担当\nオンライン申請"))
    assert [i.source_line for i in issues(res, "roadmap_years_missing")] == [132]  # the label row
    assert res.failed  # roadmap cells of 取組① could not be placed: data lost
    assert plans(res, "1-1") == [] and initiative(res, "1-1").target_text == "80%以上"
    assert len(res.rows.initiatives) == 63


def test_note_mark_without_note_line_is_reported() -> None:
    res = edited(("確立されている。\n\n※新庁舎も見据えつつ、可能なものから導入\n", "確立されている。\n\n"))
    assert [i.source_line for i in issues(res, "unresolved_note_mark")] == [291]  # 9-2 (L292), one line up
    assert {a.note for a in res.rows.annual_entries if ":9-" in a.initiative_id} == {None}
    assert "※" not in measure(res, "9").description


def test_target_baselines_and_periods_in_other_wordings() -> None:
    (k,) = target_kpis("d:1-1", _item("令和7年度比20%削減"), [2026, 2027, 2028], 2028)
    assert (k.fiscal_year, k.value, k.baseline_text) == (2028, 20.0, "令和7年度比")
    assert target_period("5年間で10件", None) is None
    assert target_period("令和10年3月までに5件", None) is None


def test_koganei_roadmap_view(tmp_path) -> None:
    import duckdb

    from planparse.pipeline import extract

    extract([RAW / NAME], tmp_path)
    con = duckdb.connect(str(tmp_path / "planparse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(plan), sum(plan_inferred::INT) FROM koganei_roadmap").fetchone() == (
            189, 176, 69)
        assert con.execute("SELECT measure_name, is_priority, plan FROM koganei_roadmap "
                           "WHERE initiative_code = '16-2' AND fiscal_year = 2028").fetchone() == (
            "先進技術の調査・研究", False, "方向性の判断 (令和10年度時点)")
    finally:
        con.close()


# --- PDF tables, isolation ------------------------------------------------------------------------


@pytest.mark.skipif(not HAVE_FONT, reason="no Japanese TrueType font")
def test_a_replica_drawn_another_way_gives_the_texts_records(tmp_path) -> None:
    """Equal column widths, header rows not repeated on the next page, ``#`` and ``**`` rendered
    away, list items bulleted: not the layouts of tests/replicas.py."""
    path = tmp_path / "koganei.variant.pdf"
    path.write_bytes(variant_pdf(raw_text()))
    text, pdf = extracted(NAME), extract_file(path)
    assert pdf.document.source_kind == "pdf" and pdf.document.format == "koganei_roadmap"
    assert not ({i.code for i in pdf.issues if i.severity == "error"}
                - {i.code for i in text.issues if i.severity == "error"})
    scores = agreement(text, pdf)
    assert scores == dict.fromkeys(scores, 1.0), differences(text, pdf)
    assert len(pdf.rows.initiatives) == 63
    assert plans(pdf, "3-2")[1][1] == "未対応公金の対応検討・拡大"  # a row after the page break
    assert [m.code for m in pdf.rows.measures if m.is_priority] == ["1", "2", "3", "7", "8", "10", "11", "13", "15"]


def test_one_percent_line_damage_costs_only_its_share() -> None:
    shares, problems = survival(NAME, 40)
    assert not problems, problems
    assert min(shares) >= 0.85 and statistics.mean(shares) >= 0.97, shares


def test_a_heading_copied_into_another_page_is_ignored() -> None:
    heading = next(line for line in raw_text().split("\n") if line.startswith("取組⑫\t"))
    res = edited(("取組概要\tスムーズな決済手続", f"{heading}\n取組概要\tスムーズな決済手続"))  # into 取組③'s page
    assert len(issues(res, "duplicate_heading")) == 1 and not res.failed
    assert [(i.code, i.name) for i in res.rows.initiatives] == [(i.code, i.name) for i in extracted(NAME).rows.initiatives]


def test_a_stray_line_inside_a_table_loses_nothing() -> None:
    res = edited(("会計課\n", "会計課\n- 3 -\n\n"))  # after 3-2: the rest of the table is a table of its own
    assert [i.source_line for i in issues(res, "table_continued")] == [176]
    assert [i.code for i in res.rows.initiatives if i.code.startswith("3-")] == ["3-1", "3-2", "3-3"]
    assert initiative(res, "3-3").name == "オンライン申請時の手数料等の決済" and not res.failed


def test_a_blank_line_inside_an_overview_table_loses_nothing() -> None:
    res = edited(("(関連)⑧ (ステップ)⑭→⑦\n", "(関連)⑧ (ステップ)⑭→⑦\n\n"))
    assert len(issues(res, "table_continued")) == 1 and not issues(res, "check_measure_not_in_overview")
    assert measure(res, "10").name == "EBPMの実践" and len(res.rows.measures) == 16


def test_a_lost_heading_line_numbers_the_table_by_its_place() -> None:
    heading = next(line for line in raw_text().split("\n") if line.startswith("取組④\t"))
    res = edited((heading + "\n", ""))
    assert len(issues(res, "table_without_heading")) == 1
    assert initiative(res, "4-1").name == "マイナンバーカードの普及促進"
    assert measure(res, "4").name == "マイナンバーカードの利活用"  # from the overview table
    assert len(res.rows.initiatives) == 63


def test_a_row_that_cannot_be_read_costs_only_itself(monkeypatch) -> None:
    from planparse.parsers.koganei_roadmap import pages

    real = pages._item_row

    def broken(ctx, block, e, width):
        if e.line == 173:  # 3-2
            raise ValueError("boom")
        return real(ctx, block, e, width)

    monkeypatch.setattr(pages, "_item_row", broken)
    res = extract_file("x.md", data=raw_text().encode("utf-8"))
    assert [(i.code, i.source_line) for i in res.issues if i.severity == "error"] == [("row_unreadable", 173)]
    assert [i.name for i in res.rows.initiatives if i.code.startswith("3-")] == [
        "市役所窓口・公共施設でのキャッシュレス決済", "オンライン申請時の手数料等の決済"]
    assert len(res.rows.initiatives) == 62


def test_a_measure_that_cannot_be_read_costs_only_itself(monkeypatch) -> None:
    from planparse.parsers.koganei_roadmap import assemble

    real = assemble._items

    def broken(ctx, block, number, done):
        if number == 5:
            raise ValueError("boom")
        return real(ctx, block, number, done)

    monkeypatch.setattr(assemble, "_items", broken)
    res = extract_file("x.md", data=raw_text().encode("utf-8"))
    assert [(i.code, i.source_line) for i in res.issues if i.severity == "error"] == [("measure_unreadable", 200)]
    assert len(res.rows.initiatives) == 60 and not any(i.code.startswith("5-") for i in res.rows.initiatives)


def test_the_format_page_names_every_issue_code_the_parser_writes() -> None:
    package = ROOT / "src" / "planparse" / "parsers" / "koganei_roadmap"
    codes = {c for f in package.glob("*.py") for c in issue_codes(f.read_text(encoding="utf-8"))}
    assert {"table_continued", "row_unreadable", "duplicate_heading", "roadmap_years_missing"} <= codes
    page = (ROOT / "docs" / "formats" / "koganei_roadmap.md").read_text(encoding="utf-8")
    assert sorted(c for c in codes if f"`{c}`" not in page) == []


def test_a_table_continued_after_repeated_header_rows_is_one_table() -> None:
    """A 個別取組 table continued on the next page that the PDF did not join, its two header rows
    repeated there: the rows after them are the same 取組's."""
    lines = raw_text().split("\n")
    header = next(line for line in lines if line.startswith("個別取組\t"))
    years = next(line for line in lines if line.startswith("\t\t\t令和8"))
    res = edited(("会計課\n", f"会計課\n\n- 3 -\n\n{header}\n{years}\n"))  # after 3-2
    assert len(issues(res, "table_continued")) == 1 and not issues(res, "table_without_heading")
    assert [i.code for i in res.rows.initiatives if i.code.startswith("3-")] == ["3-1", "3-2", "3-3"]
    assert initiative(res, "3-3").name == "オンライン申請時の手数料等の決済"
    assert [(i.code, i.name) for i in res.rows.initiatives] == [(i.code, i.name) for i in extracted(NAME).rows.initiatives]


def test_departments_run_together_are_split_by_the_names_the_document_writes() -> None:
    res = edited(("推進\tDX推進担当 職員課", "推進\tDX推進担当職員課"))  # 7-1, as a PDF line break leaves it
    assert [i.source_line for i in issues(res, "department_split")] == [246]
    assert initiative(res, "7-1").departments == ["DX推進担当", "職員課"]
    iid = f"{res.document.document_id}:7-1"
    assert [(d.department, d.role) for d in res.rows.initiative_departments if d.initiative_id == iid] == [
        ("DX推進担当", "lead"), ("職員課", "lead")]
    assert initiative(res, "7-5").departments == ["DX推進担当"]  # a name of its own is never split
