"""store: every table written (also empty), the contract declared in DuckDB, JSON Schema current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from planparse.pipeline import extract
from planparse.schemas.common import TABLES, json_schema
from planparse.store import column_types, schema_statements, write_outputs
from tests.conftest import RAW

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def musashino_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    extract([RAW / "musashino_info_plan7_progress.md"], out)
    return out


def test_empty_run_writes_every_table_with_its_columns(tmp_path: Path) -> None:
    write_outputs(tmp_path, {})
    con = duckdb.connect(str(tmp_path / "planparse.duckdb"), read_only=True)
    for model in TABLES:
        frame = pl.read_parquet(tmp_path / f"{model.__table__}.parquet")
        assert frame.height == 0 and frame.columns == list(model.model_fields), model.__table__
        cols = [r[0] for r in con.execute(f"describe {model.__table__}").fetchall()]
        assert cols == list(model.model_fields)
    con.close()


def test_contract_columns_exist() -> None:
    # SCHEMA.md column names (a rename would break analysts' queries)
    contract = {
        "documents": "document_id format municipality_code municipality_name title plan_start_fy plan_end_fy "
                     "source_path source_sha256 source_kind page_count parser_version extracted_at",
        "measures": "measure_id document_id policy_code policy_name code name objective description seq",
        "initiatives": "initiative_id document_id measure_id code name summary objective lead_department departments "
                       "indicator target_text is_new is_revised is_priority status_raw status assessment start_fy "
                       "end_fy source_page source_line_start source_line_end seq group_code group_name",
        "annual_entries": "initiative_id fiscal_year plan target result status_raw status note",
        "kpi_values": "initiative_id fiscal_year kind metric value unit delta raw",
        "initiative_departments": "initiative_id department role",
        "glossary_terms": "document_id seq term definition",
        "document_figures": "document_id scope fiscal_year metric value source_line",
        "extraction_issues": "document_id severity code message source_line",
    }
    tables = {m.__table__: m for m in TABLES}
    for table, columns in contract.items():
        assert set(columns.split()) <= set(tables[table].model_fields), table


def test_duckdb_declares_keys_checks_and_comments(musashino_out: Path) -> None:
    con = duckdb.connect(str(musashino_out / "planparse.duckdb"), read_only=True)
    constraints = con.execute(
        "select table_name, constraint_type, constraint_column_names from duckdb_constraints()").fetchall()
    kinds = {(t, k) for t, k, _ in constraints}
    assert ("initiatives", "PRIMARY KEY") in kinds and ("initiatives", "FOREIGN KEY") in kinds
    assert ("annual_entries", "PRIMARY KEY") in kinds and ("annual_entries", "CHECK") in kinds
    pk = next(c for t, k, c in constraints if t == "annual_entries" and k == "PRIMARY KEY")
    assert list(pk) == ["initiative_id", "fiscal_year"]
    tables = [m.__table__ for m in TABLES]
    missing = con.execute("select table_name, column_name from duckdb_columns() where table_name in "
                          "(select unnest(?)) and (comment is null or comment = '')", [tables]).fetchall()
    assert missing == []
    assert con.execute("select count(*) from duckdb_tables() where comment is not null").fetchone()[0] == len(TABLES)
    with pytest.raises(duckdb.Error):
        con.execute("insert into annual_entries (initiative_id, fiscal_year, status) values ('x', 2024, 'great')")
    con.close()


def test_status_check_rejects_unknown_values(musashino_out: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes((musashino_out / "planparse.duckdb").read_bytes())
    con = duckdb.connect(str(db))
    iid = con.execute("select initiative_id from initiatives limit 1").fetchone()[0]
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into annual_entries (initiative_id, fiscal_year, status) values (?, 2030, 'great')", [iid])
    with pytest.raises(duckdb.ConstraintException):  # foreign key
        con.execute("insert into annual_entries (initiative_id, fiscal_year) values ('nope:1', 2030)")
    con.close()


def test_annual_status_view(musashino_out: Path) -> None:
    con = duckdb.connect(str(musashino_out / "planparse.duckdb"), read_only=True)
    rows = con.execute("select municipality_name, measure_code, initiative_code, fiscal_year, status "
                       "from annual_status where initiative_code = '29' order by fiscal_year").fetchall()
    assert rows == [("武蔵野市", "6", "29", 2023, "not_achieved"), ("武蔵野市", "6", "29", 2024, "partially_achieved"),
                    ("武蔵野市", "6", "29", 2025, "not_evaluated")]
    con.close()


def test_column_types_cover_every_model() -> None:
    for model in TABLES:
        assert len(column_types(model)) == len(model.model_fields)


def test_published_json_schema_is_current() -> None:
    committed = json.loads((ROOT / "schemas" / "planparse.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(json_schema())), "run `make schema` and commit schemas/"


def _contract(con) -> dict[str, list]:
    """Everything the contract declares, as rows: columns (types, nullability, comments), the
    constraints, the tables' and views' comments and the views' SQL."""
    return {
        "columns": con.execute("select table_name, column_name, data_type, is_nullable, comment from duckdb_columns() "
                               "where not internal order by all").fetchall(),
        "constraints": con.execute("select table_name, constraint_type, constraint_text from duckdb_constraints() "
                                   "order by all").fetchall(),
        "tables": con.execute("select table_name, comment from duckdb_tables() order by all").fetchall(),
        "views": con.execute("select view_name, comment, sql from duckdb_views() where not internal order by all"
                             ).fetchall(),
    }


def test_the_contract_template_gives_the_database_the_statements_give(tmp_path: Path, monkeypatch) -> None:
    from planparse import contract
    from planparse.pipeline import _view_comments, _views
    from planparse.views import COMMON_VIEWS

    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(tmp_path / "user-cache"))
    statements = schema_statements({**COMMON_VIEWS, **_views()}, _view_comments())
    template = contract.template_path(statements)
    assert template.parent == tmp_path / "user-cache" and not template.exists()
    built = duckdb.connect(str(tmp_path / "built.duckdb"))
    built.execute(";\n".join(statements) + ";")
    first = contract.create_database(tmp_path / "first.duckdb", statements)  # makes the template
    made = template.stat().st_mtime_ns
    second = contract.create_database(tmp_path / "second.duckdb", statements)  # copies it
    assert template.stat().st_mtime_ns == made
    views = template.with_name(template.stem + ".views")
    assert sorted(p.name for p in template.parent.iterdir()) == [template.name, views.name]  # no temporary file
    assert len(list(views.glob("*.parquet"))) >= 11
    expected = _contract(built)
    assert len(expected["columns"]) > 200 and len(expected["views"]) >= 11
    assert _contract(first) == expected and _contract(second) == expected
    for con in (built, first, second):
        con.close()
    # another contract (a changed schema) gets a template of its own
    assert contract.template_path([*statements, "CREATE VIEW extra AS SELECT 1 AS one"]) != template


def test_an_unwritable_cache_folder_builds_the_contract_in_place(tmp_path: Path, monkeypatch) -> None:
    from planparse import contract

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(blocked / "planparse"))
    con = contract.create_database(tmp_path / "x.duckdb", ["CREATE TABLE t (a INTEGER PRIMARY KEY)"])
    con.execute("INSERT INTO t VALUES (1)")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (1,)
    con.close()


def test_an_unreadable_contract_template_is_made_again(tmp_path: Path, monkeypatch) -> None:
    from planparse import contract

    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(tmp_path / "user-cache"))
    statements = ["CREATE TABLE t (a INTEGER PRIMARY KEY)", "COMMENT ON TABLE t IS 'a table'"]
    template = contract.template_path(statements)
    template.with_name(template.stem + ".views").mkdir(parents=True)
    template.write_bytes(b"not a database" * 100)  # e.g. damaged on disk
    con = contract.create_database(tmp_path / "x.duckdb", statements)
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 't'").fetchone() == ("a table",)
    con.close()
    assert not template.exists()  # removed: the next run makes a good one
    contract.create_database(tmp_path / "y.duckdb", statements).close()
    assert template.exists() and template.stat().st_size > 1400


def test_views_of_formats_not_in_the_run_are_the_templates_empty_files(tmp_path: Path, monkeypatch) -> None:
    """A Koganei plan alone: the Hachioji plan↔action views cannot have rows, so their files are
    copies of the template's empty exports (same columns and types as the views), not queries."""
    from planparse import contract

    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(tmp_path / "user-cache"))
    out = tmp_path / "out"
    extract([RAW / "koganei_dx_action_plan_2026.md"], out)  # makes the template and its empty views
    (template,) = (tmp_path / "user-cache").glob("contract-*.duckdb")
    folder = template.with_name(template.stem + ".views")
    assert (folder / "hachioji_plan_action_results.parquet").is_file()
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        for view in ("hachioji_plan_action_measures", "hachioji_plan_action_results", "koganei_roadmap"):
            published = out / f"{view}.parquet"
            described = [r[:2] for r in con.execute(f"DESCRIBE SELECT * FROM {view}").fetchall()]  # name, type
            assert [r[:2] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{published}')").fetchall()
                    ] == described
            rows = con.execute(f"SELECT count(*) FROM read_parquet('{published}')").fetchone()[0]
            assert rows == con.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
            assert (rows == 0) == view.startswith("hachioji"), view
            assert not published.samefile(folder / f"{view}.parquet")  # a copy, never the cache's own file
    finally:
        con.close()
    assert contract.empty_view(["CREATE VIEW v AS SELECT 1 AS one"], "v") is None  # no template of those
    # the file is the cache's, not a query's: a marker placed there is what the next run publishes
    marker = folder / "hachioji_plan_action_results.parquet"
    marker.write_bytes(marker.read_bytes() + b"marker")
    shutil.rmtree(out)
    extract([RAW / "koganei_dx_action_plan_2026.md"], out)
    assert (out / "hachioji_plan_action_results.parquet").read_bytes() == marker.read_bytes()


def test_making_a_template_removes_the_stale_ones(tmp_path: Path, monkeypatch) -> None:
    """Templates of other schemas or DuckDB versions made over STALE_AFTER_DAYS days ago go (with their
    views folders) when a new one is made; a recent one, another installation's perhaps, stays."""
    import os
    import time

    from planparse import contract

    cache = tmp_path / "user-cache"
    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(cache))
    cache.mkdir()
    old_age = time.time() - (contract.STALE_AFTER_DAYS + 1) * 86400
    for name, age in (("contract-0000000000000old", old_age), ("contract-000000000recent", time.time())):
        (cache / f"{name}.duckdb").write_bytes(b"a template")
        (cache / f"{name}.views").mkdir()
        for path in (cache / f"{name}.duckdb", cache / f"{name}.views"):
            os.utime(path, (age, age))
    orphan = cache / "contract-00000000orphan.views"
    orphan.mkdir()
    os.utime(orphan, (old_age, old_age))
    statements = ["CREATE TABLE t (a INTEGER PRIMARY KEY)"]
    contract.create_database(tmp_path / "x.duckdb", statements).close()
    new = contract.template_path(statements)
    assert sorted(p.name for p in cache.iterdir()) == sorted([
        new.name, new.stem + ".views", "contract-000000000recent.duckdb", "contract-000000000recent.views"])
    contract.create_database(tmp_path / "y.duckdb", statements).close()  # a copy: nothing else removed
    assert len(list(cache.iterdir())) == 4
