"""``Row.make``: the same row as the model's constructor, and the same ValidationError."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from planparse.schemas.common import TABLES, AnnualEntry, Initiative, KpiValue

KPI = dict(kpi_value_id="d:1:2024:actual:1", initiative_id="d:1", fiscal_year=2024, kind="actual", metric="件数",
           value=Decimal("45000"), unit="件", raw="4.5万件", seq=1)


def test_make_gives_the_constructors_row() -> None:
    for model, fields in [
        (KpiValue, KPI),
        (KpiValue, {**KPI, "value": 51.4, "delta": Decimal("-7.6")}),  # a float becomes a Decimal, as before
        (AnnualEntry, dict(initiative_id="d:1", fiscal_year=2024, status="on_track")),
        (Initiative, dict(initiative_id="d:1", document_id="d", code="1", name="n", seq=1, departments=["a"])),
    ]:
        made, built = model.make(**fields), model(**fields)
        assert type(made) is model
        assert made == built
        assert made.__dict__ == built.__dict__ and list(made.__dict__) == list(built.__dict__)
        assert made.model_fields_set == built.model_fields_set


@pytest.mark.parametrize("fields", [
    {**KPI, "kind": "guess"},  # not in the enum
    {**KPI, "value": Decimal("1.00001")},  # five decimal places: DECIMAL(18,4) holds four
    {**KPI, "extra_column": 1},  # extra="forbid"
    {k: v for k, v in KPI.items() if k != "raw"},  # a required column missing
])
def test_make_raises_the_constructors_error(fields: dict) -> None:
    with pytest.raises(ValidationError) as made:
        KpiValue.make(**fields)
    with pytest.raises(ValidationError) as built:
        KpiValue(**fields)
    assert made.value.title == built.value.title == "KpiValue"
    assert made.value.errors() == built.value.errors()
    assert str(made.value) == str(built.value)


def test_every_table_has_make() -> None:
    assert all(model.make.__func__ is TABLES[0].make.__func__ for model in TABLES)
