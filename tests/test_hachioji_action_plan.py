"""八王子市DX推進計画 アクションプラン (format ``hachioji_action_plan``): values read from the seed,
checked against the document (line numbers refer to data/raw/hachioji_dx_action_plan_2025.txt)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from functools import cache

import pytest

from planparse.check import compare_figures
from planparse.detect import detect
from planparse.ingest import load_bytes
from planparse.parsers.hachioji_action_plan import HachiojiActionPlanParser
from planparse.parsers.hachioji_action_plan.names import split_name as _split_name
from planparse.pipeline import FileResult, extract_file
from planparse.schemas.hachioji_action_plan import cell_values, department_list, year_status
from tests.conftest import RAW

SEED = RAW / "hachioji_dx_action_plan_2025.txt"


@cache
def result() -> FileResult:
    return extract_file(SEED)


def card(code: str) -> dict:
    rows = [i for i in result().rows.initiatives if i.code == code]
    assert len(rows) == 1, code
    return rows[0].model_dump()


def years(code: str) -> dict[int, dict]:
    iid = card(code)["initiative_id"]
    return {a.fiscal_year: a.model_dump() for a in result().rows.annual_entries if a.initiative_id == iid}


def kpis(code: str, fiscal_year: int | None = None) -> list[dict]:
    """The numbers the card writes (derived targets left out, see test_kpi_pairs), exact Decimals as
    floats so that literals compare."""
    iid = card(code)["initiative_id"]
    return [{**d, "value": float(d["value"]), "delta": None if d["delta"] is None else float(d["delta"])}
            for k in result().rows.kpi_values
            if k.initiative_id == iid and not k.derived and (fiscal_year is None or k.fiscal_year == fiscal_year)
            for d in [k.model_dump()]]


def issues(code: str) -> list:
    return [i for i in result().issues if i.code == code]


# ---- whole document -----------------------------------------------------------------------------


def test_detected_and_extracted_without_errors() -> None:
    r = result()
    assert r.document.format == "hachioji_action_plan"
    assert not r.failed, [i.message for i in r.issues if i.severity == "error"]
    assert r.document.municipality_code == "132012"
    assert r.document.title == "八王子市デジタル・トランスフォーメーション（ＤＸ）推進計画 アクションプラン（令和7年度（2025年度）版）"
    assert (r.document.plan_start_fy, r.document.plan_end_fy) == (2022, 2025)


def test_counts() -> None:
    rows = result().rows
    assert len(rows.initiatives) == 170
    assert len(rows.measures) == 18
    assert [p.name for p in rows.policies] == ["生活の質の向上", "地域課題の解消", "行政の業務刷新"]
    kpi_cards = {a.initiative_id for a in rows.annual_entries}
    assert len(kpi_cards) == 112
    assert len(rows.annual_entries) == 112 * 4
    per_policy = Counter(i.code.split("-")[0] for i in rows.initiatives)
    assert per_policy == {"1": 69, "2": 51, "3": 50}
    kpi_per_policy = Counter(i.code.split("-")[0] for i in rows.initiatives if i.initiative_id in kpi_cards)
    assert kpi_per_policy == {"1": 44, "2": 29, "3": 39}


def test_measure_codes_and_names() -> None:
    measures = {m.code: m for m in result().rows.measures}
    assert list(measures) == [f"{p}-{n}" for p in "123" for n in range(1, 7)]
    assert measures["1-1"].name == "行政手続のオンライン化"
    assert measures["2-4"].name == "観光資源の活用とユニバーサルツーリズム"
    assert measures["3-6"].name == "職場環境の最適化"
    assert measures["3-6"].policy_code == "3" and measures["3-6"].policy_name == "行政の業務刷新"
    assert measures["1-1"].objective == ("行政手続を市役所の窓口に行くことなく、いつでもどこでもスマートフォン等から"
                                         "オンラインで行うことができるようになっています")
    assert measures["1-1"].description.splitlines()[0].startswith("①申請件数の多い手続から順次オンライン化を推進します")
    assert "①申請のオンライン化 ②オンライン納付の推進 を中心に、来庁を不要とする市役所を実現します" in \
        measures["1-1"].description
    # every card hangs under the measure of its 管理番号
    for i in result().rows.initiatives:
        assert i.measure_id.endswith(":m:" + i.code.rsplit("-", 1)[0])


def test_measure_overall_targets() -> None:
    mid = next(m.measure_id for m in result().rows.measures if m.code == "1-5")
    values = [k for k in result().rows.kpi_values if k.measure_id == mid]
    assert all(k.initiative_id is None and k.fiscal_year is None and k.kind == "target" for k in values)
    assert [k.value for k in values] == [2000, 6000, 7000, 8000]
    assert values[0].metric == "デジタルデバイド対策教室等の受講者及び相談会参加者" and values[0].unit == "人"
    mid = next(m.measure_id for m in result().rows.measures if m.code == "1-1")
    baseline = [k for k in result().rows.kpi_values if k.measure_id == mid and k.kind == "baseline"]
    assert [k.value for k in baseline][:2] == [228, 3018]


def test_progress_table_figures_and_self_check() -> None:
    rows = result().rows
    figures = {(f.scope, f.metric): f for f in rows.document_figures}
    assert len(figures) == 20
    assert figures[("1", "initiatives_with_kpi")].value == 44
    assert figures[("2", "partially_achieved")].value == 2
    assert figures[("3", "not_achieved")].value == 1
    assert figures[("total", "achievement_rate")].value_text == "83.9％"
    assert figures[("total", "achieved")].source_line == 601
    assert {f.fiscal_year for f in rows.document_figures} == {2024}
    dump = lambda items: [r.model_dump() for r in items]  # noqa: E731
    comparisons = compare_figures(dump(rows.document_figures), initiatives=dump(rows.initiatives),
                                  annual_entries=dump(rows.annual_entries), measures=dump(rows.measures))
    assert comparisons and all(c.matches for c in comparisons)
    assert not issues("figure_mismatch")


def test_2024_statuses_match_the_notes_tally() -> None:
    status = {i.code: None for i in result().rows.initiatives}
    for a in result().rows.annual_entries:
        if a.fiscal_year == 2024:
            status[next(i.code for i in result().rows.initiatives if i.initiative_id == a.initiative_id)] = a.status
    not_achieved = sorted(c for c, s in status.items() if s == "not_achieved")
    assert not_achieved == sorted(["1-1-1", "1-1-7", "1-2-5", "1-3-3", "1-4-5", "1-4-7", "1-5-1", "2-1-3", "2-1-4",
                                   "2-2-1", "2-3-4", "2-4-4", "2-5-1", "2-6-5", "3-1-12"])
    assert sorted(c for c, s in status.items() if s == "partially_achieved") == ["2-4-2", "2-6-6", "3-3-1"]


def test_unmarked_and_dash_first_years() -> None:
    """An unmarked FY2022 cell states what was aimed at (issue 12.7): it is the year's target, not a
    result, and not evaluated; its numbers are targets."""
    for code in ("1-1-7", "2-2-3", "3-1-13", "3-6-5"):
        y = years(code)[2022]
        assert y["status"] == "not_evaluated" and y["status_raw"] is None, code
        assert y["target"] not in (None, "-") and y["result"] is None, code
    assert years("1-1-7")[2022]["target"] == "事例研究"
    assert [(k["kind"], k["value"], k["unit"]) for k in kpis("3-6-4", 2022)] == [("target", 2.0, "種類")]
    # …unless the cell reports an actual: 補助件数（実績）72件/年 is a result, its number an actual
    y = years("2-1-3")[2022]
    assert (y["target"], y["result"], y["status"]) == (None, "補助件数（実績）72件/年", "not_evaluated")
    assert [(k["kind"], k["value"]) for k in kpis("2-1-3", 2022)] == [("actual", 72.0)]
    unmarked = [a for a in result().rows.annual_entries if a.fiscal_year == 2022 and a.status == "not_evaluated"
                and a.target not in (None, "-")]
    assert len(unmarked) == 29 - 4  # notes §3: 29 unmarked 2022 cells, 4 of them give 実績
    for code in ("1-1-12", "1-1-13", "1-1-14", "2-3-5", "3-3-9"):
        assert [years(code)[fy]["result"] for fy in (2022, 2023)] == ["-", "-"], code
        assert [years(code)[fy]["plan"] for fy in (2022, 2023)] == ["-", "-"], code
    assert (years("1-4-9")[2022]["plan"], years("1-4-9")[2022]["result"]) == ("-", "-")
    assert card("1-1-12")["start_fy"] == 2024


# ---- cards ---------------------------------------------------------------------------------------


def test_plain_kpi_card_1_1_2() -> None:
    c = card("1-1-2")
    assert (c["name"], c["lead_department"]) == ("就学手続のオンライン申請化", "学務課")
    assert c["summary"] == "就学手続のオンライン申請化を推進する"
    assert c["objective"] == "就学手続のオンライン申請化を進め、保護者の利便性向上を図る"
    assert c["sub_heading"] == "①申請のオンライン化"
    y = years("1-1-2")
    assert [y[fy]["plan"] for fy in range(2022, 2026)] == ["【実施】", "【実施】【改善】", "【実施】【改善】", "【実施】【改善】"]
    assert [y[fy]["status"] for fy in range(2022, 2026)] == ["achieved"] * 3 + ["not_evaluated"]
    assert y[2024]["result"] == "就学手続におけるオンライン申請導入率10%（対目標：±0％）"
    assert y[2025]["target"] == "就学手続におけるオンライン申請導入率20%" and y[2025]["result"] is None
    assert c["target_text"] == "就学手続におけるオンライン申請導入率20%"


def test_name_found_with_the_other_card_1_1_1() -> None:
    # both names of the page follow the 1-1-2 block (809, 811); 1-1-1's block has none
    c = card("1-1-1")
    assert (c["name"], c["lead_department"]) == ("オンライン申請推進のサポート", "デジタル推進課")
    assert c["summary"] == "全庁的なオンライン申請化のサポートを行う"
    y = years("1-1-1")
    assert y[2024]["status_raw"] == "【未達成】"
    assert y[2025]["target"] == "手続のフロー上、オンライン申請化が妥当な手続全てについて原則オンライン申請化する"
    k = [v for v in kpis("1-1-1", 2024)]
    assert len(k) == 1 and k[0]["value"] == 28.7 and k[0]["unit"] == "%" and k[0]["delta"] == -51.3
    assert k[0]["metric"] == "年間1,000件以上の手続のオンライン申請化率" and k[0]["kind"] == "actual"


def test_several_marks_a_year_1_1_5() -> None:
    y = years("1-1-5")
    assert y[2022]["status_raw"] == "【未達成】 【達成】" and y[2022]["status"] == "partially_achieved"
    assert y[2024]["status_raw"] == "【達成】" and y[2024]["status"] == "achieved"
    assert y[2025]["target"] == "インターネット受付比率63%オンライン決済の件数比率47%"
    k = {(v["metric"], v["value"]): v["delta"] for v in kpis("1-1-5", 2023)}
    assert k == {("インターネット受付比率", 52.1): -0.4, ("オンライン決済の件数比率", 40.2): 2.2}


def test_new_cards_and_dash_tags() -> None:
    assert card("1-1-13")["is_new"] and card("1-1-13")["name"] == "景観法に係る届出等のオンライン化"
    assert card("1-1-14")["is_new"] and card("1-1-14")["lead_department"] == "子どもの教育・保育推進課"
    assert card("1-1-14")["departments"] == ["子どもの教育・保育推進課"]
    assert not card("1-1-12")["is_new"]
    assert sum(i.is_new for i in result().rows.initiatives) == 5
    y = years("1-1-12")
    assert (y[2024]["plan"], y[2025]["plan"]) == ("【導入準備】", "【導入準備】【運用開始】")


def test_split_top_card_1_3_1() -> None:
    c = card("1-3-1")
    assert c["name"] == "マイナンバ―カードの交付促進"  # U+2015 as written
    assert c["lead_department"] == "市民課・事務所（斎場霊園事務所を除く）"
    assert c["departments"] == ["市民課", "事務所（斎場霊園事務所を除く）"]
    assert c["objective"] == "マイナンバーカード交付を促進し、全ての市民にマイナンバーカードが普及している"
    assert c["summary"] == "令和4年度末までにマイナンバーカードの交付率100％を目指した交付促進活動"
    assert years("1-3-1")[2025]["target"] == "出生等における新規取得の促進"
    assert card("1-3-2")["name"] == "マイナンバーカードの利活用推進"


def test_department_forms() -> None:
    assert card("1-4-13")["lead_department"] == "成人保健課 （南大沢保健福祉センター）"
    assert card("2-2-9")["departments"] == ["成人保健課 （南大沢保健福祉センター）"]
    assert card("1-2-2")["lead_department"] == "経営計画課・デジタル推進課ほか"
    assert card("1-2-2")["departments"] == ["経営計画課", "デジタル推進課"]
    assert card("3-3-7")["departments"] == ["財政部", "契約資産部", "会計課"]
    assert card("3-3-17")["lead_department"] == "監査事務局"
    assert card("2-4-6")["lead_department"] == "こども科学館"
    assert card("3-3-11")["lead_department"] == "ごみ減量対策課・ごみ総合相談センター"
    assert card("2-3-1")["name"] == "OSS（Open Source Software）を用いた防災マップの公開"
    assert card("2-3-1")["lead_department"] == "防災課"
    assert card("2-6-12")["lead_department"] == "（参考）"
    assert issues("department_is_note")


def test_name_and_department_written_apart() -> None:
    assert (card("2-1-1")["name"], card("2-1-1")["lead_department"]) == ("市内企業・大学等との連携体制整備", "デジタル推進課ほか")
    assert (card("3-5-1")["name"], card("3-5-1")["lead_department"]) == ("全庁向けの広範囲なＤＸ関連研修", "デジタル推進課")
    assert years("3-5-1")[2025]["target"] == "全庁対象研修年60回"


def test_names_after_the_year_header() -> None:
    expected = {"1-2-1": "全庁的なキャッシュレスの導入", "1-4-1": "若者支援情報のプル型・プッシュ型通知",
                "1-5-1": "デジタルデバイド対策推進", "1-6-1": "システムの活用によるＥＢＰＭの推進",
                "2-4-1": "アートを使った地域活性化事業の展開", "2-5-1": "固定資産税に関する概要調書のオープンデータ化",
                "2-6-1": "デジタル地域通貨の活用", "3-2-1": "情報セキュリティ研修・監査の実施",
                "3-1-1": "共通基盤システムの再構築", "2-3-5": "総合防災システムの構築"}
    for code, name in expected.items():
        assert card(code)["name"] == name, code
    assert years("2-4-1")[2022]["plan"] == "【実施】"       # tag written after the year header
    assert years("2-5-1")[2022]["plan"] == "【運用開始】"
    assert years("2-6-1")[2022]["plan"] == "-"
    assert len(issues("plan_cells_displaced")) == 3


def test_interleaved_page_3_3_3_and_3_3_4() -> None:
    assert card("3-3-3")["name"] == "本庁舎電話交換設備の更新事業"
    assert card("3-3-4")["name"] == "庁内チャットボットの利用促進"
    assert years("3-3-3")[2025]["plan"] == "【実施・運用】"
    assert years("3-3-3")[2024]["result"].startswith("IP多機能電話の整備31.96％")
    y = years("3-3-4")
    assert y[2023]["status_raw"] == "【達成】 【未達成】" and y[2024]["status"] == "achieved"
    assert y[2022]["result"].startswith("庁内チャットボットFAQ掲載所管課数")
    assert any(i.code == "interleaved_blocks" and "wording" in i.message for i in result().issues)


def test_interleaved_page_3_4_1_and_3_4_2() -> None:
    assert card("3-4-1")["name"] == "全庁的なＢＰＲの実施"
    assert card("3-4-2")["name"] == "全庁的なデジタル技術の導入"
    assert years("3-4-1")[2022]["result"] == "標準化対象課を中心にＢＰＲ研修・分析を実施"
    assert years("3-4-1")[2023]["status"] == "partially_achieved"
    assert years("3-4-2")[2024]["plan"] == "【実施】【評価】"
    k = kpis("3-4-2", 2022)[0]   # （対目標：\n+4,330時間） split over two lines
    assert (k["value"], k["unit"], k["delta"]) == (9770, "時間", 4330)


def test_displaced_kpi_block_2_2_5() -> None:
    c = card("2-2-5")
    assert (c["name"], c["lead_department"]) == ("公民共創の推進", "経営改革課")
    assert years("2-2-5")[2025]["target"] == "企業との連携実績５件/年"
    assert card("2-2-6")["name"] == "学園都市大学の運営に係るシステムの再構築"
    assert card("2-2-7")["name"] == "LINEを活用したアンケートの推進"
    assert not years("2-2-6") and not years("2-2-7")
    assert any("2-2-6" in i.message for i in issues("ambiguous_card_order"))


def test_year_header_split_around_the_next_card_3_6_5() -> None:
    assert card("3-6-5")["name"] == "指導者用デジタル教科書の配備"
    assert card("3-6-6")["name"] == "オンライン会議の活用による業務効率化"
    assert years("3-6-5")[2022]["status"] == "not_evaluated"
    assert not years("3-6-6")


def test_partial_2024() -> None:
    y = years("2-6-6")
    assert y[2022]["plan"] == "-" and y[2023]["status"] == "achieved"
    assert y[2024]["status_raw"] == "【未達成】 【達成】" and y[2024]["status"] == "partially_achieved"
    y = years("3-3-1")
    assert y[2023]["status"] == "partially_achieved" and y[2024]["status"] == "partially_achieved"
    assert y[2025]["target"] == "執務室内文書73％削減電子決裁率100％"
    y = years("2-4-2")
    assert y[2024]["result"] == "収蔵資料のデータベース化95.4%（対目標：+0.4％）主要な資料のオンライン公開50.3%（対目標：▲9.7％）"


def test_remarks_and_baseline() -> None:
    assert card("1-2-2")["remarks"] == ("窓口においてもオンライン申請の仕組みをそのまま使用することで、処理の簡略化を図る。"
                                        "マイナンバーカードの活用・他手続きへの横展開を検討")
    assert card("2-3-6")["remarks"].startswith("設置個所令和4年度：初沢町、")
    assert card("1-4-7")["remarks"] == "令和４年度（2022年度）生涯学習活動に取り組んだ市民の割合\u300056.9％"
    assert years("1-4-7")[2022]["result"] == "オンラインを活用した講座等の企画・実施"
    assert years("1-2-2")[2022]["plan"] == "【調査】"


def test_revision_mark() -> None:
    assert not any(i.is_revised for i in result().rows.initiatives)
    assert years("3-3-11")[2025]["plan"] == "【見直し】"
    assert any("3-3-11" in i.message for i in issues("revision_tag_in_plan"))


def test_kpi_values() -> None:
    k = kpis("1-2-4", 2024)
    consult = next(v for v in k if v["unit"] == "件/半年")
    assert (consult["value"], consult["delta"], consult["delta_unit"]) == (777, 477, "人")
    portal = kpis("2-4-3", 2024)[0]
    assert (portal["value"], portal["unit"], portal["delta"]) == (435000, "件", 380000)
    rel = [v for v in kpis("1-4-8", 2025)]
    assert [(v["value"], v["unit"], v["baseline_text"]) for v in rel] == [(5, "%", "前年比")]
    k = kpis("1-4-8", 2024)
    assert [(v["value"], v["delta"]) for v in k] == [(2673, None), (19.4, 14.4)]
    # a change against the previous year in an assessed column is a baseline, not an actual (issue 12.4)
    assert [(v["kind"], v["baseline_text"]) for v in k] == [("actual", None), ("baseline", "前年比")]
    assert [(v["kind"], v["value"], v["baseline_text"]) for v in kpis("3-3-4", 2022)] == [
        ("actual", 7, None), ("baseline", 1, "対前年度")]
    # comparators as written: 以上 >=, 以下 <=, a range gives both bounds
    assert [(v["value"], v["comparator"]) for v in kpis("1-4-5", 2025)] == [(52.8, ">=")]
    assert [(v["kind"], v["value"], v["comparator"]) for v in kpis("1-6-9", 2025)] == [("target", 1200, "<=")]
    assert [(v["value"], v["comparator"]) for v in kpis("2-6-6", 2025)][-2:] == [(3, ">="), (10, "<=")]
    assert all(k.comparator in (None, ">=", "<=") for k in result().rows.kpi_values)
    k = kpis("1-6-9", 2024)
    assert [(v["kind"], v["value"], v["comparator"]) for v in k] == [("target", 1646, "<="), ("actual", 1483, None)]
    assert kpis("1-4-3", 2022)[0]["value"] == 3200 and kpis("1-4-3", 2022)[0]["delta"] == -1800
    assert kpis("1-3-3", 2024)[0]["delta"] == -13
    assert kpis("1-4-7", 2024)[0]["delta"] == -0.7    # （対目標：▲０.７％）
    assert kpis("2-2-4", 2024)[0]["delta"] == 422     # （対目標：+４22件）
    ids = [k.kpi_value_id for k in result().rows.kpi_values]
    assert len(ids) == len(set(ids))


def test_year_header_irregularities_reported() -> None:
    assert any(i.source_line == 1611 and "2015" in i.message for i in issues("year_header_conflict"))
    assert any("2-1-1" in i.message for i in issues("year_header_truncated"))
    assert issues("year_header_repeated")


def test_provenance() -> None:
    c = card("1-1-2")
    assert (c["source_line_start"], c["source_line_end"]) == (764, 832)
    assert card("1-3-1")["source_line_end"] == 2604
    for i in result().rows.initiatives:
        assert i.source_line_start and i.source_line_end >= i.source_line_start
    assert all(a.source_line_start for a in result().rows.annual_entries)


# ---- an edited copy ---------------------------------------------------------------------------


def test_an_edited_copy_yields_the_edited_values() -> None:
    text = SEED.read_text(encoding="utf-8")
    edits = {
        "就学手続のオンライン申請化 学務課": "就学手続のデジタル申請化 教育総務課",
        "申請化率：28.7％": "申請化率：31.5％",
        "【未達成】\n主要な資料のオンライン公開": "【達成】\n主要な資料のオンライン公開",
        "全庁向けの広範囲なＤＸ関連研修": "全庁向けのＤＸ研修",
        "市民向けチャットボットの利用拡大 デジタル推進課": "市民向けチャットボットの利用拡大 DX推進担当",
        "年間利用者\n３４，０００人": "年間利用者\n３６，５００人",
    }
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    doc = load_bytes(text.encode("utf-8"), path="edited_copy.txt")
    assert detect(doc).format == "hachioji_action_plan"
    parsed = HachiojiActionPlanParser().parse(doc)
    cards = {c.code: c for c in parsed.record.cards}
    assert (cards["1-1-2"].name, cards["1-1-2"].department) == ("就学手続のデジタル申請化", "教育総務課")
    assert "28.7" not in cards["1-1-1"].years[2].text and "31.5％" in cards["1-1-1"].years[2].text
    assert cards["2-4-2"].years[2].marks == ["【達成】", "【達成】"]
    assert cards["3-5-1"].name == "全庁向けのＤＸ研修"
    # a department that does not end like one (担当) is still split from the name, with a warning
    assert (cards["1-4-2"].name, cards["1-4-2"].department) == ("市民向けチャットボットの利用拡大", "DX推進担当")
    assert cards["1-4-2"].years[3].text == "年間利用者３６，５００人"
    assert any(i.code == "department_unrecognised" and "1-4-2" in i.message for i in parsed.issues)
    assert not [i for i in parsed.issues if i.severity == "error"]


def test_a_card_moved_to_another_measure_is_read_by_its_header() -> None:
    text = SEED.read_text(encoding="utf-8").replace("管理番号 1-1-19", "管理番号 1-1-20")
    parsed = HachiojiActionPlanParser().parse(load_bytes(text.encode("utf-8"), path="x.txt"))
    codes = [c.code for c in parsed.record.cards]
    assert "1-1-20" in codes and "1-1-19" not in codes
    assert any(i.code == "check_numbering_gap" and "1-1" in i.message for i in parsed.issues)


# ---- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), [
    ("就学手続のオンライン申請化 学務課", ("就学手続のオンライン申請化", "学務課")),
    ("SNSによる情報発信の促進 成人保健課 （南大沢保健福祉センター）",
     ("SNSによる情報発信の促進", "成人保健課 （南大沢保健福祉センター）")),
    ("OSS（Open Source Software）を用いた防災マップの公開 防災課", ("OSS（Open Source Software）を用いた防災マップの公開", "防災課")),
    ("施設予約システムの更新 デジタル推進課ほか", ("施設予約システムの更新", "デジタル推進課ほか")),
    ("南大沢スマートシティ実施計画への協力（協議会事業） （参考）", ("南大沢スマートシティ実施計画への協力（協議会事業）", "（参考）")),
    ("令和７年７月 コンビニ", None),
    ("（上限 9,000 円））", None),
])
def test_split_name(line: str, expected: tuple[str, str] | None) -> None:
    assert _split_name(line) == expected


def test_department_list() -> None:
    assert department_list("子どもの教育・保育推進課") == ["子どもの教育・保育推進課"]
    assert department_list("補修センター・管理課") == ["補修センター", "管理課"]
    assert department_list("デジタル推進課ほか") == ["デジタル推進課"]
    assert department_list(None) == []


def test_cell_values() -> None:
    v = cell_values("年間1,000件以上の手続のオンライン申請化率：19.9％（対目標：▲10.1％）")
    assert [(x.metric, x.value, x.unit, x.delta) for x in v] == [
        ("年間1,000件以上の手続のオンライン申請化率", Decimal("19.9"), "%", Decimal("-10.1"))]
    v = cell_values("（実績）\u3000退園届（令和６年３月２５日から開始）２件")
    assert [(x.value, x.unit) for x in v] == [(2, "件")]   # ３月２５日 is a date
    v = cell_values("予定前倒ししてオンライン申請を運用開始3/15～3/31申請：3件")
    assert [(x.value, x.metric) for x in v] == [(3, "申請")]
    v = cell_values("システムを活用した取組数前年＋３")
    assert [(x.value, x.baseline_text, x.metric) for x in v] == [(3, "前年", "システムを活用した取組数")]
    v = cell_values("庁内チャットボットFAQ掲載所管課数：計７所管（対前年度：＋１所管）")
    assert [(x.value, x.baseline_text) for x in v] == [(7, None), (1, "対前年度")]
    v = cell_values("（３～１０件）を実施")
    assert [(x.value, x.comparator) for x in v] == [(3, ">="), (10, "<=")]
    assert cell_values("") == []


def test_year_status() -> None:
    assert year_status(["【達成】"], "x", None) == "achieved"
    assert year_status(["【未達成】", "【未達成】"], "x", None) == "not_achieved"
    assert year_status(["【達成】", "【未達成】"], "x", None) == "partially_achieved"
    assert year_status([], "目標", None) == "not_evaluated"
    assert year_status([], "-", "-") == "not_evaluated"
    assert year_status([], None, None) is None


def test_parse_time() -> None:
    import time

    doc = load_bytes(SEED.read_bytes(), path=str(SEED))
    start = time.perf_counter()
    HachiojiActionPlanParser().parse(doc)
    assert time.perf_counter() - start < 1.0  # generous bound (typically ~0.07 s); guards against blow-ups


# ---- a small document of the same format (not the seed) -----------------------------------------

_YEAR_HEADER = ["令和4年度", "(2022年度）", "令和5年度", "（2023年度）", "令和6年度", "（2024年度）", "令和7年度", "（2025年度）", "備考"]
_KPI_LABELS = ["事業名称 担当：", "事業内容", "年度", "取組内容", "目標", "ＫＰＩ"]


def _kpi_block(name: str, dept: str, letter: str, marks: list[str], values: list[str]) -> list[str]:
    lines = ["【実施】 【実施】【改善】 【実施】 【改善】", "\u3000"]
    for mark, value in zip(marks, values, strict=False):
        lines += [mark, f"{letter}の利用率", value]
    lines += [f"{letter}の利用率", values[-1]]
    return [*lines, f"{name} {dept}", f"{name}を進める", "目的", "あるべき姿", f"{name}の目的", *_YEAR_HEADER]


def _mini_document() -> str:
    lines = [
        "１ 概要", "本市では「テスト市デジタル推進計画」を策定しました。",
        " 年度", "オンライン", "目標", "ＫＰＩ", "利用率10％", *_YEAR_HEADER,
        "基本方針１：暮らしの向上 ～やさしいＤＸ～", "施策➀ テストの施策", "（１）目的・あるべき姿", "（２）事業の方向性",
        "誰もが便利になっています", "①方向その一", "（３）実施内容", "①実施その一", "実現に向けた主なスケジュール",
        # page 1: two KPI cards; the bottom card's values come first
        " ①上の見出し 管理番号 1-1-1", *_KPI_LABELS, "②下の見出し 管理番号 1-1-2", *_KPI_LABELS,
        *_kpi_block("下の事業", "情報政策課", "B", ["【達成】", "【未達成】", "【達成】"],
                    ["10%", "20%（対目標：▲5％）", "30%", "40%"]),
        *_kpi_block("上の事業", "市民課ほか", "A", ["【未達成】", "【達成】", "【達成】"],
                    ["1%", "2%", "3%（対目標：＋1％）", "4%"]),
        # page 2: two cards without KPI, emitted bottom-up
        " ①上の見出し 管理番号 1-1-3", "事業名称 担当：", "事業内容", "②下の見出し 管理番号 1-1-4", "事業名称 担当：", "事業内容",
        "無KPIの下 広報課", "下の内容", "目的", "あるべき姿", "下の目的",
        "【新】無KPIの上 成人保健課 （南大沢保健福祉センター）", "上の内容", "目的", "あるべき姿", "上の目的",
    ]
    return "\n\n".join(lines) + "\n"


def test_a_small_document_of_the_same_format() -> None:
    doc = load_bytes(_mini_document().encode("utf-8"), path="mini.txt")
    assert detect(doc).format == "hachioji_action_plan"
    parsed = HachiojiActionPlanParser().parse(doc)
    assert not [i for i in parsed.issues if i.severity == "error"], parsed.issues
    cards = {c.code: c for c in parsed.record.cards}
    assert (cards["1-1-1"].name, cards["1-1-1"].department) == ("上の事業", "市民課ほか")
    assert (cards["1-1-2"].name, cards["1-1-2"].department) == ("下の事業", "情報政策課")
    assert [y.marks for y in cards["1-1-2"].years] == [["【達成】"], ["【未達成】"], ["【達成】"], []]
    assert cards["1-1-2"].years[3].text == "Bの利用率40%" and cards["1-1-2"].years[1].text == "Bの利用率20%（対目標：▲5％）"
    assert [y.plan for y in cards["1-1-1"].years] == ["【実施】", "【実施】【改善】", "【実施】", "【改善】"]
    assert (cards["1-1-3"].name, cards["1-1-3"].is_new) == ("無KPIの上", True)
    assert cards["1-1-3"].department == "成人保健課 （南大沢保健福祉センター）"
    assert cards["1-1-4"].name == "無KPIの下" and not cards["1-1-4"].years
    (measure,) = parsed.record.measures
    assert (measure.code, measure.name, measure.objective) == ("1-1", "テストの施策", "誰もが便利になっています")
    assert parsed.record.title == "テスト市デジタル推進計画"


def test_target_column_found_by_parallel_layout() -> None:
    # 3-1-5: the FY2025 target lists ＜system＞ steps the FY2024 result does not have
    from tests.conftest import extracted

    r = extracted("hachioji_dx_action_plan_2025.txt")
    entries = {(a.initiative_id.split(":")[1], a.fiscal_year): a for a in r.rows.annual_entries}
    assert entries[("3-1-5", 2024)].result == "最新標準仕様の確認、標準準拠システム及びガバメントクラウド以外へのクラウド環境移行準備"
    assert entries[("3-1-5", 2025)].target.startswith("＜戸籍情報システム＞標準準拠システム及び")
    assert entries[("3-1-5", 2025)].target.endswith("＜戸籍附票システム＞標準準拠システム及びガバメントクラウド以外へのクラウド環境移行準備")
    # 3-1-11: the target restates the result's phrase with the next step
    assert entries[("3-1-11", 2024)].result.endswith("標準準拠システム及びガバメントクラウド移行準備")
    assert entries[("3-1-11", 2025)].target == "標準準拠システム及びガバメントクラウド移行適合確認"
    # 3-4-1: both columns end alike
    assert entries[("3-4-1", 2025)].target == "標準化システムとBPRの結合による業務改善各部署での業務見直しの実行"
    codes = [i.code for i in r.issues]
    assert codes.count("target_split_inferred") == 6 and codes.count("target_split_guessed") == 24


def test_a_kpi_value_with_an_ascii_space_is_no_name_line() -> None:
    """A PDF writer may turn the U+3000 of 'の数　21か所' into a space: 21か所 is a count, not a 担当."""
    from planparse.parsers.hachioji_action_plan.names import split_name

    assert split_name("の数 21か所") is None
    assert split_name("高齢者向けスマートフォン教室の開催 高齢者福祉課") == ("高齢者向けスマートフォン教室の開催", "高齢者福祉課")


def test_line_keys_reuse_the_match_keys_only_where_they_are_the_line_keys() -> None:
    """``Context`` takes the match keys detection made; where ``match_key`` differs from ``line_key``
    (a dash folded to ー after katakana, a U+001C–U+001F separator) the line key is worked out again."""
    from planparse.normalize import match_key
    from planparse.parsers.hachioji_action_plan.model import line_key, line_keys

    lines = ["事業名称 担当：", "ＫＰＩ", "マイナンバ―カード", "カ－ド", "a\x1cb", "- -", "", "　", "令和４年度",
             *(f"カ{chr(c)}x" for c in range(0x2000, 0x2070))]
    expected = [line_key(line) for line in lines]
    assert line_keys(lines, "\n".join(match_key(line) for line in lines)) == expected
    printable = [line for line in lines if line.isprintable()]
    assert line_keys(printable, "\n".join(match_key(line) for line in printable)) == [line_key(x) for x in printable]
    assert line_keys(lines, "wrong count") == expected
    assert line_keys([], None) == [] and line_keys(["ＫＰＩ"], None) == ["KPI"]


def test_the_unicode_facts_the_line_tests_rely_on() -> None:
    """``pieces.span_kinds`` and ``measures.read_measure`` try the page-number pattern only on short keys
    without a bracket or a leading dash: NFKC turns each digit the pattern's ``\\d`` matches into one such
    digit. ``kpi_cells`` tries its bullet pattern only on a text starting with a bullet once stripped:
    every character its ``\\s`` matches is one ``str.strip`` removes."""
    import sys
    import unicodedata

    import regex

    digit, space = regex.compile(r"\d"), regex.compile(r"\s")
    chars = [chr(c) for c in range(sys.maxunicode + 1)]
    assert all(digit.fullmatch(unicodedata.normalize("NFKC", ch)) for ch in chars if digit.match(ch))
    assert all(ch.isspace() for ch in chars if space.match(ch))
