"""KPI pairs, derived targets and exact numbers (SCHEMA.md v2 "KPI pairs")."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from planparse.kpi_pairs import pair_kpis, units_agree
from planparse.pipeline import extract
from planparse.schemas.common import KpiValue
from tests.conftest import REVIEWED_RAW, extracted, raw_by_format


def kpi(kind: str, n: int, value: str, metric: str | None, unit: str | None = "%", *, fy: int = 2024,
        delta: str | None = None, delta_unit: str | None = None, comparator: str | None = None) -> KpiValue:
    return KpiValue(kpi_value_id=f"d:1:{fy}:{kind}:{n}", initiative_id="d:1", fiscal_year=fy, kind=kind,
                    metric=metric, value=Decimal(value), unit=unit, raw=value, seq=n,
                    delta=None if delta is None else Decimal(delta), delta_unit=delta_unit, comparator=comparator)


def test_units_agree() -> None:
    assert units_agree("%", "％") and units_agree("件", "件/年") and units_agree(None, None)
    assert not units_agree("人", "件/半年") and not units_agree("件", None)


def test_same_metric_pairs_and_delta_derives_a_target() -> None:
    rows = pair_kpis([
        kpi("target", 1, "50", "電子申請利用率"),
        kpi("actual", 1, "42", "電子申請利用率", delta="-8", delta_unit="%"),
        kpi("actual", 2, "22.4", "オンライン申請率", delta="-7.6", delta_unit="%"),
        kpi("actual", 3, "777", "相談件数", unit="件/半年", delta="477", delta_unit="人"),  # units differ
    ])
    by_id = {r.kpi_value_id: r for r in rows}
    assert by_id["d:1:2024:target:1"].pair_id == by_id["d:1:2024:actual:1"].pair_id == "d:1:2024:p1"
    derived = by_id["d:1:2024:target:2"]  # only the unpaired actual with a delta in its own unit
    assert derived.derived and derived.value == Decimal("30.0") and str(derived.value) == "30.0"
    assert derived.pair_id == by_id["d:1:2024:actual:2"].pair_id == "d:1:2024:p2"
    assert (derived.metric, derived.unit, derived.raw) == ("オンライン申請率", "%", "22.4")
    assert by_id["d:1:2024:actual:3"].pair_id is None
    assert [r.kpi_value_id for r in rows].index("d:1:2024:target:2") == 3  # right after its actual
    assert len(rows) == 5


def test_suffix_and_single_leftover_pairs() -> None:
    rows = pair_kpis([
        kpi("target", 1, "1700", "AI・RPAの導入による業務削減時間", unit="時間"),
        kpi("target", 2, "35", "AI・RPAの活用（改善）業務数", unit=None),
        kpi("target", 3, "400", "オンラインによる手続き", unit="件"),
        kpi("actual", 1, "34", "業務数", unit="業務"),
        kpi("actual", 2, "1277", "削減時間", unit="時間"),
        kpi("actual", 3, "687", "オンライン手続き", unit="件"),
        kpi("baseline", 1, "5", "前年比", unit="%"),
    ])
    pid = {r.kpi_value_id: r.pair_id for r in rows}
    assert pid["d:1:2024:target:1"] == pid["d:1:2024:actual:2"]
    assert pid["d:1:2024:target:2"] == pid["d:1:2024:actual:1"]
    assert pid["d:1:2024:target:3"] == pid["d:1:2024:actual:3"]  # the one of each left over
    assert pid["d:1:2024:baseline:1"] is None and not any(r.derived for r in rows)


def test_other_years_and_owners_never_pair() -> None:
    rows = pair_kpis([kpi("target", 1, "10", "x", fy=2023), kpi("actual", 1, "10", "x", fy=2024)])
    assert all(r.pair_id is None for r in rows)


def test_action_plan_fy2024_targets() -> None:
    """The action plan gives FY2024 targets mostly as 対目標 deltas: they become derived targets."""
    rows = extracted(raw_by_format("hachioji_action_plan").name).rows
    fy2024 = [k for k in rows.kpi_values if k.fiscal_year == 2024 and k.kind == "target"]
    assert len(fy2024) >= 50
    assert sum(k.derived for k in fy2024) == len(fy2024) - 1
    by_id = {k.kpi_value_id: k for k in rows.kpi_values}
    # 1-1-1: 28.7％（対目標▲51.3％） → target 80 %
    t = by_id["30af41409743:1-1-1:2024:target:1"]
    assert (t.value, t.unit, t.derived, t.pair_id) == (Decimal("80.0"), "%", True, "30af41409743:1-1-1:2024:p1")
    assert by_id["30af41409743:1-1-1:2024:actual:1"].pair_id == t.pair_id
    # 1-6-9: 目標 1,646件以下, 実績 1,483件: an explicit target with a ceiling, paired
    target = by_id["30af41409743:1-6-9:2024:target:1"]
    actual = by_id["30af41409743:1-6-9:2024:actual:1"]
    assert target.comparator == "<=" and not target.derived and target.pair_id == actual.pair_id is not None


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kpi_out")
    assert extract(REVIEWED_RAW, out).ok
    return out


def test_values_are_exact_decimals_in_duckdb_and_parquet(out: Path) -> None:
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        types = dict(con.execute("select column_name, data_type from duckdb_columns() "
                                 "where table_name = 'kpi_values'").fetchall())
        assert types["value"] == types["delta"] == "DECIMAL(18,4)"
        value = con.execute("select value from kpi_values where kpi_value_id = "
                            "'30af41409743:1-1-3:2023:actual:2'").fetchone()[0]
        assert value == Decimal("22.4")  # not 22.399999…
        # the corpus writes at most 2 decimals: nothing of a float's binary expansion got in
        assert con.execute("select count(*) from kpi_values where value * 100 <> round(value * 100, 0)"
                           ).fetchone()[0] == 0
        assert con.execute("select count(*) from kpi_values where value * 10 <> round(value * 10, 0)"
                           ).fetchone()[0] > 0
    finally:
        con.close()
    frame = pl.read_parquet(out / "kpi_values.parquet")
    assert frame.schema["value"] == pl.Decimal(18, 4)


def test_kpi_progress_respects_the_comparator(out: Path) -> None:
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        ceiling = con.execute("select target, actual, comparator, achievement_ratio, target_met from kpi_progress "
                              "where initiative_code = '1-6-9' and fiscal_year = 2024").fetchone()
        assert ceiling[:3] == (Decimal("1646"), Decimal("1483"), "<=")
        assert ceiling[3] == pytest.approx(1646 / 1483) and ceiling[4] is True
        floor = con.execute("select target, actual, target_derived, achievement_ratio, target_met from kpi_progress "
                            "where initiative_code = '1-1-1' and fiscal_year = 2024").fetchone()
        assert floor[:3] == (Decimal("80"), Decimal("28.7"), True)
        assert floor[3] == pytest.approx(28.7 / 80) and floor[4] is False
        n = con.execute("select count(*) from kpi_progress where format = 'hachioji_action_plan' "
                        "and fiscal_year = 2024 and target is not null and actual is not null").fetchone()[0]
        assert n >= 50
    finally:
        con.close()


def test_pairs_agree_with_the_cards_own_marks(out: Path) -> None:
    """Where a card marks a year 【達成】 every pair of that year meets its target, where it marks
    【未達成】 none does: a check of the derived targets and of the comparator against the document."""
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        rows = dict(((s, m), n) for s, m, n in con.execute("""
            select a.status, k.target_met, count(*) from kpi_progress k
            join annual_entries a on a.initiative_id = k.initiative_id and a.fiscal_year = k.fiscal_year
            where k.format = 'hachioji_action_plan' and k.target is not null and k.actual is not null
              and a.status in ('achieved', 'not_achieved') group by all""").fetchall())
    finally:
        con.close()
    assert rows.get(("achieved", False), 0) == 0 and rows.get(("not_achieved", True), 0) == 0
    assert rows[("achieved", True)] >= 70 and rows[("not_achieved", False)] >= 30
