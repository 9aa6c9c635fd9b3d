"""normalize changes made for the Hachioji action plan: the NFKC offset map keeps its results
with its fast path (already-normalised text) and its per-character cache."""

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
