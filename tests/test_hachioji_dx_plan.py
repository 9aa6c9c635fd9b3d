"""Hachioji DX plan (format ``hachioji_dx_plan``): values checked against the source text
(data/raw/hachioji_dx_plan_2022.txt, line numbers in comments), edited copies, synthetic pages, and the
plan ↔ action-plan DuckDB views."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from planparse.ingest import load_bytes
from planparse.normalize import match_key
from planparse.parsers.hachioji_dx_plan import HachiojiDxPlanParser, clean_text, split_paragraphs
from planparse.parsers.hachioji_dx_plan.marks import _PLAIN_NFKC
from planparse.parsers.hachioji_dx_plan.patterns import PLAIN_TEXT
from planparse.pipeline import FileResult, extract_file, tables_of
from planparse.schemas.common import AnnualEntry, Document, Initiative, KpiValue, Measure
from planparse.store import write_outputs
from tests.conftest import RAW, extracted

NAME = "hachioji_dx_plan_2022.txt"
DOC_ID = "7ff3c50b7c2b"


@pytest.fixture(scope="module")
def result() -> FileResult:
    return extracted(NAME)


def _measures(result: FileResult) -> dict:
    return {m.code: m for m in result.rows.measures}


def _terms(result: FileResult) -> dict:
    return {g.seq: g for g in result.rows.glossary_terms}


def _edited(tmp_path: Path, *replacements: tuple[str, str]) -> FileResult:
    """Extract a copy of the seed with each ``old`` replaced (exactly once) by ``new``."""
    text = (RAW / NAME).read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "edited_plan.txt"
    path.write_text(text, encoding="utf-8")
    return extract_file(path)


# ---------------------------------------------------------------------------------------------
# Document, counts, issues
# ---------------------------------------------------------------------------------------------


def test_document_row(result: FileResult) -> None:
    d = result.document
    assert (d.document_id, d.format, d.municipality_code, d.municipality_name) == (
        DOC_ID, "hachioji_dx_plan", "132012", "八王子市")
    # 「八王子市デジタル・トランスフォーメーション（ＤＸ）推進計画」（以下「本計画」という。） lines 112–114
    assert d.title == "八王子市デジタル・トランスフォーメーション（ＤＸ）推進計画"
    assert (d.plan_start_fy, d.plan_end_fy) == (2022, 2025)  # line 179
    assert d.extraction_status == "ok"


def test_counts(result: FileResult) -> None:
    assert result.rows.counts() == {"policies": 3, "measures": 18, "glossary_terms": 55,
                                    "glossary_references": 143}
    assert [m.code for m in result.rows.measures] == [f"{p}-{n}" for p in (1, 2, 3) for n in range(1, 7)]
    assert [m.seq for m in result.rows.measures] == list(range(1, 19))
    assert [g.seq for g in result.rows.glossary_terms] == list(range(1, 56))


def test_no_errors_and_the_expected_warnings(result: FileResult) -> None:
    assert not result.failed
    codes = Counter(i.code for i in result.issues)
    assert codes == Counter({
        "glossary_term_wrapped": 5, "figure_text_skipped": 2, "glossary_mark_partial": 2,
        "policy_wording_differs": 1, "icon_not_in_text": 1, "glossary_term_with_space": 1,
    })
    lines = {(i.code, i.source_line) for i in result.issues}
    assert ("policy_wording_differs", 2818) in lines
    assert {n for c, n in lines if c == "glossary_term_wrapped"} == {3774, 3786, 3800, 3837, 3943}
    assert {n for c, n in lines if c == "figure_text_skipped"} == {2092, 2808}
    assert ("icon_not_in_text", 1819) in lines


def test_detection_is_confident() -> None:
    doc = load_bytes((RAW / NAME).read_bytes(), path="renamed.bin.txt")
    assert HachiojiDxPlanParser.detect(doc) == pytest.approx(1.0)
    action = load_bytes((RAW / "hachioji_dx_action_plan_2025.txt").read_bytes(), path="a.txt")
    assert HachiojiDxPlanParser.detect(action) < 0.5


# ---------------------------------------------------------------------------------------------
# 基本方針
# ---------------------------------------------------------------------------------------------


def test_policies_take_chapter5_wording_and_keep_chapter4(result: FileResult) -> None:
    p = {x.code: x for x in result.rows.policies}
    assert (p["1"].name, p["1"].subtitle, p["1"].source_line) == ("生活の質の向上", "～市民視点の人にやさしいDX～", 1809)
    assert p["1"].name_variants == []  # chapter 4 (line 1719) is worded identically
    assert (p["2"].name, p["2"].subtitle) == ("地域課題の解消", "～DXによる安心で活力あるまちづくり～")
    assert p["2"].name_variants == ["地域課題の解消 ～ＤＸによる安心で活力あるまちづくり～"]  # full-width ＤＸ (1753)
    assert (p["3"].name, p["3"].subtitle) == ("行政の業務刷新", "～地域・現場から考える組織に～")  # 2818/2820
    assert p["3"].name_variants == ["行政の業務刷新 ～市民・地域に向き合う市役所～"]  # chapter 4, line 1774
    # chapter-4 prose, joined across the mid-sentence page break at 1770
    assert "市内大学等が有する知的財産や人財を集積し" in p["2"].description
    assert p["3"].description.startswith("市民アンケートでは、「社会のデジタル化が進む中で、不安に思うこと」")
    assert p["3"].description.endswith("人的・財政的コストを削減します。")
    assert p["1"].description.count("\n") == 2  # three paragraphs


def test_measure_policy_names(result: FileResult) -> None:
    m = _measures(result)
    assert m["1-6"].policy_code == "1" and m["1-6"].policy_name == "生活の質の向上 ～市民視点の人にやさしいDX～"
    assert m["2-1"].policy_name == "地域課題の解消 ～DXによる安心で活力あるまちづくり～"
    assert m["3-6"].policy_name == "行政の業務刷新 ～地域・現場から考える組織に～"


# ---------------------------------------------------------------------------------------------
# 施策
# ---------------------------------------------------------------------------------------------

NAMES = {
    "1-1": "行政手続のオンライン化", "1-2": "窓口改革", "1-3": "マイナンバーカード*の利活用推進",
    "1-4": "AI*等最新デジタル技術の利用促進", "1-5": "デジタルデバイド*対策推進",
    "1-6": "データの蓄積・共有と政策の実現", "2-1": "産学公連携ネットワークの構築",
    "2-2": "多様な主体による地域課題の解決", "2-3": "防犯・防災対策",
    "2-4": "観光資源の活用とユニバーサルツーリズム*", "2-5": "オープンデータ*の促進", "2-6": "地域のデジタル化",
    "3-1": "情報システムの標準化・共通化", "3-2": "セキュリティ対策の徹底", "3-3": "業務プロセスのデジタル化",
    "3-4": "AI*・RPA*の利用促進", "3-5": "デジタルを活用できる人財の育成", "3-6": "職場環境の最適化",
}
HEADER_LINES = {
    "1-1": 1822, "1-2": 1918, "1-3": 1998, "1-4": 2189, "1-5": 2243, "1-6": 2301, "2-1": 2375, "2-2": 2435,
    "2-3": 2491, "2-4": 2567, "2-5": 2648, "2-6": 2719, "3-1": 2821, "3-2": 2892, "3-3": 2971, "3-4": 3046,
    "3-5": 3106, "3-6": 3169,
}


def test_measure_names_and_lines(result: FileResult) -> None:
    m = _measures(result)
    assert {c: x.name for c, x in m.items()} == NAMES
    assert {c: x.source_line_start for c, x in m.items()} == HEADER_LINES
    assert m["3-4"].name_without_glossary_marks == "AI・RPAの利用促進"
    assert m["1-1"].name_without_glossary_marks == "行政手続のオンライン化"
    assert all(x.measure_id == f"{DOC_ID}:m:{c}" for c, x in m.items())


def test_previous_plan_table_is_not_read_as_measures(result: FileResult) -> None:
    # lines 222–433: the previous plan's 基本方針/重点目標/施策 table
    names = " ".join(x.name for x in result.rows.measures)
    assert "効果的なデータの利活用" not in names and "情報セキュリティ対策の継続実施" not in names
    assert min(x.source_line_start for x in result.rows.measures) == 1822


def test_objectives(result: FileResult) -> None:
    m = _measures(result)
    assert m["1-1"].objective == ("行政手続を市役所の窓口に行くことなく、いつでもどこでもスマートフォン等から"
                                  "オンラインで行うことができ、手続にかかる負担が軽減しています。")  # 1884–1888
    assert m["2-3"].objective == ("犯罪発生情報等のデータの活用により、犯罪が抑止され、安心して暮らせています。"
                                  "また災害時に、スマートフォン等から迅速かつ正確な情報収集ができます。")  # 2555–2559
    # 3-2: the box comes before 事業の方向性, its text right after the label (2959–2961)
    assert m["3-2"].objective == "セキュリティ対策や個人情報保護のための対策が徹底されることで、行政サービスを安全・安心に利用できています。"
    assert m["3-5"].objective.startswith("職員がデジタル技術やデータを活用し、市民の QOL*向上に資する")
    assert m["3-6"].objective.endswith("必要な公共サービスが受けられるようになっています。")  # ends before ６章 (3235)
    assert all(x.objective for x in m.values())


def test_direction_continues_after_the_box_mid_sentence(result: FileResult) -> None:
    m = _measures(result)
    items = m["1-1"].direction.split("\n")
    assert len(items) == 5
    # 1881 "…一度提出した情" | box 1883–1888 | 1889 " 報は、二度提出する…"
    assert "②ワンスオンリー：一度提出した情報は、二度提出することを不要とする、" in items[0]
    assert items[0].endswith("な手続のオンライン化を推進します。")
    assert items[4] == "オンライン手続の浸透とともに公共施設のあり方について検討していきます。"
    # 2551 "…人や車両の移動が" | box | 2560 " 難しい場所における…"
    assert "災害時には、人や車両の移動が難しい場所における情報収集を効率的に実施するため、ドローン*や" in m["2-3"].direction
    assert "目的" not in m["1-1"].direction and m["1-1"].objective not in m["1-1"].direction


def test_box_before_direction(result: FileResult) -> None:
    m = _measures(result)["3-2"]
    assert m.direction.split("\n") == [
        "全職員向けのセキュリティ研修や情報セキュリティ外部監査・内部監査等を実施することで、セキュリティ対策を徹底していきます。",
        "コンピュータウイルス対策や不正アクセス対策、インターネット等を経由した標的型攻撃を受けた場合を想定した防御策を徹底していきます。",
    ]
    assert m.background.split("\n")[1].startswith("オンライン会議やテレワークの実施などの目的で")


def test_sections_are_kept_apart(result: FileResult) -> None:
    m = _measures(result)["1-1"]
    assert m.current_state.split("\n")[1] == "令和２年度（2020年度）は、80種類の申請について電子申請を受け付けました。"
    assert len(m.current_state.split("\n")) == 4 and len(m.background.split("\n")) == 3
    assert m.background.startswith("スマートフォンを持つ世帯の割合は年々増加しており、令和２年（2020年）には86.8％")
    assert m.description == f"現状\n{m.current_state}\n\n背景\n{m.background}\n\n事業の方向性\n{m.direction}"
    assert "\uf09f" not in m.description
    # spacing artefacts removed, glyphs kept: "令和３年度（2021年度 ）からは、マイナンバーカード *を利" (1846)
    assert "令和３年度（2021年度）からは、マイナンバーカード*を利用して" in m.current_state


def test_figures_are_not_prose(result: FileResult) -> None:
    m = _measures(result)
    # 1-3: 【図】マイナンバー制度導入後のロードマップ (2088–2188) after the last 事業の方向性 item
    assert "平成27年" not in m["1-3"].direction and "番号法施行" not in m["1-3"].direction
    assert m["1-3"].direction.endswith("正しく理解していただくための広報活動を行います。")
    assert m["1-3"].source_line_end == 2086
    # 2-6: five items after the box, then 出典 credits and URLs (2808–2817)
    items = m["2-6"].direction.split("\n")
    assert len(items) == 7 and items[-1] == "東京都が進める官民連携データプラットフォーム*との連携・活用を推進します。"
    assert "出典" not in m["2-6"].direction and "https" not in m["2-6"].direction


def test_icon_is_unknown_from_the_text(result: FileResult) -> None:
    assert {x.in_jichitai_dx_plan for x in result.rows.measures} == {None}


# ---------------------------------------------------------------------------------------------
# 用語集
# ---------------------------------------------------------------------------------------------


def test_glossary_terms_as_written(result: FileResult) -> None:
    t = _terms(result)
    assert t[1].term == "ＡＩ" and t[1].definition.startswith("Artificial Intelligenceの略で、")
    assert t[10].term == "ＩｏＴ" and t[11].term == "ＩＴガバナンス" and t[12].term == "IT基本法"
    assert t[22].term == "Society 5.0"
    assert t[22].definition.startswith("内閣府の第5期科学技術基本計画において提唱された、我が国が目指すべき")
    assert t[5].definition.startswith("ＣＩＳＯとは、Chief Information Security Officerの略で")
    assert t[34].definition.startswith("キャッシュレス決済とは、お札や小銭などの現金を使用せずに")
    assert t[32].definition == "一般的に指針、指標に基づく手順の意味です。"  # single line (3708)
    assert t[19].definition == "Quality Of Serviceの略で、サービスの品質のことです。"
    assert t[55].term == "ユニバーサルツーリズム"


def test_glossary_readings_and_wrapped_terms(result: FileResult) -> None:
    t = _terms(result)
    assert {n: (t[n].term, t[n].reading) for n in (8, 14, 23)} == {
        8: ("Facebook", "フェイスブック"), 14: ("LINE", "ライン"), 23: ("Twitter", "ツイッター")}
    assert t[8].definition.startswith("フェイスブック社が提供するＳＮＳ*です。")
    assert {n: t[n].term for n in (38, 39, 40, 44, 55)} == {
        38: "サイバーシルクロード八王子", 39: "サービスデザイン思考", 40: "システムのオープン化",
        44: "セキュリティインシデント", 55: "ユニバーサルツーリズム"}
    assert t[44].definition == "事業の運営に影響を及ぼすことや、情報セキュリティを脅かす事件・事故のことです。"
    assert sum(1 for g in t.values() if g.reading) == 3


def test_glossary_paragraphs_pages_and_lists(result: FileResult) -> None:
    t = _terms(result)
    assert t[1].definition.split("\n")[1] == "また、人工知能とも呼ばれ、人間の知的なふるまいをコンピュータに行わせるための技術又はプログラムのことです。"
    assert t[46].definition.endswith("\n個別の法律の概要はP.18参照")
    # 36 ends before the page break (86 / header at 3752–3758), 37 starts after it
    assert t[36].definition.endswith("Ｗｅｂページを構成するファイルを提供します。")
    assert (t[36].source_line_end, t[37].source_line_start) == (3748, 3760)
    assert t[37].term == "サイバー攻撃"
    assert t[48].definition.split("\n")[2:6] == ["在宅勤務", "自宅を就業場所とするもの", "モバイルワーク",
                                                 "施設に依存せず、いつでも、どこでも仕事が可能な状態なもの"]
    assert "•ワンストップサービスの実現" in t[49].definition.split("\n")
    assert not any("項番" in g.definition or "用 語" in g.definition or g.definition.endswith("86")
                   for g in t.values())


def test_glossary_references(result: FileResult) -> None:
    refs = {(r.source_line, r.seq): r for r in result.rows.glossary_references}
    assert all(r.term_seq is not None for r in refs.values())
    assert (refs[(7, 1)].marked_text, refs[(7, 1)].term_seq) == ("ＩＣＴ", 9)  # "国のＩＣＴ *に関する"
    assert (refs[(2322, 1)].marked_text, refs[(2322, 1)].term_seq) == ("Society5.0", 22)
    assert (refs[(3077, 1)].marked_text, refs[(3077, 1)].term_seq) == ("OCR", 16)  # AI-OCR *
    assert refs[(2804, 1)].term_seq == 52  # 官民連携データプラットフォーム *
    # the mark opens line 1848, its term ends line 1847; "キャッシュレス決" / "済 *" (1949/1950)
    assert (refs[(1848, 1)].marked_text, refs[(1848, 1)].term_seq) == ("キャッシュレス決済", 34)
    assert (refs[(1950, 1)].marked_text, refs[(1950, 1)].term_seq) == ("キャッシュレス決済", 34)
    assert refs[(3046, 2)].term_seq == 20 and refs[(3046, 2)].measure_id == f"{DOC_ID}:m:3-4"  # AI*・RPA*
    assert refs[(1769, 1)].term_seq == 38  # サイバーシルクロード八王子 *
    assert refs[(7, 1)].measure_id is None
    used = {r.term_seq for r in refs.values()}
    assert 28 not in used  # アジャイル is never marked


def _plain_key(text: str) -> str:
    """How ``marks._resolve`` keys a plain text: the NFKC of each character, spaces removed."""
    return text.translate(_PLAIN_NFKC).replace(" ", "")


def test_plain_text_keys_are_match_keys() -> None:
    # a mark's endings are keyed without match_key when its text is plain: the same keys, every character
    # of the set alone and random texts of them (with a character that is not plain: not plain text)
    plain = [chr(c) for c in range(0x110000) if PLAIN_TEXT.fullmatch(chr(c))]
    assert len(plain) > 20000 and "-" not in plain and "－" not in plain and "①" not in plain
    for ch in plain:
        assert _plain_key(ch) == match_key(ch) and unicodedata.combining(ch) == 0
    # no plain character composes with the one before it (none is the second of a canonical pair)
    seconds = {int(d.split()[1], 16) for d in map(unicodedata.decomposition, map(chr, range(0x110000)))
               if d and not d.startswith("<") and len(d.split()) == 2}
    assert not seconds & {ord(ch) for ch in plain}
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(plain) for _ in range(rng.randint(1, 20)))
        assert PLAIN_TEXT.fullmatch(text) and _plain_key(text) == match_key(text)
    assert not PLAIN_TEXT.fullmatch("AI-OCR") and not PLAIN_TEXT.fullmatch("カ\u3099")


# ---------------------------------------------------------------------------------------------
# Edited copies: values come from the text, not from a table of this edition
# ---------------------------------------------------------------------------------------------


def test_edited_copy_yields_edited_values(tmp_path: Path) -> None:
    r = _edited(
        tmp_path,
        ("32  ガイドライン 一般的に指針、指標に基づく手順の意味です。", "32  ガイドライン 一般的に手引きの意味です。"),
        (" 施策② 窓口改革 ", " 施策② 窓口大改革 "),
        ("～地域・現場から考える組織に～", "～現場から変わる市役所～"),
        ("市役所の窓口が、高齢者や障害者をはじめ、あらゆる人に", "市役所の窓口が、子どもや障害者をはじめ、あらゆる人に"),
        ("50  ドローン 人が搭乗せず", "50  ドローン機 人が搭乗せず"),
        ("ローン *や第５世代", "ローン機 *や第５世代"),
    )
    assert not r.failed
    m = _measures(r)
    t = _terms(r)
    assert t[32].definition == "一般的に手引きの意味です。"
    assert m["1-2"].name == "窓口大改革"
    assert m["1-2"].objective.startswith("市役所の窓口が、子どもや障害者をはじめ")
    p3 = next(p for p in r.rows.policies if p.code == "3")
    assert p3.subtitle == "～現場から変わる市役所～"
    assert m["3-1"].policy_name == "行政の業務刷新 ～現場から変わる市役所～"
    assert t[50].term == "ドローン機"
    ref = next(x for x in r.rows.glossary_references if x.source_line == 2562)
    assert (ref.marked_text, ref.term_seq) == ("ドローン機", 50)


def test_edited_copy_policy_wording_agreeing(tmp_path: Path) -> None:
    r = _edited(tmp_path, ("(3)  行政の業務刷新 ～市民・地域に向き合う市役所～", "(3)  行政の業務刷新 ～地域・現場から考える組織に～"))
    assert "policy_wording_differs" not in {i.code for i in r.issues}
    assert next(p for p in r.rows.policies if p.code == "3").name_variants == []


def test_edited_copy_period_and_title(tmp_path: Path) -> None:
    r = _edited(tmp_path, ("令和７年度(2025年度)ま", "令和８年度(2026年度)ま"))
    assert (r.document.plan_start_fy, r.document.plan_end_fy) == (2022, 2026)
    assert "check_plan_period" in {i.code for i in r.issues}  # still says ４年間


def test_edited_copy_glossary_numbering_gap(tmp_path: Path) -> None:
    r = _edited(tmp_path, ("19  QOS Quality Of Serviceの略で", "20  QOS Quality Of Serviceの略で"))
    assert "check_glossary_numbering" in {i.code for i in r.issues}


# ---------------------------------------------------------------------------------------------
# Synthetic pages: the general rules on a small document of the same shape
# ---------------------------------------------------------------------------------------------

SYNTHETIC = "\n".join([  # a 施策 chapter and a glossary of the seed's shape (trailing spaces matter)
    " ５章 各基本方針における主な施策 ",
    "",
    "基本方針１ 暮らしの向上 ",
    "",
    "～誰にでもやさしく～ ",
    "",
    " 施策① 手続の見直し ",
    "",
    " ",
    "",
    " ",
    "",
    "現状 \uf09f  窓口で申請を受け付けて",
    "いる。 ",
    "",
    "背景  \uf09f  オンライン申請の要望がある。 ",
    "",
    "事業の方向性 \uf09f  申請の一部を",
    " 目的・あるべき姿 ",
    "手続が簡単になっています。 ",
    " オンライン化します。 ",
    "",
    "\uf09f  自治体DX推進を図る。 ",
    "",
    "【図】手続の流れ ",
    "",
    "出典：どこかの白書 ",
    " 施策② 窓口のデジタル化 ",
    "",
    " ",
    "",
    "自治体DX ",
    "",
    "現状 \uf09f  紙の書類が多い。 ",
    "",
    " 目的・あるべき姿 ",
    "窓口が便利になっています。 ",
    " 事業の方向性 \uf09f  タブレットを導入する。 ",
    " ６章 計画の進行管理 ",
    "",
    " 用語集 ",
    "",
    "項番 用 語 説 明 ",
    "",
    "1  Web 3.0 次世代の",
    "インターネットのことです。 ",
    "",
    "2  オンライン申",
    "請 ",
    "",
    "インターネットで申請することです。 ",
    "",
    "3  Facebook ",
    "",
    "【フェイスブック】 ",
    "",
    "SNSです。 ",
    " 参考資料 ",
]) + "\n"


def _synthetic(text: str = SYNTHETIC):
    doc = load_bytes(text.encode("utf-8"), path="synthetic.txt")
    return HachiojiDxPlanParser().parse(doc)


def test_synthetic_page_rules() -> None:
    parsed = _synthetic()
    rec = parsed.record
    assert [(m.code, m.name) for m in rec.measures] == [("1-1", "手続の見直し"), ("1-2", "窓口のデジタル化")]
    m1, m2 = rec.measures
    assert m1.current_state == ["窓口で申請を受け付けている。"]
    assert m1.direction == ["申請の一部をオンライン化します。", "自治体DX推進を図る。"]
    assert m1.objective == "手続が簡単になっています。"
    assert m2.direction == ["タブレットを導入する。"] and m2.objective == "窓口が便利になっています。"
    # an icon text on the page → True for that 施策, False for the others
    assert (m1.in_jichitai_dx_plan, m2.in_jichitai_dx_plan) == (False, True)
    assert rec.policies[0].full_name == "暮らしの向上 ～誰にでもやさしく～"
    assert [(g.number, g.term, g.reading, g.definition) for g in rec.glossary] == [
        (1, "Web 3.0", None, "次世代のインターネットのことです。"),
        (2, "オンライン申請", None, "インターネットで申請することです。"),
        (3, "Facebook", "フェイスブック", "SNSです。"),
    ]
    codes = Counter(i.code for i in parsed.issues)
    assert codes["figure_text_skipped"] == 1 and codes["missing_section"] == 1  # 1-2 has no 背景
    assert not [i for i in parsed.issues if i.severity == "error"]


def test_synthetic_without_measures_is_an_error() -> None:
    parsed = _synthetic("計画\n\n 用語集 \n\n項番 用 語 説 明 \n\n1  AI 人工知能。 \n")
    assert [i.code for i in parsed.issues if i.severity == "error"] == ["no_measures"]
    assert [g.term for g in parsed.record.glossary] == ["AI"]


def test_text_helpers() -> None:
    assert clean_text("令和３年度（2021年度 ）からは、マイナンバーカード *を 各 業 務") == \
        "令和３年度（2021年度）からは、マイナンバーカード*を各業務"
    assert clean_text("Society 5.0 と 市民の QOL *向上") == "Society 5.0 と市民の QOL*向上"
    assert split_paragraphs(["一行目の", "続き。 ", "", "二段落目。 "]) == ["一行目の続き。", "二段落目。"]
    assert split_paragraphs(["Microsoft ", "Teams を使う。 "]) == ["Microsoft Teams を使う。"]


# ---------------------------------------------------------------------------------------------
# Plan ↔ action plan views and check queries
# ---------------------------------------------------------------------------------------------

ACTION_DOC = "aaaaaaaaaaaa"


def _action_rows() -> dict[str, list[dict]]:
    """A tiny synthetic action plan for 132012: measure 1-1 (two cards) and 9-9 (no counterpart)."""
    now = datetime(2025, 4, 1)
    doc = Document(document_id=ACTION_DOC, format="hachioji_action_plan", municipality_code="132012",
                   municipality_name="八王子市", title="アクションプラン", source_path="x", source_sha256="a" * 64,
                   plan_start_fy=2022, plan_end_fy=2025, source_kind="text", page_count=None, parser_version="t",
                   extracted_at=now, file_name="x", file_size=1, encoding="utf-8", line_count=1,
                   extraction_status="ok")
    measures = [Measure(measure_id=f"{ACTION_DOC}:m:{c}", document_id=ACTION_DOC, policy_code=c[0], policy_name=None,
                        code=c, name=n, seq=i) for i, (c, n) in enumerate([("1-1", "行政手続のオンライン化"),
                                                                           ("9-9", "架空の施策")], start=1)]
    cards = [Initiative(initiative_id=f"{ACTION_DOC}:1-1-{k}", document_id=ACTION_DOC,
                        measure_id=f"{ACTION_DOC}:m:1-1", code=f"1-1-{k}", name=f"カード{k}", seq=k) for k in (1, 2)]
    entries = [AnnualEntry(initiative_id=f"{ACTION_DOC}:1-1-1", fiscal_year=2023, target="50件", result="60件",
                           status_raw="【達成】", status="achieved"),
               AnnualEntry(initiative_id=f"{ACTION_DOC}:1-1-1", fiscal_year=2024, target="70件", result="65件",
                           status_raw="【未達成】", status="not_achieved")]
    kpis = [KpiValue(kpi_value_id=f"{ACTION_DOC}:1-1-1:2023:actual:1", initiative_id=f"{ACTION_DOC}:1-1-1",
                     fiscal_year=2023, kind="actual", metric="件数", value=60, unit="件", raw="60件", seq=1)]
    dump = lambda rows: [r.model_dump() for r in rows]  # noqa: E731
    return {"documents": dump([doc]), "measures": dump(measures), "initiatives": dump(cards),
            "annual_entries": dump(entries), "kpi_values": dump(kpis)}


def _write(tmp_path: Path, tables: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    write_outputs(tmp_path, tables, views=HachiojiDxPlanParser.views)
    return duckdb.connect(str(tmp_path / "planparse.duckdb"), read_only=True)


def test_views_join_plan_and_action_plan(tmp_path: Path, result: FileResult) -> None:
    tables = tables_of([result])
    for name, rows in _action_rows().items():
        tables[name].extend(rows)
    con = _write(tmp_path, tables)
    row = con.execute("""SELECT plan_measure_name, plan_objective, action_measure_id, cards, entries_assessed,
                                entries_achieved, cards_with_kpi_values
                         FROM hachioji_plan_action_measures WHERE measure_code = '1-1'""").fetchall()
    assert row == [("行政手続のオンライン化", _measures(result)["1-1"].objective, f"{ACTION_DOC}:m:1-1", 2, 2, 1, 1)]
    assert con.execute("SELECT count(*) FROM hachioji_plan_action_measures").fetchone()[0] == 19  # 18 + 9-9
    orphan = con.execute("SELECT plan_measure_id, action_measure_name FROM hachioji_plan_action_measures "
                         "WHERE measure_code = '9-9'").fetchall()
    assert orphan == [(None, "架空の施策")]
    results = con.execute("""SELECT initiative_code, fiscal_year, status, kpi_actuals, plan_objective
                             FROM hachioji_plan_action_results ORDER BY 1, 2 NULLS LAST""").fetchall()
    assert [r[:4] for r in results] == [("1-1-1", 2023, "achieved", ["60件"]), ("1-1-1", 2024, "not_achieved", None),
                                        ("1-1-2", None, None, None)]
    assert {r[4] for r in results} == {_measures(result)["1-1"].objective}
    found = {title: con.execute(sql).fetchall() for title, sql in HachiojiDxPlanParser.check_queries.items()}
    plan_side, action_side = found.values()
    assert len(plan_side) == 17 and "1-1" not in {r[1] for r in plan_side}
    assert [(r[1], r[2]) for r in action_side] == [("9-9", "架空の施策")]


def test_views_set_the_action_plan_beside_the_latest_plan_edition_only(tmp_path: Path, result: FileResult) -> None:
    """Two editions of the DX plan and one action plan: each card-year is listed once, beside the
    latest edition (the superseded one would double every row: N plan × M action-plan editions)."""
    tables = tables_of([result])
    latest = tables["documents"][0]
    old_id = "bbbbbbbbbbbb"
    tables["documents"] = [{**latest, "is_latest_edition": True},
                           {**latest, "document_id": old_id, "source_sha256": "b" * 64, "is_latest_edition": False}]
    tables["measures"] += [{**m, "measure_id": m["measure_id"].replace(latest["document_id"], old_id),
                            "document_id": old_id, "objective": "旧版の目的"} for m in list(tables["measures"])]
    tables["policies"] += [{**p, "policy_id": p["policy_id"].replace(latest["document_id"], old_id),
                            "document_id": old_id} for p in list(tables["policies"])]
    for m in tables["measures"]:
        if m["document_id"] == old_id and m.get("policy_id"):
            m["policy_id"] = m["policy_id"].replace(latest["document_id"], old_id)
    for name, rows in _action_rows().items():
        tables[name].extend(rows)
    tables["documents"][-1]["is_latest_edition"] = True
    con = _write(tmp_path, tables)
    results = con.execute("SELECT initiative_code, fiscal_year, plan_document_id, plan_objective "
                          "FROM hachioji_plan_action_results ORDER BY 1, 2 NULLS LAST").fetchall()
    assert [r[:2] for r in results] == [("1-1-1", 2023), ("1-1-1", 2024), ("1-1-2", None)]
    assert {(r[2], r[3]) for r in results} == {(latest["document_id"], _measures(result)["1-1"].objective)}
    measures = con.execute("SELECT count(*), count(DISTINCT plan_document_id) FROM hachioji_plan_action_measures"
                           ).fetchone()
    assert measures == (19, 1)  # 18 + 9-9, all from the latest edition


def test_views_work_with_one_document_or_none(tmp_path: Path, result: FileResult) -> None:
    con = _write(tmp_path / "plan_only", tables_of([result]))
    assert con.execute("SELECT count(*), count(action_measure_id) FROM hachioji_plan_action_measures").fetchone() == (18, 0)
    assert con.execute("SELECT count(*) FROM hachioji_plan_action_results").fetchone() == (0,)
    # no action plan in the run: nothing is listed as lacking a counterpart
    assert all(con.execute(sql).fetchall() == [] for sql in HachiojiDxPlanParser.check_queries.values())
    con = _write(tmp_path / "empty", {})
    assert con.execute("SELECT count(*) FROM hachioji_plan_action_measures").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM hachioji_plan_action_results").fetchone() == (0,)


def test_synthetic_body_sentence_and_headerless_glossary_page() -> None:
    lines = SYNTHETIC.split("\n")
    # a wrapped body line that starts with 施策① is not a header
    at = lines.index("いる。 ")
    lines[at] = "施策①のため受け付けている。 "
    # a glossary page without its 項番 header: entry 3 follows a page-start line
    at = lines.index("3  Facebook ")
    lines[at - 1:at] = ["インターネット申請の略称もある。 ", " 次のページの補足です。 ", ""]
    parsed = _synthetic("\n".join(lines))
    rec = parsed.record
    assert [m.code for m in rec.measures] == ["1-1", "1-2"]
    assert rec.measures[0].current_state == ["窓口で申請を受け付けて施策①のため受け付けている。"]
    assert [g.number for g in rec.glossary] == [1, 2, 3]
    assert rec.glossary[1].definition == \
        "インターネットで申請することです。\nインターネット申請の略称もある。\n次のページの補足です。"
    assert rec.glossary[2].term == "Facebook"


def test_synthetic_subtitle_on_the_header_line() -> None:
    lines = SYNTHETIC.split("\n")
    at = lines.index("基本方針１ 暮らしの向上 ")
    lines[at:at + 3] = ["基本方針１ 暮らしの向上 ～誰にでもやさしく～ "]
    policy = _synthetic("\n".join(lines)).record.policies[0]
    assert (policy.title, policy.subtitle) == ("暮らしの向上", "～誰にでもやさしく～")
