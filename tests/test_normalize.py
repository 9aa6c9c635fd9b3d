"""normalize: real strings from the five documents (file and line in each comment)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from planparse.normalize import (
    Status,
    circled_to_int,
    clean_cell,
    find_fiscal_years,
    find_metric_values,
    find_quantities,
    find_target_deltas,
    int_to_roman,
    join_wrapped,
    match_key,
    parse_delta,
    parse_fiscal_year,
    parse_fiscal_year_range,
    parse_number,
    roman_to_int,
    split_departments,
    split_html_list,
    status_from_mark,
    strip_markup,
    to_int,
)


@pytest.mark.parametrize(("text", "year"), [
    ("令和7年度", 2025),                       # musashino header style, hachioji action plan title
    ("令和４（2022）年度の事業達成状況 目標", 2022),  # akishima 746ff.
    ("令和4年度 (2022年度）", 2022),             # hachioji action plan year header (half-width "(")
    ("令和元年（2019年 ）に発生した", 2019),      # hachioji dx plan line 33
    ("令和元年度", 2019),                       # akishima line 89
    ("平成29年度（2017年度）から令和元年度", 2017),  # hachioji dx plan line 252
    ("平成30年度", 2018),
    ("R3", 2021),                              # hachioji dx plan line 1285 (timeline figure)
    ("令和8(2026)年度", 2026),                  # koganei roadmap header
    ("令和10年度40%以上", 2028),                 # koganei 4-2 target
    ("2024年度", 2024),
    ("令和６(2024)年度", 2024),                  # akishima schedule header
])
def test_parse_fiscal_year(text: str, year: int) -> None:
    assert parse_fiscal_year(text) == year


def test_fiscal_year_details_and_conflict() -> None:
    # hachioji action plan line 1615: 令和5年度 printed with （2015年度） — the era year wins, conflict flagged
    (m,) = find_fiscal_years("令和5年度 （2015年度）")
    assert (m.fiscal_year, m.gregorian, m.conflict, m.is_fiscal) == (2023, 2015, True, True)
    (m,) = find_fiscal_years("令和５年（2023年）３月")
    assert (m.fiscal_year, m.is_fiscal, m.conflict) == (2023, False, False)
    assert m.raw == "令和５年（2023年）"  # raw is the source text, not its NFKC form
    assert [y.fiscal_year for y in find_fiscal_years("令和5年度 令和6年度 令和7年度")] == [2023, 2024, 2025]
    assert parse_fiscal_year("オンラインによる手続き：400件") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("令和４年～令和８年", (2022, 2026)),                          # akishima 事業期間
    ("令和４年度～令和８年度", (2022, 2026)),                      # akishima report 15
    ("令和8(2026)年度～令和10(2028)年度", (2026, 2028)),            # koganei cover
    ("令和4～8年度", (2022, 2026)),
    ("R4～R8", (2022, 2026)),
    ("令和７年度まで", (2025, 2025)),
    ("計画期間なし", (None, None)),
])
def test_parse_fiscal_year_range(text: str, expected: tuple) -> None:
    assert parse_fiscal_year_range(text) == expected


@pytest.mark.parametrize(("text", "value"), [
    ("1,003件", Decimal(1003)),            # musashino L9 result FY2024
    ("4.5万件", Decimal(45000)),            # musashino L7 target FY2023
    ("約6万4千件", Decimal(64000)),         # musashino L9
    ("４0％", Decimal(40)),                # hachioji action plan line 993 (mixed widths)
    ("28万件", Decimal(280000)),            # hachioji action plan line 6277
    ("12,000人", Decimal(12000)),           # koganei 2-1 target
    ("２万5000人", Decimal(25000)),
    ("▲０.７％", Decimal("0.7")),           # sign is for parse_delta
    ("事業数 ２", Decimal(2)),              # hachioji action plan line 4038 (no unit)
    ("なし", None),
])
def test_parse_number(text: str, value: Decimal | None) -> None:
    assert parse_number(text) == value


def test_numbers_are_decimal_not_float() -> None:
    assert parse_number("4.5万") == Decimal(45000) and str(parse_number("4.5万")) == "45000"
    assert str(parse_number("0.96")) == "0.96"
    assert parse_number("2.3億") == Decimal(230_000_000)  # kanjize's float gives 229,999,999


def test_find_quantities_units_comparators_and_skipped_years() -> None:
    found = find_quantities("令和6年度事業効果測定 目標受診率 18.6% 80%以上 約6万4千件 777件/半年 7月 第7次")
    assert [(q.value, q.unit, q.comparator, q.approximate, q.raw) for q in found] == [
        (Decimal("18.6"), "%", None, False, "18.6%"),
        (Decimal(80), "%", ">=", False, "80%以上"),
        (Decimal(64000), "件", None, True, "約6万4千件"),
        (Decimal(777), "件/半年", None, False, "777件/半年"),
    ]
    # identifiers are not quantities: 5G, JIS-1x8341
    assert find_quantities("5Gの活用 JIS-1x8341") == []


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("▲7.6％", Decimal("-7.6"), "%"),      # hachioji action plan
    ("＋4.4％", Decimal("4.4"), "%"),
    ("±0％", Decimal(0), "%"),
    ("▲０.７％", Decimal("-0.7"), "%"),
    ("＋７．２１％", Decimal("7.21"), "%"),
    ("+４22件", Decimal(422), "件"),        # mixed widths
    ("＋23万件", Decimal(230000), "件"),
    ("▲２商店街", Decimal(-2), "商店街"),
])
def test_parse_delta(text: str, value: Decimal, unit: str) -> None:
    d = parse_delta(text)
    assert d is not None and (d.value, d.unit) == (value, unit)


def test_find_target_deltas_variants() -> None:
    text = ("777件/半年（対目標：+477人） (対目標:▲0.4％) （対目標▲8％） （対目標：\n+4,330時間） "
            "（対前年度：＋１所管）（実績：1,722件）（対目標：±0％）")
    deltas = find_target_deltas(text)
    assert [(d.value, d.unit) for d in deltas] == [
        (Decimal(477), "人"), (Decimal("-0.4"), "%"), (Decimal(-8), "%"), (Decimal(4330), "時間"), (Decimal(0), "%"),
    ]
    assert deltas[1].raw == "▲0.4％"


def test_find_metric_values_musashino_targets_and_results() -> None:
    # musashino L7 (FY2023 target) and L9 (FY2023 result)
    target = find_metric_values("オンラインによる手続き：400件 オンラインによる申請手続受付件数：4.5万件")
    assert [(m.metric, m.quantity.value, m.quantity.unit) for m in target] == [
        ("オンラインによる手続き", Decimal(400), "件"), ("オンラインによる申請手続受付件数", Decimal(45000), "件")]
    result = find_metric_values("オンライン手続き：687件 受付件数：約4万件 転出入や保育施設入所、児童手当等に係る手続き")
    assert [(m.metric, m.quantity.raw) for m in result] == [("オンライン手続き", "687件"), ("受付件数", "約4万件")]
    # a number without unit counts after "label：" (musashino L12 FY2025), deltas are not values
    labelled = find_metric_values("効果検証（オンラインによる相談受付業務数：5、受付件数：年100件）")
    assert [(m.metric, m.quantity.value) for m in labelled] == [
        ("オンラインによる相談受付業務数", Decimal(5)), ("受付件数", Decimal(100))]
    assert [m.quantity.raw for m in find_metric_values("利用率　４０％（対目標：▲０.７％）")] == ["４０％"]


@pytest.mark.parametrize(("mark", "status"), [
    ("【達成】", Status.ACHIEVED), ("　【達成】", Status.ACHIEVED),      # hachioji (U+3000 prefix)
    ("【未達成】", Status.NOT_ACHIEVED), ("達成", Status.ACHIEVED),
    ("概ね達成", Status.MOSTLY_ACHIEVED), ("一部のみ達成", Status.PARTIALLY_ACHIEVED),  # musashino
    ("一部未達成", Status.PARTIALLY_ACHIEVED), ("未達成", Status.NOT_ACHIEVED),
    ("\u3007", Status.ON_TRACK), ("△", Status.MINOR_REVISION), ("×", Status.REVISION_NEEDED),  # akishima
])
def test_status_from_mark(mark: str, status: Status) -> None:
    assert status_from_mark(mark) == status


def test_status_from_mark_does_not_fold_role_circle() -> None:
    # ○ U+25CB is Koganei's support role, not Akishima's 〇 U+3007
    assert status_from_mark("\u25cb") is None
    assert status_from_mark("") is None and status_from_mark(None) is None
    assert status_from_mark("検討中") is None


def test_split_departments() -> None:
    # musashino L113: a parenthesis inside a name, 、 separators
    assert split_departments("企画調整課（令和5年度まで）、子ども子育て支援課、健康課、教育支援課、障害者福祉課") == [
        "企画調整課（令和5年度まで）", "子ども子育て支援課", "健康課", "教育支援課", "障害者福祉課"]
    # musashino: ・ inside one department name when only 、 separates
    assert split_departments("多文化共生・交流課") == ["多文化共生・交流課"]
    # hachioji action plan: ・ separates departments; a space before a bracket does not split
    assert split_departments("財政部・契約資産部・会計課", "・") == ["財政部", "契約資産部", "会計課"]
    assert split_departments("成人保健課 （南大沢保健福祉センター）", "・ ") == ["成人保健課 （南大沢保健福祉センター）"]
    # koganei 主担当: spaces
    assert split_departments("全ての課 DX推進担当 情報システム課", " ") == ["全ての課", "DX推進担当", "情報システム課"]
    assert split_departments("") == []


def test_join_wrapped_inserts_no_space_between_japanese() -> None:
    # hachioji dx plan 1881/1889: a sentence cut mid-word over a page start
    assert join_wrapped(["…一度提出した情 ", " 報は、二度提出する…"]) == "…一度提出した情報は、二度提出する…"
    assert join_wrapped(["サイバーシルクロード", "八王子"]) == "サイバーシルクロード八王子"
    assert join_wrapped(["Society", "5.0"]) == "Society 5.0"
    assert join_wrapped(["　【達成】", "", "  "]) == "【達成】"


def test_markup_and_lists() -> None:
    cell = '<ul style="list-style-type: none"> ・試行実施 ・横展開の検討 '  # musashino L35
    assert strip_markup(cell) == "・試行実施 ・横展開の検討"
    assert split_html_list(cell) == ["・試行実施", "・横展開の検討"]
    assert split_html_list("・item") is None
    assert strip_markup("<p><b>デジタルを用いた 多様な情報伝達手段の推進</b></p>") == "デジタルを用いた 多様な情報伝達手段の推進"
    assert strip_markup("**取組背景**") == "取組背景"
    assert clean_cell("  ") is None and clean_cell("行政手続き\nのオンライン化") == "行政手続きのオンライン化"


def test_numerals() -> None:
    assert [roman_to_int(s) for s in ("I", "II", "Ⅱ", "Ⅲ", "IV", "Ⅳ", "ＩＶ")] == [1, 2, 2, 3, 4, 4, 4]
    assert roman_to_int("窓口") is None and int_to_roman(4) == "IV"
    assert [circled_to_int(c) for c in "①⑪⑯➀"] == [1, 11, 16, 1]
    assert circled_to_int("1") is None
    assert to_int("１０") == 10 and to_int("1-1") is None


def test_match_key_folds_width_spaces_and_long_vowel_lookalikes() -> None:
    # hachioji action plan 2477: マイナンバ― (U+2015) vs マイナンバー
    assert match_key("①マイナンバ―カードの 普及促進") == match_key("①マイナンバーカードの普及促進")
    assert match_key("ＤＸ推進") == match_key("DX推進")
    assert match_key("年度目標 取組内容") == "年度目標取組内容"


def test_match_key_shortcut_removes_the_same_whitespace_as_the_pattern() -> None:
    # match_key drops whitespace with str.split() unless a line holds one of the four separators
    # that str.split() treats as whitespace but [\s\u3000] does not: check both sets over Unicode
    import regex

    from planparse.normalize import _NEEDS_PATTERNS, _WHITESPACE

    pattern = {c for c in range(0x110000) if _WHITESPACE.fullmatch(chr(c))}
    split = {c for c in range(0x110000) if chr(c).isspace()}
    assert split - pattern == {0x1C, 0x1D, 0x1E, 0x1F}
    assert pattern <= split
    assert all(_NEEDS_PATTERNS.match(chr(c)) for c in split - pattern)
    for text in ("a\x1cb c", "ア－ト\u3000\tの\x85x", "1-1-1 カ―ド", "\u2028x\u3000y\u00a0z", ""):
        assert match_key(text) == _WHITESPACE.sub("", regex.sub(r"(?<=[\p{Katakana}ｰ])[―‐‑–—─━－-]", "ー",
                                                                 unicodedata.normalize("NFKC", text)))


def test_nfkc_is_unicode_nfkc() -> None:
    # nfkc replaces characters one by one first and checks the result; where characters compose or
    # reorder it must fall back to the full algorithm: half-width kana with their sound marks, jamo,
    # combining marks out of order, characters decomposing to a combining mark
    from planparse.normalize import clear_memos, nfkc

    texts = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    texts += ["ｶﾞｷﾞ（２）", "ﾊﾟｿｺﾝ", "か\u3099", "\u1100\u1161\u11a8", "a\u0323\u0307ｂ", "e\u0344x", "Å\u0301",
              "①ﾎﾟｲﾝﾄ\u3000ＡＩ", "ｷﾞｶﾞ㍻", "\u0f73\u0f75\u0f81", "ｬﾞ"]
    clear_memos()
    assert [t for t in texts if nfkc(t) != unicodedata.normalize("NFKC", t)] == []


def test_nfkc_of_a_long_text_is_that_of_unicodedata() -> None:
    # from _NFKC_RUNS_FROM characters only the runs NFKC can change are looked up
    import unicodedata

    from planparse.normalize import _NFKC_RUNS_FROM, nfkc

    pieces = ["（令和４年度）", "ｶﾞｲﾄﾞ", "①②Ⅲ", "㈱㍻", "カ\u3099", "e\u0301", "\u3000ＫＰＩ：１０％", "普通の文", "ﾞ"]
    for k in range(len(pieces)):
        text = "".join(pieces[k:] + pieces[:k]) * 8
        assert len(text) >= _NFKC_RUNS_FROM
        assert nfkc(text) == unicodedata.normalize("NFKC", text)
        assert nfkc(text[:40]) == unicodedata.normalize("NFKC", text[:40])
