"""Themes (THEMES.md, src/planparse/themes.toml): coverage, focus, and agreement with hand labels.

The hand labels below were made from the source documents (name, 事業内容 / 取組内容 / 目的, and the
評価指標), by reading what each initiative is about, before the rules were tuned; the sample is every
3rd Akishima 施策, every 17th Hachioji card, every 6th Koganei 個別取組 and every 4th Musashino
取組事項 (41 initiatives). Agreement is micro-averaged F1 over (initiative, theme) tags.
"""

from __future__ import annotations

import pytest

from planparse.normalize import nfkc
from planparse.schemas.common import Initiative
from planparse.themes import load_rules, tag_initiatives, theme_rows
from tests.conftest import extracted, raw_by_format

CITY_FORMATS = ("akishima_midterm_report", "hachioji_action_plan", "koganei_roadmap", "musashino_progress_sheet")

HAND_LABELS: dict[tuple[str, str], set[str]] = {
    # 昭島市 デジタル化推進計画 中間報告書 (施策)
    ("akishima_midterm_report", "1"): {"online_procedures"},          # 行政手続のオンライン化（スマートフォン対応）
    ("akishima_midterm_report", "4"): {"mynumber", "digital_divide"},  # マイナポータル活用教室の実施
    ("akishima_midterm_report", "7"): {"outreach", "community"},       # 市民への情報伝達の一斉送信機能整備 (災害時)
    ("akishima_midterm_report", "10"): {"community"},                  # 学校教育における ICT 化の推進
    ("akishima_midterm_report", "13"): {"ai_rpa", "bpr_paperless"},    # AI・RPAによる業務効率化の推進
    ("akishima_midterm_report", "16"): {"infrastructure", "bpr_paperless"},  # 無線 LAN整備によるペーパーレス化の推進
    ("akishima_midterm_report", "19"): {"data_utilization"},           # オープンデータ化の推進
    ("akishima_midterm_report", "22"): {"digital_divide"},             # ICTサポーターの育成 (市民の支援者)
    ("akishima_midterm_report", "25"): {"security"},                   # 情報セキュリティ教育の充実
    ("akishima_midterm_report", "A3"): {"bpr_paperless", "online_procedures"},  # アナログ規制の見直し (オンライン原則化条例)
    # 八王子市 DX推進計画 アクションプラン (カード)
    ("hachioji_action_plan", "1-1-1"): {"online_procedures"},          # オンライン申請推進のサポート
    ("hachioji_action_plan", "1-1-18"): {"online_procedures"},         # 宅地開発等におけるオンライン申請化
    ("hachioji_action_plan", "1-3-4"): {"frontyard"},                  # 申請手続におけるタブレットの活用 (来庁窓口)
    ("hachioji_action_plan", "1-5-1"): {"digital_divide"},             # デジタルデバイド対策推進
    ("hachioji_action_plan", "1-6-14"): {"data_utilization", "community"},  # 母子保健と児童福祉の情報連携
    ("hachioji_action_plan", "2-3-3"): {"community"},                  # ドローンを活用した災害時の情報収集や物資搬送等
    ("hachioji_action_plan", "2-5-4"): {"data_utilization"},           # 都市計画閲覧システムのオンライン公開
    ("hachioji_action_plan", "2-6-16"): {"community"},                 # ICT技術を活用した無人農産物直売所情報の提供
    ("hachioji_action_plan", "3-3-2"): {"bpr_paperless"},              # 障害者（児）支援に関する情報の電子化
    ("hachioji_action_plan", "3-3-19"): {"data_utilization"},          # エビデンスを考慮した予算配分 (EBPM)
    # 小金井市 DX推進方針 アクションプラン (個別取組)
    ("koganei_roadmap", "1-1"): {"online_procedures"},                 # オンライン申請
    ("koganei_roadmap", "2-3"): {"ai_rpa", "outreach"},                # AIを活用したサイト内検索ボット・FAQシステム
    ("koganei_roadmap", "4-1"): {"mynumber"},                          # マイナンバーカードの普及促進
    ("koganei_roadmap", "6-1"): {"community"},                         # デジタル学習基盤の活用 (学校)
    ("koganei_roadmap", "7-3"): {"bpr_paperless"},                     # ペーパーレスの推進
    ("koganei_roadmap", "8-3"): {"bpr_paperless"},                     # 介護認定審査業務のデジタル化
    ("koganei_roadmap", "9-4"): {"system_standardization"},            # 標準化・共通化した基幹系業務システムの活用
    ("koganei_roadmap", "11-3"): {"workforce", "data_utilization"},    # データ分析スキル向上 (研修)
    ("koganei_roadmap", "12-4"): {"system_standardization"},           # 東京自治体クラウド4市による情報共有体制
    ("koganei_roadmap", "14-2"): {"bpr_paperless"},                    # 業務プロセスの最適化（BPR）
    ("koganei_roadmap", "16-1"): {"ai_rpa"},                           # AIエージェント等の先進サービスの活用検討
    # 武蔵野市 第七次総合情報化基本計画 施策進捗管理シート (取組事項)
    ("musashino_progress_sheet", "1"): {"online_procedures"},          # 行政手続き、イベントや講座の申込等のオンライン化
    ("musashino_progress_sheet", "5"): {"frontyard"},                  # 転出・転入ワンストップサービスの実施
    ("musashino_progress_sheet", "9"): {"frontyard"},                  # タブレット端末を利用した手話サービス (窓口)
    ("musashino_progress_sheet", "13"): {"digital_divide"},            # 高齢者向けデジタル機器の操作支援
    ("musashino_progress_sheet", "17"): {"community"},                 # 学習者用コンピュータ活用に関する指針 (学校)
    ("musashino_progress_sheet", "21"): {"community", "outreach"},     # 災害時の情報収集・情報提供の充実
    ("musashino_progress_sheet", "25"): {"bpr_paperless"},             # 文書・財務事務における電子決裁の導入
    ("musashino_progress_sheet", "29"): {"ai_rpa", "bpr_paperless"},   # AI・RPAの活用による業務改善の推進
    ("musashino_progress_sheet", "33"): {"telework"},                  # 職場環境改善 (フリーアドレス) の研究
    ("musashino_progress_sheet", "37"): {"system_standardization"},    # 自治体情報システムの標準化・共通化への対応
    ("musashino_progress_sheet", "41"): {"workforce"},                 # デジタル人材育成研修の実施
}

# A second sample, labelled after the rules were tuned on HAND_LABELS and not used for tuning: every
# 3rd Akishima 施策 from the 2nd, every 17th Hachioji card from the 9th, every 6th Koganei 個別取組
# from the 4th, every 4th Musashino 取組事項 from the 3rd (41 initiatives; one is about no theme).
HELD_OUT_LABELS: dict[tuple[str, str], set[str]] = {
    ("akishima_midterm_report", "2"): {"frontyard"},                   # 窓口の申請書電子化 (書かない窓口)
    ("akishima_midterm_report", "5"): {"mynumber"},                    # 自治体マイナポイント活用事業の検討
    ("akishima_midterm_report", "8"): {"ai_rpa"},                      # AIチャットボットサービスの導入
    ("akishima_midterm_report", "11"): {"bpr_paperless"},              # アンケートのオンライン実施 (集計の効率化)
    ("akishima_midterm_report", "14"): {"bpr_paperless"},              # 電子決裁導入の推進
    ("akishima_midterm_report", "17"): {"system_standardization"},     # 情報システム標準化・共通化
    ("akishima_midterm_report", "20"): {"infrastructure"},             # 公共施設における Wi-Fi整備
    ("akishima_midterm_report", "23"): {"workforce"},                  # 自治体 DX研修の実施
    ("akishima_midterm_report", "A1"): {"community"},                  # 防災 DXツールのトライアル事業
    ("akishima_midterm_report", "A4"): {"telework"},                   # コミュニケーションツール (チャット, Web会議)
    ("hachioji_action_plan", "1-1-9"): {"online_procedures"},          # 公害規制に係る手続のオンライン申請化
    ("hachioji_action_plan", "1-2-7"): {"cashless_eltax"},             # ごみ処理手数料のキャッシュレス決済
    ("hachioji_action_plan", "1-4-7"): {"community"},                  # WEBを活用した学習支援講座 (生涯学習)
    ("hachioji_action_plan", "1-6-5"): {"data_utilization"},           # 人流分析ツールの活用
    ("hachioji_action_plan", "2-2-4"): {"community"},                  # 地域の福祉の担い手間の連携
    ("hachioji_action_plan", "2-4-2"): {"data_utilization"},           # 収蔵資料のデータベース化・オープンデータ化
    ("hachioji_action_plan", "2-6-7"): {"community"},                  # 新モビリティサービス
    ("hachioji_action_plan", "3-1-8"): {"system_standardization"},     # 総合健診システムの再構築 (標準化)
    ("hachioji_action_plan", "3-3-10"): {"bpr_paperless"},             # 結核健康診断の実施報告業務のデジタル化
    ("hachioji_action_plan", "3-5-2"): {"workforce"},                  # デジタル人財育成方針の策定
    ("koganei_roadmap", "1-4"): {"frontyard"},                         # 回らない窓口
    ("koganei_roadmap", "3-1"): {"cashless_eltax", "frontyard"},       # 市役所窓口・公共施設でのキャッシュレス決済
    ("koganei_roadmap", "5-1"): {"digital_divide"},                    # デジタルデバイド向け支援
    ("koganei_roadmap", "6-4"): {"infrastructure", "community"},       # 校務用・教育用ネットワーク基盤の統合
    ("koganei_roadmap", "7-6"): {"telework"},                          # Web会議の常態化
    ("koganei_roadmap", "9-1"): {"system_standardization"},            # 個別システムのクラウド化
    ("koganei_roadmap", "10-3"): {"data_utilization"},                 # 統合型GISの活用
    ("koganei_roadmap", "12-1"): {"community"},                        # 住民参加型デジタルプラットフォーム
    ("koganei_roadmap", "13-3"): {"security"},                         # ゼロトラスト・セキュリティ
    ("koganei_roadmap", "15-2"): {"data_utilization"},                 # データガバナンス体制の構築
    ("musashino_progress_sheet", "3"): {"data_utilization"},           # 地図情報の閲覧サービス (台帳をインターネットで)
    ("musashino_progress_sheet", "7"): {"cashless_eltax", "frontyard"},  # 主要窓口におけるキャッシュレス決済
    ("musashino_progress_sheet", "11"): {"outreach", "digital_divide"},  # ウェブアクセシビリティの向上
    ("musashino_progress_sheet", "15"): {"infrastructure", "community"},  # ICT機器 (電子黒板, 学級)
    ("musashino_progress_sheet", "19"): {"community"},                 # 保健センター (健康相談) のデジタル技術活用
    ("musashino_progress_sheet", "23"): {"community"},                 # 地域子育て支援拠点の災害時連携
    ("musashino_progress_sheet", "27"): {"bpr_paperless"},             # 請求書の電子化及び電子請求システム
    ("musashino_progress_sheet", "31"): set(),                         # 先進技術の研究 (no theme)
    ("musashino_progress_sheet", "35"): {"security"},                  # 情報セキュリティの徹底
    ("musashino_progress_sheet", "39"): {"community"},                 # オンライン会議等を活用した市民参加
}


def _initiatives(format_name: str) -> list[Initiative]:
    return extracted(raw_by_format(format_name).name).rows.initiatives


def _tags(format_name: str) -> dict[str, set[str]]:
    result = extracted(raw_by_format(format_name).name)
    by_id: dict[str, set[str]] = {i.initiative_id: set() for i in result.rows.initiatives}
    for t in result.rows.initiative_themes:
        by_id[t.initiative_id].add(t.theme)
    code = {i.initiative_id: i.code for i in result.rows.initiatives}
    return {code[iid]: themes for iid, themes in by_id.items()}


def agreement(labels: dict[tuple[str, str], set[str]] = HAND_LABELS) -> tuple[float, int, int, int]:
    """Micro F1 of the tags against ``labels``, and (true positives, predicted, labelled)."""
    tp = predicted = labelled = 0
    for fmt in CITY_FORMATS:
        tags = _tags(fmt)
        for (f, code), hand in labels.items():
            if f != fmt:
                continue
            got = tags[code]
            tp += len(got & hand)
            predicted += len(got)
            labelled += len(hand)
    f1 = 2 * tp / (predicted + labelled)
    return f1, tp, predicted, labelled


@pytest.mark.parametrize("labels", [HAND_LABELS, HELD_OUT_LABELS], ids=["tuning_sample", "held_out_sample"])
def test_hand_labels_cover_the_four_cities(labels: dict[tuple[str, str], set[str]]) -> None:
    assert len(labels) >= 40
    assert not set(HAND_LABELS) & set(HELD_OUT_LABELS)
    assert {f for f, _ in labels} == set(CITY_FORMATS)
    codes = {i.theme for i in theme_rows()}
    assert all(hand <= codes for hand in labels.values())
    for fmt in CITY_FORMATS:  # every labelled code exists in the extraction
        tags = _tags(fmt)
        assert all(code in tags for f, code in labels if f == fmt)


@pytest.mark.parametrize("labels", [HAND_LABELS, HELD_OUT_LABELS], ids=["tuning_sample", "held_out_sample"])
def test_agreement_with_hand_labels(labels: dict[tuple[str, str], set[str]]) -> None:
    f1, tp, predicted, labelled = agreement(labels)
    assert f1 >= 0.85, f"F1 {f1:.3f}: {tp} of {predicted} tags right, {labelled} hand labels"


@pytest.mark.parametrize("format_name", CITY_FORMATS)
def test_coverage_and_focus_per_format(format_name: str) -> None:
    tags = _tags(format_name)
    coverage = sum(1 for t in tags.values() if t) / len(tags)
    mean = sum(len(t) for t in tags.values()) / len(tags)
    assert coverage >= 0.90, f"{format_name}: {coverage:.3f} of initiatives tagged"
    assert mean <= 3.0, f"{format_name}: {mean:.2f} themes per initiative"


def test_every_tag_keeps_its_evidence() -> None:
    result = extracted(raw_by_format("hachioji_action_plan").name)
    names = {i.initiative_id: i for i in result.rows.initiatives}
    rules = {r.id: r for r in load_rules().rules}
    for t in result.rows.initiative_themes:
        assert t.rule in rules and rules[t.rule].theme == t.theme
        text = getattr(names[t.initiative_id], t.field) or ""
        for word in t.evidence.split(" | "):
            assert word in nfkc(text).lower(), (t, word)


def test_known_tags_with_evidence() -> None:
    result = extracted(raw_by_format("koganei_roadmap").name)
    by_code = {i.initiative_id: i.code for i in result.rows.initiatives}
    got = {(by_code[t.initiative_id], t.theme): t for t in result.rows.initiative_themes}
    t = got[("3-2", "cashless_eltax")]  # 公金収納eL-QR
    assert (t.field, t.rule, t.seq) == ("name", "cashless.payment", 1) and "el-qr" in t.evidence
    assert got[("1-3", "frontyard")].evidence == "書かない | 窓口"  # 書かない窓口: words in text order


# the scoring part of a small rules file (themes.toml's shape), for the tests that write their own
_RULES_HEAD = """version = "x"
[scoring]
threshold = 3.0
max_themes = 3
fallback_min = 1.0
[fields.name]
weight = 3.0
cap = 1.0
"""


def test_rules_file_is_checked() -> None:
    text = _RULES_HEAD + """[[themes]]
theme = "security"
name_ja = "セキュリティ対策の徹底"
source = "s"
[[rules]]
id = "a"
theme = "nope"
words = ["x"]
"""
    with pytest.raises(ValueError, match="unknown theme"):
        load_rules(text)
    ok = load_rules(text.replace('"nope"', '"security"').replace('["x"]', '["line"]'))
    one = Initiative(initiative_id="d:1", document_id="d", code="1", name="オンライン申請", seq=1)
    two = Initiative(initiative_id="d:2", document_id="d", code="2", name="市公式ＬＩＮＥの拡大", seq=2)
    tags = tag_initiatives([one, two], ok)
    assert [(t.initiative_id, t.theme, t.evidence) for t in tags] == [("d:2", "security", "line")]
    assert theme_rows(ok)[0].taxonomy_version == "x"
    with pytest.raises(ValueError, match="empty word"):
        load_rules(text.replace('"nope"', '"security"').replace('["x"]', '["x", ""]'))


def test_longest_word_at_each_position_and_overlaps() -> None:
    # 学習 inside 機械学習 does not count; a word overlapping another one without lying inside it does
    text = _RULES_HEAD + """[[themes]]
theme = "ai_rpa"
name_ja = "AI"
source = "s"
[[themes]]
theme = "community"
name_ja = "地域"
source = "s"
[[rules]]
id = "ai"
theme = "ai_rpa"
words = ["機械学習", "ai"]
[[rules]]
id = "learn"
theme = "community"
words = ["学習", "習支援"]
"""
    rules = load_rules(text)
    tagged = tag_initiatives([Initiative(initiative_id="d:1", document_id="d", code="1", seq=1,
                                         name="機械学習支援とＡＩ活用（mail は ai でない）")], rules)
    assert [(t.theme, t.evidence) for t in tagged] == [("ai_rpa", "機械学習 | ai"), ("community", "習支援")]
