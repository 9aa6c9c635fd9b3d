"""昭島市デジタル化推進計画 中間報告書 parser: real values from the seed, irregular cases from the
layout notes, the splitting rules on small inputs, and edited copies of the document."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from planparse.ingest import load, load_bytes
from planparse.parsers.akishima_midterm_report import (
    AkishimaMidtermReportParser,
    _Line,
    _schedule_items,
    display_width,
    display_widths,
    piece,
    split_columns,
    split_schedule,
)
from planparse.pipeline import FileResult, extract_file
from tests.conftest import RAW, extracted

SEED = "akishima_digital_plan_midterm_2024.txt"
DOC_ID = "3d907fa38bc5"


@pytest.fixture(scope="module")
def result() -> FileResult:
    return extracted(SEED)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return (RAW / SEED).read_text(encoding="utf-8")


def _ini(res: FileResult, code: str):
    return next(i for i in res.rows.initiatives if i.code == code)


def _year(res: FileResult, code: str, fy: int):
    return next(a for a in res.rows.annual_entries if a.initiative_id == f"{res.document.document_id}:{code}"
                and a.fiscal_year == fy)


def _plans(res: FileResult, code: str) -> dict[int, str | None]:
    iid = f"{res.document.document_id}:{code}"
    return {a.fiscal_year: a.plan for a in res.rows.annual_entries if a.initiative_id == iid and a.fiscal_year >= 2024}


def _issues(res: FileResult, code: str) -> list:
    return [i for i in res.issues if i.code == code]


def _extract_text(tmp_path: Path, text: str) -> FileResult:
    path = tmp_path / "edited_copy.txt"
    path.write_bytes(text.encode("utf-8"))
    return extract_file(path)


def _replace_line(text: str, number: int, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` on 1-based line ``number`` only (so the edit is unambiguous)."""
    lines = text.split("\n")
    assert old in lines[number - 1], (number, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Detection and document facts
# ---------------------------------------------------------------------------------------------


def test_detects_the_report_from_content_not_name(tmp_path: Path) -> None:
    data = (RAW / SEED).read_bytes()
    renamed = load_bytes(data, path=str(tmp_path / "whatever.md"))
    assert AkishimaMidtermReportParser.detect(renamed) >= 0.9
    other = load(RAW / "musashino_info_plan7_progress.md")
    assert AkishimaMidtermReportParser.detect(other) < 0.5


def test_document_row(result: FileResult) -> None:
    d = result.document
    assert d.document_id == DOC_ID
    assert d.format == "akishima_midterm_report"
    assert (d.municipality_code, d.municipality_name) == ("132071", "昭島市")
    assert d.title == "昭島市デジタル化推進計画中間報告書"
    assert (d.plan_start_fy, d.plan_end_fy) == (2022, 2026)
    assert d.extraction_status == "ok"
    assert not [i for i in result.issues if i.severity == "error"]


def test_parse_is_fast() -> None:
    doc = load(RAW / SEED)
    parser = AkishimaMidtermReportParser()
    parser.parse(doc)
    start = time.perf_counter()
    parser.parse(doc)
    assert time.perf_counter() - start < 0.15


# ---------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------


def test_counts(result: FileResult) -> None:
    rows = result.rows
    assert len(rows.initiatives) == 30
    assert [i.code for i in rows.initiatives] == [str(n) for n in range(1, 26)] + ["A1", "A2", "A3", "A4", "A5"]
    assert Counter(i.status_raw for i in rows.initiatives) == {"\u3007": 20, "△": 3, "×": 2, None: 5}
    assert all(i.status_raw != "○" for i in rows.initiatives)    # U+25CB never appears
    assert sum(i.is_new for i in rows.initiatives) == 5
    assert len(rows.annual_entries) == 125 + 15                   # 25 施策 × FY2022–2026, 5 追加 × FY2024–2026
    assert len(rows.policies) == 3 and len(rows.measures) == 3
    assert len(rows.initiative_departments) == 25 + 2 + 3 + 4 + 2 + 3


def test_figures_from_the_status_list(result: FileResult) -> None:
    figures = {(f.scope, f.fiscal_year, f.metric): f.value for f in result.rows.document_figures}
    assert figures == {("total", None, "status_count:\u3007"): 20.0, ("total", None, "status_count:△"): 3.0,
                       ("total", None, "status_count:×"): 2.0}
    assert all(f.source_line == 163 for f in result.rows.document_figures)
    assert not _issues(result, "figure_mismatch")


def test_policies_and_pass_through_measures(result: FileResult) -> None:
    names = {p.code: (p.name, p.source_line) for p in result.rows.policies}
    assert names == {
        "1": ("市民が「便利になった」と実感するデジタル化の推進", 745),
        "2": ("未来を見据えたスマート自治体の推進", 1883),
        "3": ("デジタル化に不安を抱かない安全・安心・信頼の確立", 3075),
    }
    for m in result.rows.measures:
        assert m.code == m.policy_code and m.name == m.policy_name == names[m.code][0]
    by_measure = Counter(i.measure_id.rsplit(":", 1)[1] for i in result.rows.initiatives)
    assert by_measure == {"1": 10 + 3, "2": 10 + 2, "3": 5}
    assert _ini(result, "10").measure_id == f"{DOC_ID}:m:1"
    assert _ini(result, "11").measure_id == f"{DOC_ID}:m:2"
    assert _ini(result, "A3").measure_id == f"{DOC_ID}:m:1"
    assert _ini(result, "A4").measure_id == f"{DOC_ID}:m:2"


# ---------------------------------------------------------------------------------------------
# The 25 施策
# ---------------------------------------------------------------------------------------------


def test_initiative_1_field_by_field(result: FileResult) -> None:
    i = _ini(result, "1")
    assert i.name == "行政手続のオンライン化（スマートフォン対応）"
    assert i.report_name == "行政手続のオンライン化"
    assert (i.division, i.lead_department, i.section, i.phone_extension) == ("総務部", "デジタル戦略担当", None, "2319")
    assert i.departments == ["デジタル戦略担当"]
    assert (i.start_fy, i.end_fy) == (2022, 2026)
    assert i.summary == ("市民の利便性向上のため、オンライン上で申請・届出ができる行政手続の拡充を図ります。また、"
                         "オンライン申請においてはスマートフォンでの申請に対応します。さらに行政手続きの書面・押印の"
                         "見直しも進め、申請手続きに必要な添付書類の省略や簡素化を図ります。")
    assert i.target_text == "オンライン申請が可能な行政手続数の増加"
    assert (i.status_raw, i.status, i.is_revised) == ("△", "minor_revision", True)
    # 達成状況・今後の課題 runs over the page number 16 (line 841): joined without it
    assert "徴収の届出は必要なくなる等）達成目標に記載のあるオンライン申請" in i.assessment
    assert "16" not in i.assessment
    progress, revision = i.assessment.split("\n【見直し】\n")
    assert progress.endswith("確認が可能なフォーム作成ツールを活用します。")
    assert revision == i.revision_note
    assert i.revision_note.split("\n")[0] == (
        "・東京共同電子申請・届出サービスのシステム更改により、本市が活用していた電子申請ツールと同じサービスが"
        "選定されたため、令和７年度より運用を統一します。")
    assert len(i.revision_note.split("\n")) == 3
    assert (i.source_line_start, i.source_line_end) == (749, 874)
    fy22 = _year(result, "1", 2022)
    assert fy22.result == "オンライン申請が可能な行政手続数の追加・修正等の対応をしました。"
    assert fy22.target == "オンライン申請が可能な行政手続数の増加"
    assert (fy22.status_raw, fy22.status) == (None, None)
    assert _plans(result, "1") == {y: "オンライン申請が可能な行政手続数の増加" for y in (2024, 2025, 2026)}
    assert _year(result, "1", 2025).status == "not_evaluated"


def test_marks_and_review_text(result: FileResult) -> None:
    marks = {i.code: (i.status_raw, i.status) for i in result.rows.initiatives if i.status_raw != "\u3007"}
    assert marks == {"1": ("△", "minor_revision"), "4": ("×", "revision_needed"), "5": ("×", "revision_needed"),
                     "12": ("△", "minor_revision"), "22": ("△", "minor_revision"),
                     "A1": (None, None), "A2": (None, None), "A3": (None, None), "A4": (None, None),
                     "A5": (None, None)}
    revised = {i.code for i in result.rows.initiatives if i.is_revised}
    assert revised == {"1", "4", "5", "12", "22"}
    assert _ini(result, "2").revision_note is None and "【見直し】" not in _ini(result, "2").assessment
    assert _ini(result, "22").revision_note.endswith("サポートを受けることができるようにします。")
    assert "延べ 20名の方の参加がありました。" in _ini(result, "22").revision_note


def test_names_from_the_list_and_report_names(result: FileResult) -> None:
    report_names = {i.code: i.report_name for i in result.rows.initiatives if i.report_name}
    assert report_names == {"1": "行政手続のオンライン化", "11": "市民・庁内アンケートの実施",
                            "21": "スマートフォン・インターネット活用教室の実施", "23": "自治体 DX研修の実施"}
    assert _ini(result, "10").name == "学校教育における ICT 化の推進"
    assert _ini(result, "23").name == "自治体 DX（デジタル トランスフォーメーション）研修の実施"
    assert _ini(result, "20").name == "公共施設における Wi-Fi整備・拡充の推進"


def test_departments_sections_phones(result: FileResult) -> None:
    got = {i.code: (i.division, i.lead_department, i.section, i.phone_extension)
           for i in result.rows.initiatives if not i.is_new}
    assert got["2"] == ("市民部", "市民課", "市民係", "2021")
    assert got["4"] == ("総務部", "デジタル戦略担当", None, "2021")
    assert got["5"] == ("総務部", "デジタル戦略担当", None, "2319")            # 課 wrapped over 2 lines
    assert got["6"] == ("企画部", "企画政策課", "企画調整担当", "2374")
    assert got["7"] == ("総務部", "防災安全課", "防災係", "2182")
    assert got["9"] == ("生涯学習部", "アキシマエンシス管理課", "文化財係", "519-5717")
    assert got["10"] == ("学校教育部", "教育総務課", None, "2214")
    assert got["17"] == ("総務部", "情報システム課", "システム調整担当", "2614")  # 係 wrapped, 電話 alone
    assert got["18"] == ("総務部", "職員課", "職員係", "2322")
    assert got["15"] == ("総務部", "総務課", "契約係", "2337")
    assert sum(1 for v in got.values() if v[1] == "デジタル戦略担当") == 9


def test_period_and_related_laws(result: FileResult) -> None:
    laws = {i.code: i.related_laws for i in result.rows.initiatives if i.related_laws}
    assert laws == {
        "4": "マイナポータル活用教室の実施", "9": "文化財保護法・昭島市文化財保護条例", "12": "―", "15": "－",
        "17": "地方公共団体情報システムの標準化に関する法律", "20": "Akishima City Free Wi-Fi",
        "21": "東京デジタルファースト 推進計画等", "22": "昭島市情報セキュリティポリシー等",
        "24": "昭島市情報セキュリティポリシー等", "25": "昭島市情報セキュリティポリシー等",
    }
    assert {(i.start_fy, i.end_fy) for i in result.rows.initiatives if not i.is_new} == {(2022, 2026)}


def test_two_column_boxes(result: FileResult) -> None:
    # a short left cell sharing its line with the first line of the 目標 cell
    fy23 = _year(result, "7", 2023)
    assert fy23.result == "市民への情報伝達のメール配信システムを導入しました。"
    assert fy23.target == "市民への情報伝達の一斉送信システムの導入"
    fy22 = _year(result, "7", 2022)
    assert fy22.result.endswith("システムの導入に向けた検討を実施しました。")
    assert fy22.target == "市民への情報伝達の一斉送信システムの検討"
    assert _ini(result, "7").target_text == ("様々な情報発信手段を一括して管理し、同時に情報発信を可能とするシステムの"
                                             "導入効果の検討及び効率的な活用の検討")
    # 12: the result is only the word 未達成; it is also the year's status
    for fy in (2022, 2023):
        e = _year(result, "12", fy)
        assert (e.result, e.status_raw, e.status) == ("未達成", "未達成", "not_achieved")
        assert e.target == "・訪問支援システムの導入\n・担当部署へのモバイル端末配備"
    # left cells without a final 。 (items, bullets)
    assert _year(result, "11", 2022).result == "フォーム作成ツールの導入\n166件のフォームを作成"
    assert _year(result, "11", 2022).target == "フォーム作成ツールの導入"
    assert _ini(result, "11").target_text == "ノーコード・ローコード開発ツールを利用したアンケートフォームの導入・活用"
    assert _year(result, "10", 2022).result.split("\n")[-1] == "・ICT担当者連絡会にて授業における ICTの効果的な活用について協議"
    assert _year(result, "14", 2023).result.split("\n")[:2] == ["・機能要件書を作成", "・RFPの実施"]
    assert _year(result, "16", 2022).result == ("・本庁舎 20カ所、保健福祉センター（あいぽっく）８カ所に無線のアクセスポイントを設置\n"
                                                "・ノート PC120台を導入")
    # 17: filler lines before the 2022 目標, page break before the 2023 label, 2023 目標 right after a bullet
    assert _year(result, "17", 2022).target == "プロセスの見直し"
    assert _year(result, "17", 2023).target == "システムの移行"
    assert _year(result, "17", 2023).result.endswith("（行政事務標準文字 MJ+）への同定作業")
    # 13 / 24 / 25: filler lines between the cells
    assert _year(result, "13", 2023).target == "・AI 相談システム活用\n・生活保護版レセプト自動内容点検システム導入検討\n・RPA導入"
    assert _year(result, "25", 2023).result.split("\n")[-1] == "・新任研修"
    assert _year(result, "25", 2023).target == "情報漏えい等のセキュリティ事故の発生防止"
    # yearly targets that differ from the overall 目標
    assert _year(result, "21", 2022).target == "高齢者、障害者向けスマートフォン・インターネット活用教室の開催"
    assert _ini(result, "21").target_text == "高齢者向けスマートフォン・インターネット活用教室の開催"
    assert _year(result, "3", 2022).target == "税金等の納付方法及び使用料等の支払い方法の拡充検討"


def test_source_typos_are_kept(result: FileResult) -> None:
    assert _ini(result, "5").assessment.startswith("マインバーカードの活用を検討する中で")
    assert "頻繫に必要とする部署" in _year(result, "6", 2022).result
    assert _year(result, "8", 2022).result == "AIチャットボットの導入し、5,760件の問い合わせに対応しました。"
    assert "説明だけではく" in _year(result, "22", 2023).result
    assert "チャットコミュケーション" in _year(result, "24", 2022).result
    assert _plans(result, "13")[2024].startswith("・AI－OCR導入")


def test_schedule_cells(result: FileResult) -> None:
    assert _plans(result, "2") == {2024: "システムの導入", 2025: "システム利用範囲の拡充", 2026: "システム利用範囲の拡充"}
    assert _plans(result, "3") == {2024: "税金等の納付方法及び使用料等の支払い方法の拡充検討",
                                   2025: "税金等の納付方法及び使用料等の支払い方法の拡充",
                                   2026: "税金等の納付方法及び使用料等の支払い方法の拡充"}
    assert set(_plans(result, "8").values()) == {"AIチャットボットの拡充"}
    p10 = _plans(result, "10")
    assert p10[2024].split("\n") == ["・ICT機器及び環境の整備と有効活用のための研修・サポートの実施",
                                     "・情報モラル教育の計画的な指導の充実", "・校内ネットワーク機器の更新",
                                     "・図書室パソコンの更新", "・大型ディスプレイ追加配備"]
    assert p10[2025].split("\n") == ["ICT機器及び環境の整備と有効活用のための研修・サポートの実施",
                                     "・情報モラル教育の計画的な指導の充実", "・学習用タブレットの更新"]
    assert p10[2026].split("\n") == ["ICT機器及び環境の整備と有効活用のための研修・サポートの実施",
                                     "・各学校で ICT機器をより効果的に活用する教育活動の充実"]
    assert _plans(result, "12") == {y: "・訪問支援システムの導入\n・担当部署へのモバイル端末配備" for y in (2024, 2025, 2026)}
    p13 = _plans(result, "13")
    assert [len(p13[y].split("\n")) for y in (2024, 2025, 2026)] == [4, 2, 3]
    assert p13[2026].endswith("・生活保護版レセプト自動内容点検システム導入検討及び導入")
    assert _plans(result, "14")[2024] == "・業務プロセスの見直し\n・電子決裁システムの導入"
    assert _plans(result, "14")[2025] == "・業務プロセスの見直し\n・電子決裁システムの運用"
    assert _plans(result, "15") == {2024: "サービス利用準備", 2025: "サービス利用準備・利用開始", 2026: "利用"}
    assert _plans(result, "17") == {2024: "標準準拠システム環境構築", 2025: "標準準拠システムへの移行完了・本稼働",
                                    2026: "標準準拠システムに対する課題等の洗い出し"}
    assert _plans(result, "18") == {2024: "・テレワーク用パソコンの整備\n・服務規程の整備\n・テレワーク本格実施",
                                    2025: "・テレワーク本格実施", 2026: "・テレワーク本格実施"}
    assert _plans(result, "19") == {2024: "種類の拡充", 2025: "種類の拡充\n既存データの確認",
                                    2026: "種類の拡充\n既存データの確認"}
    assert set(_plans(result, "23").values()) == {"自治体 DX研修の実施"}
    # the page number 44 after report 18 is not a schedule item
    assert "44" not in (_plans(result, "18")[2026] or "")
    e = _year(result, "15", 2025)
    assert (e.source_line_start, e.source_line_end, e.status) == (2493, 2495, "not_evaluated")


def test_kpi_values(result: FileResult) -> None:
    kpis = {(k.initiative_id.split(":")[1], k.fiscal_year, k.kind, k.raw): (k.value, k.unit, k.metric, k.source_line)
            for k in result.rows.kpi_values}
    assert kpis[("8", 2022, "actual", "5,760件")] == (5760.0, "件", "問い合わせ", 1563)
    assert kpis[("8", 2023, "actual", "12,236件")] == (12236.0, "件", "問い合わせ", 1575)
    assert kpis[("16", 2022, "actual", "120台")] == (120.0, "台", "ノート PC", 2558)
    assert kpis[("16", 2022, "actual", "８カ所")][:2] == (8.0, "カ所")
    assert kpis[("23", 2023, "actual", "102名")] == (102.0, "名", "RPA研修", 3403)
    assert kpis[("11", 2023, "actual", "449件")] == (449.0, "件", "フォーム", 1955)
    assert len({k.kpi_value_id for k in result.rows.kpi_values}) == len(result.rows.kpi_values) == 20


# ---------------------------------------------------------------------------------------------
# The 5 added 施策
# ---------------------------------------------------------------------------------------------


def test_additions(result: FileResult) -> None:
    names = {i.code: i.name for i in result.rows.initiatives if i.is_new}
    assert names == {"A1": "防災 DXツールのトライアル事業", "A2": "子どもに関する手続きのデジタル化",
                     "A3": "アナログ規制の見直し", "A4": "コミュニケーションツールの活用推進",
                     "A5": "デジタル人財の確保・育成"}
    a3 = _ini(result, "A3")
    assert a3.departments == ["行政経営担当", "法務担当", "情報システム課", "デジタル戦略担当"]
    assert a3.lead_department == "行政経営担当"
    assert (a3.start_fy, a3.end_fy, a3.status) == (2024, 2026, None)
    assert a3.current_issues.startswith("デジタル庁は、デジタル社会の実現に向けて、国の法令等における「アナログ規制」*の")
    assert "アナログ的な手法" not in a3.current_issues                       # the footnote is not 現状・課題
    assert a3.target_text == "（仮称）行政手続デジタル化条例の検討\n個別のアナログ規制の見直し"
    assert a3.schedule == ["（仮称）行政手続デジタル化条例検討", "個別のアナログ規制の見直し", "行政手続のデジタル化の推進"]
    assert a3.summary.startswith("令和７年度には市民の行政手続をオンラインで実施することを原則可能とする")
    assert a3.expected_effect.endswith("行政コストの削減が期待できます。")
    assert _ini(result, "A1").target_text == "防災 DXツールのトライアル・導入検討"
    assert _ini(result, "A2").target_text.split("\n") == ["子どもに関する手続きの原則オンライン化",
                                                          "子育て支援制度レジストリの構築", "保活ワンストップサービスの導入"]
    a4 = _ini(result, "A4")
    assert a4.target_text == "チャットツールや LGWAN環境で利用可能な Web会議ツールの導入及び効果的な活用促進"
    assert a4.schedule == ["チャットツールや LGWAN環境で利用可能な Web会議ツールの検討・導入",
                           "コミュニケーションツールの効果的な活用促進"]
    assert _ini(result, "A5").schedule == ["職員の DX意識の向上", "ICT採用の職員数の増加"]
    assert _ini(result, "A2").departments == ["子ども未来課", "子ども育成支援課", "デジタル戦略担当"]
    assert _ini(result, "A1").expected_effect.startswith("備蓄物資の在庫管理をデジタル化することで")
    # one not_evaluated row per 実施年度 column, without plan: the Gantt bars carry no year
    added = [a for a in result.rows.annual_entries if a.initiative_id.endswith((":A1", ":A2", ":A3", ":A4", ":A5"))]
    assert Counter((a.initiative_id[-2:], a.fiscal_year) for a in added) == {
        (f"A{n}", y): 1 for n in range(1, 6) for y in (2024, 2025, 2026)}
    assert {(a.status, a.plan, a.target, a.status_raw) for a in added} == {("not_evaluated", None, None, None)}
    assert _year(result, "A3", 2024).source_line_start == 530  # its 実施年度 label
    assert len(_issues(result, "gantt_years_unknown")) == 5
    terms = [(t.term, t.source_line_start) for t in result.rows.glossary_terms]
    assert terms == [("アナログ規制", 479)]
    assert [(r.source_line, r.marked_text) for r in result.rows.glossary_references] == [(493, "アナログ規制")]


# ---------------------------------------------------------------------------------------------
# Warnings on the seed
# ---------------------------------------------------------------------------------------------


def test_warnings_on_the_seed(result: FileResult) -> None:
    codes = Counter(i.code for i in result.issues)
    assert codes == {
        "gantt_years_unknown": 5, "shared_line_split": 3, "schedule_split_inferred": 4,
        "check_report_name_differs": 4, "check_related_law_is_name": 1, "check_result_is_assessment": 2,
        "check_phone_variant": 1,
    }
    assert {i.source_line for i in _issues(result, "check_report_name_differs")} == {763, 1901, 3093, 3349}
    assert [i.source_line for i in _issues(result, "schedule_split_inferred")] == [2231, 2373, 2860, 2968]
    phone = _issues(result, "check_phone_variant")[0]
    assert "report 4" in phone.message and "2319" in phone.message and "市民課" in phone.message


# ---------------------------------------------------------------------------------------------
# Rules on small inputs
# ---------------------------------------------------------------------------------------------


def _lines(*texts: str, start: int = 1) -> list[_Line]:
    out = []
    for n, t in enumerate(texts, start=start):
        out.append(_Line(n, "", 0, "", filler=True) if t == " " else piece(n, t))
    return out


def test_display_width() -> None:
    assert display_width("ICT機器") == 7
    assert display_width("〇△×・") == 8
    # the document's lines measured at once give each line's width; a text with a newline too
    lines = [ln.strip() for ln in (RAW / SEED).read_text(encoding="utf-8").split("\n")]
    assert display_widths(lines) == [display_width(t) for t in lines]
    assert display_widths(["ICT機器", "a\nb", ""]) == [7, 3, 0]


def test_split_columns_rules() -> None:
    cols = split_columns(_lines("未達成 ・訪問支援システ", "ムの導入"), 54)
    assert cols.rule == "shared_line"
    assert [ln.text for ln in cols.left] == ["未達成"]
    assert [ln.text for ln in cols.right] == ["・訪問支援システ", "ムの導入"]
    wrapped = split_columns(_lines("税金等の納付方法及び使用料等の支払い方法の拡充を検討し", "ました。",
                                   "税金等の納付方法", "の拡充"), 54)
    assert [ln.text for ln in wrapped.right] == ["税金等の納付方法", "の拡充"]
    filler = split_columns(_lines("・情報セキュリティ内部及び外部監査", "・新任研修", " ", "情報漏えい等のセ", "発生防止"), 54)
    assert (filler.rule, [ln.text for ln in filler.left][-1]) == ("filler", "・新任研修")


def test_split_schedule_rules() -> None:
    same = _schedule_items(_lines("セキュリティ研修", "の継続", "セキュリティ研修", "の継続", "セキュリティ研修", "の継続"), 16)
    split = split_schedule(same[0], 3)
    assert split.rule == "three_items" and [len(c) for c in split.cells] == [1, 1, 1]
    # four different items, nothing to tell the cells apart: earliest year, reported as ambiguous
    items, _ = _schedule_items(_lines("調査", "設計", "構築", "運用"), 16)
    split = split_schedule(items, 3)
    assert split.rule == "ambiguous_first_year"
    assert [[it.text for it in c] for c in split.cells] == [["調査", "設計"], ["構築"], ["運用"]]
    # fewer items than years: everything stays on the first year
    items, _ = _schedule_items(_lines("継続実施"), 16)
    assert split_schedule(items, 3).rule == "unsplit"


# ---------------------------------------------------------------------------------------------
# Edited copies
# ---------------------------------------------------------------------------------------------


def test_edited_copy_renames_and_remarks(tmp_path: Path, seed_text: str) -> None:
    text = _replace_line(seed_text, 167, "２.窓口の申請書電子化 〇", "２.窓口の申請書デジタル化 ×")
    text = _replace_line(text, 893, "市民課", "窓口サービス課")
    text = _replace_line(text, 895, "電話 2021", "電話 4321")
    text = _replace_line(text, 899, "令和４年～令和８年", "令和５年～令和９年")
    text = _replace_line(text, 1563, "5,760件", "6,001件")
    text = _replace_line(text, 2972, "種類の拡充", "種類の見直し")
    res = _extract_text(tmp_path, text)
    assert res.document.extraction_status == "ok"
    i2 = _ini(res, "2")
    assert (i2.name, i2.status_raw, i2.status) == ("窓口の申請書デジタル化", "×", "revision_needed")
    assert (i2.lead_department, i2.phone_extension, i2.start_fy, i2.end_fy) == ("窓口サービス課", "4321", 2023, 2027)
    assert i2.report_name == "窓口の申請書電子化"
    figures = {f.metric: f.value for f in res.rows.document_figures}
    assert figures == {"status_count:\u3007": 19.0, "status_count:△": 3.0, "status_count:×": 3.0}
    assert not _issues(res, "figure_mismatch")
    assert [i.source_line for i in _issues(res, "check_heading_name_differs")] == [875]
    assert [i.source_line for i in _issues(res, "check_revision_missing")] == [167]
    kpi = next(k for k in res.rows.kpi_values if k.initiative_id.endswith(":8") and k.fiscal_year == 2022)
    assert (kpi.value, kpi.raw) == (6001.0, "6,001件")
    assert _plans(res, "19")[2026] == "種類の見直し\n既存データの確認"


def test_edited_copy_review_and_additions(tmp_path: Path, seed_text: str) -> None:
    text = _replace_line(seed_text, 286, "22.ICTサポーターの育成 【達成状況：△】", "22.ICTサポーターの養成 【達成状況：×】")
    text = _replace_line(text, 311, "防災 DXツールのトライアル事業", "防災 DXツールの本格導入事業")
    text = _replace_line(text, 315, "防災安全課、デジタル戦略担当", "危機管理課、デジタル戦略担当、情報システム課")
    text = _replace_line(text, 361, "トライアル・導入検討", "本格導入")
    res = _extract_text(tmp_path, text)
    assert {i.code for i in res.issues if i.code.startswith("check_revision")} == {
        "check_revision_mark_differs", "check_revision_name_differs"}
    a1 = _ini(res, "A1")
    assert a1.name == "防災 DXツールの本格導入事業"
    assert a1.departments == ["危機管理課", "デジタル戦略担当", "情報システム課"]
    assert a1.target_text == "防災 DXツールの本格導入"


def test_unknown_mark_is_reported_not_guessed(tmp_path: Path, seed_text: str) -> None:
    text = _replace_line(seed_text, 169, "導入事業 〇", "導入事業 ○")     # U+25CB instead of U+3007
    res = _extract_text(tmp_path, text)
    i3 = _ini(res, "3")
    assert (i3.status_raw, i3.status) == ("○", None)
    assert [i.source_line for i in _issues(res, "unknown_status_mark")] == [169]


def test_missing_report_keeps_the_list_row(tmp_path: Path, seed_text: str) -> None:
    lines = seed_text.split("\n")
    # drop report 25 (its heading to the end of its schedule)
    edited = "\n".join(lines[:3575] + lines[3698:])
    res = _extract_text(tmp_path, edited)
    i25 = _ini(res, "25")
    assert (i25.name, i25.status_raw, i25.summary) == ("情報セキュリティ教育の充実", "\u3007", None)
    assert [i.source_line for i in _issues(res, "check_report_missing")] == [214]
    assert len(res.rows.annual_entries) == 120 + 15  # 24 reports × 5 years; the additions × 3

