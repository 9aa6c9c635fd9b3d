"""normalize changes made for the Hachioji action plan: the NFKC offset map keeps its results
with its fast path (already-normalised text) and its per-character cache; the number searches
keep theirs with their shortcuts (groups read by number, character tests before a pattern)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from planparse.normalize import _nfkc_map, find_quantities, find_target_deltas


@pytest.mark.parametrize("text", [
    "", "abc 123", "就学手続におけるオンライン申請導入率", "申請：３１７件(オンライン申請率５２％）",
    "①5万円", "（対目標：▲０.７％）", "令和５年度 （2015年度）", "マイナンバ―カード", "ＫＰＩ　Ⅲ",
])
def test_nfkc_map_matches_per_character_normalisation(text: str) -> None:
    out, index = _nfkc_map(text)
    expected = "".join(ch if ch.isascii() else unicodedata.normalize("NFKC", ch) for ch in text)
    assert out == expected
    assert len(index) == len(out) + 1 and index[-1] == len(text)
    for i, ch in enumerate(out):  # every normalised character points at the source character it came from
        assert ch in unicodedata.normalize("NFKC", text[index[i]])


def test_offsets_still_cut_the_source_text() -> None:
    q = find_quantities("利用率　４２％（対目標▲８％）")[0]
    assert (q.raw, q.value, q.unit) == ("４２％", 42, "%")
    d = find_target_deltas("インターネット受付比率52.1％(対目標:▲0.4％)")[0]
    assert (d.raw, d.value) == ("▲0.4％", Decimal("-0.4"))


def test_a_change_written_with_no_is_a_value() -> None:
    """``約14%の低減`` is the value (2-5-2 FY2024, with its 対目標 delta); ``年間1,000件以上の手続`` stays
    part of the label; ``31%の低減（前年比）`` is a change against the previous year (baseline_text)."""
    from planparse.schemas.hachioji_action_plan import cell_values

    (v,) = cell_values("窓口（発行機で印刷）の対応件数約14%の低減（対目標：+12％）")
    assert (v.value, v.unit, v.delta, v.approximate, v.baseline_text) == (Decimal("14"), "%", Decimal("12"), True, None)
    (w,) = cell_values("年間1,000件以上の手続のオンライン申請化率：19.9％")
    assert (w.value, w.metric) == (Decimal("19.9"), "年間1,000件以上の手続のオンライン申請化率")
    (x,) = cell_values("窓口（発行機で印刷）の対応件数31%の低減（前年比）")
    assert (x.value, x.baseline_text) == (Decimal("31"), "前年比")


def test_the_patterns_read_by_group_number_keep_their_groups() -> None:
    """``find_quantities`` and ``find_target_deltas`` read their patterns' groups by number (``regex``
    looks a name up slowly): a group added to a pattern must not shift them."""
    from planparse.normalize import QUANTITY, TARGET_DELTA

    assert QUANTITY.groupindex == {"approx": 1, "number": 2, "unit": 3, "comparator": 4}
    assert TARGET_DELTA.groupindex == {"delta": 1, "sign": 2, "number": 3, "unit": 4}


@pytest.mark.parametrize("text", [
    "第7次", "令和 5", "No. 3件", "NO 3", "Ver.2", "Ver 2", "P.12", "R3年度に5件", "H 30", "S\u300050", "第\u30007回",
    "平成\n30年", "昭和64", "2024年度 12件", "20２５ 年度", "約\u30005万件", "5件", "ＰＣ120台", "ｖｅｒ.３",
])
def test_the_character_tests_before_the_patterns_are_necessary(text: str) -> None:
    """``find_quantities`` tries FISCAL_YEAR only on a text holding an era's first character, R/H/S or
    年度, and the words that make a number part of a name (第7次, No.3) only after a space or one of
    their last characters: wherever the patterns match, the tests pass (on every cut of the text)."""
    from planparse.normalize import (
        _MAY_HOLD_YEAR,
        _NOT_A_QUANTITY_BEFORE,
        _NOT_A_QUANTITY_BEFORE_ENDS,
        FISCAL_YEAR,
    )

    s, _ = _nfkc_map(text)
    if FISCAL_YEAR.search(s):
        assert _MAY_HOLD_YEAR.search(s)
    for end in range(len(s) + 1):
        for start in range(end + 1):
            before = s[start:end]
            if _NOT_A_QUANTITY_BEFORE.search(before):
                assert before[-1] in _NOT_A_QUANTITY_BEFORE_ENDS or before[-1].isspace(), before


@pytest.mark.parametrize("text", [
    "（対目標：▲7.6％）", "(対目標:▲0.4％)", "（対目標▲8％）", "（対目標：+４22件）", "（対目標：\n+4,330時間）",
    "（対目標：±0％）", "対 目 標：－1.5万人", "対目標 ３件/年", "42％（対目標▲8％）と55%（対目標：+2％）",
])
def test_a_target_delta_reads_what_parse_delta_reads_from_it(text: str) -> None:
    """``find_target_deltas`` reads the sign, number and unit of its pattern's delta group instead of
    handing the group to ``parse_delta``: the same value and unit."""
    from planparse.normalize import parse_delta

    found = find_target_deltas(text)
    assert found
    for d in found:
        expected = parse_delta(d.raw)
        assert (d.value, d.unit) == (expected.value, expected.unit)


def test_the_first_and_last_character_sets_of_the_label_patterns_are_necessary() -> None:
    """A metric label is cleaned by TRAILING_PARTICLES only when it ends with one of
    TRAILING_PARTICLE_CHARS or a space, and by the action plan's _LABEL_DEBRIS only when it starts with
    one of _LABEL_DEBRIS_STARTS or a space: wherever the patterns match a one-character end (start)
    of a text, that character is in the set (every BMP character tried)."""
    from planparse.normalize import TRAILING_PARTICLE_CHARS, TRAILING_PARTICLES
    from planparse.schemas.hachioji_action_plan import _LABEL_DEBRIS, _LABEL_DEBRIS_STARTS

    for code in range(0x20, 0x10000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if TRAILING_PARTICLES.search("値" + ch):
            assert ch in TRAILING_PARTICLE_CHARS or ch.isspace(), repr(ch)
        if _LABEL_DEBRIS.match(ch + "値"):
            assert ch in _LABEL_DEBRIS_STARTS or ch.isspace(), repr(ch)
