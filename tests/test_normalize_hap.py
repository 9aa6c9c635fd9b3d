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
