"""Data dictionary: every view column commented, views exported as Parquet, docs/data_dictionary.md fresh."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from planparse.cli import app
from planparse.dictionary import markdown, schema_connection
from planparse.pipeline import extract
from tests.conftest import RAW, ROOT

DICTIONARY = ROOT / "docs" / "data_dictionary.md"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dictionary_out")
    assert extract([RAW / "musashino_info_plan7_progress.md", RAW / "koganei_dx_action_plan_2026.md"], folder).ok
    return folder


def test_every_table_view_and_column_has_a_comment(out: Path) -> None:
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        views = [v for (v,) in con.execute("select view_name from duckdb_views() where not internal").fetchall()]
        assert {"annual_status", "initiative_status", "kpi_progress", "theme_summary", "koganei_roadmap",
                "hachioji_plan_action_results"} <= set(views)
        missing = con.execute("""
            select table_name || '.' || column_name from duckdb_columns()
            where not internal and coalesce(trim(comment), '') = '' order by all""").fetchall()
        assert not missing, f"columns without a COMMENT: {[m for (m,) in missing]}"
        uncommented = con.execute("""
            select view_name from duckdb_views() where not internal and coalesce(comment, '') = ''
            union all select table_name from duckdb_tables() where coalesce(comment, '') = ''""").fetchall()
        assert not uncommented
    finally:
        con.close()


def test_views_are_exported_as_parquet(out: Path) -> None:
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        for (view,) in con.execute("select view_name from duckdb_views() where not internal").fetchall():
            frame = pl.read_parquet(out / f"{view}.parquet")
            count = con.execute(f"select count(*) from {view}").fetchone()[0]
            columns = [r[0] for r in con.execute(f"describe {view}").fetchall()]
            assert frame.height == count and frame.columns == columns, view
        koganei = pl.read_parquet(out / "koganei_roadmap.parquet")
        assert koganei.height == 189 and koganei["plan_inferred"].sum() > 0  # 63 個別取組 × FY2026–2028
    finally:
        con.close()


def test_data_dictionary_is_current() -> None:
    con = schema_connection()
    try:
        expected = markdown(con)
    finally:
        con.close()
    assert DICTIONARY.read_text(encoding="utf-8") == expected, \
        "docs/data_dictionary.md is stale: run `make dictionary` and commit it"


def test_dictionary_of_an_extraction_equals_the_schemas(out: Path) -> None:
    # the comments in a real extraction are those of the empty schema: one source
    result = CliRunner().invoke(app, ["dictionary", "--data", str(out), "--output", "-"])
    assert result.exit_code == 0, result.output
    assert result.output == DICTIONARY.read_text(encoding="utf-8")
    assert "| `achievement_ratio` | DOUBLE |" in result.output
    assert "## koganei_roadmap" in result.output and "*(no comment)*" not in result.output
