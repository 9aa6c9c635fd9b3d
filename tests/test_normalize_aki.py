"""normalize: the opt-in ``letter_prefix`` of find_quantities / find_metric_values (Akishima
``ノート PC120台``); the default behaviour is unchanged."""

from __future__ import annotations

from decimal import Decimal

from planparse.normalize import find_metric_values, find_quantities


def test_letter_prefixed_number_is_skipped_by_default() -> None:
    assert find_quantities("・ノート PC120台を導入") == []
    assert find_metric_values("・ノート PC120台を導入") == []


def test_letter_prefix_admits_a_number_with_a_unit() -> None:
    (q,) = find_quantities("・ノート PC120台を導入", letter_prefix=True)
    assert (q.value, q.unit, q.raw) == (Decimal(120), "台", "120台")
    (mv,) = find_metric_values("・ノート PC40台を導入", letter_prefix=True)
    assert (mv.metric, mv.quantity.value, mv.quantity.unit) == ("ノート PC", Decimal(40), "台")


def test_letter_prefix_still_skips_identifiers_without_unit() -> None:
    assert find_quantities("Windows10 と AI-OCR2 を導入", letter_prefix=True) == []
    assert [q.raw for q in find_quantities("5Gで 20件", letter_prefix=True)] == ["20件"]
