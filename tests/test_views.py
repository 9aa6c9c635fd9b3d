"""The analyst views (views.py) on a fresh extraction of data/raw, status_group, and issue → record."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from planparse.enrich import IssuePlacer
from planparse.pipeline import extract
from planparse.schemas.base import Issue
from planparse.schemas.common import STATUS_GROUPS, CommonRows, Initiative, Measure, status_group
from planparse.views import COMMON_VIEWS, VIEWS
from tests.conftest import REVIEWED_RAW, extracted, raw_by_format


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    out: Path = tmp_path_factory.mktemp("views_out")
    assert extract(REVIEWED_RAW, out).ok
    connection = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_every_view_column_has_its_comment(con) -> None:
    assert {"initiative_status", "kpi_progress", "theme_summary", "annual_status"} <= set(COMMON_VIEWS)
    for view in VIEWS:
        described = [r[0] for r in con.execute(f"describe {view.name}").fetchall()]
        assert described == list(view.columns), view.name
        comments = dict(con.execute("select column_name, comment from duckdb_columns() where table_name = ?",
                                    [view.name]).fetchall())
        assert all(comments[c] for c in described), view.name
        assert con.execute("select comment from duckdb_views() where view_name = ?", [view.name]).fetchone()[0]


def test_status_group_scale() -> None:
    assert status_group(None) == "unassessed" and status_group("on_track") == "positive"
    assert {status_group(s) for s in STATUS_GROUPS} == {"positive", "partial", "negative", "unassessed"}
    assert status_group("minor_revision") == "partial" and status_group("revision_needed") == "negative"


def test_status_group_is_constrained(con) -> None:
    for table in ("annual_entries", "initiatives"):
        values = {r[0] for r in con.execute(f"select distinct status_group from {table}").fetchall()}
        assert values <= {"positive", "partial", "negative", "unassessed"}
        ddl = con.execute("select sql from duckdb_tables() where table_name = ?", [table]).fetchone()[0]
        assert "status_group" in ddl and "'unassessed'" in ddl  # the CHECK constraint
    mismatched = con.execute("""select count(*) from annual_entries
        where (status in ('achieved','on_track') and status_group <> 'positive')
           or (status in ('not_achieved','revision_needed') and status_group <> 'negative')
           or (status is null and status_group <> 'unassessed')""").fetchone()[0]
    assert mismatched == 0


def test_initiative_status(con) -> None:
    row = con.execute("""select assessed_fiscal_year, status_raw, status, status_group, status_source, themes
        from initiative_status where initiative_key = '132012:dx_action_plan:1-1-1'""").fetchone()
    assert row == (2024, "【未達成】", "not_achieved", "negative", "annual_entries", ["online_procedures"])
    counts = dict(con.execute("""select format, count(*) from initiative_status group by 1""").fetchall())
    assert counts == {"hachioji_action_plan": 170, "akishima_midterm_report": 30, "koganei_roadmap": 63,
                      "musashino_progress_sheet": 42}
    # Akishima's mid-term marks (〇 20, △ 3, × 2) assess FY2022–2023: placed on FY2023 (status_placed),
    # except 12 (△), whose FY2023 cell says 未達成 itself
    aki = dict(con.execute("""select status_raw, count(*) from initiative_status
        where format = 'akishima_midterm_report' and assessed_fiscal_year = 2023 group by 1""").fetchall())
    assert aki == {"〇": 20, "△": 2, "×": 2, "未達成": 1}
    placed = con.execute("""select fiscal_year, count(*) from annual_entries where status_placed
        group by 1""").fetchall()
    assert placed == [(2023, 24)]


def test_theme_summary_counts_the_tags(con) -> None:
    total = con.execute("select sum(initiatives) from theme_summary").fetchone()[0]
    tags = con.execute("select count(*) from initiative_themes").fetchone()[0]
    assert total == tags > 300
    shares = con.execute("""select municipality_name, theme, sum(share_of_theme) from theme_summary
        group by all having abs(sum(share_of_theme) - 1) > 1e-9""").fetchall()
    assert shares == []
    online = dict(con.execute("""select municipality_name, sum(initiatives) from theme_summary
        where theme = 'online_procedures' group by 1""").fetchall())
    assert set(online) == {"八王子市", "武蔵野市", "小金井市", "昭島市"}


def test_issues_are_placed_on_their_record() -> None:
    result = extracted(raw_by_format("akishima_midterm_report").name)
    placed = [i for i in result.issues if i.code == "gantt_years_unknown"]
    assert placed and all(i.initiative_id and i.initiative_id.split(":")[1].startswith("A") for i in placed)
    koganei = extracted(raw_by_format("koganei_roadmap").name)
    spans = [i for i in koganei.issues if i.code == "roadmap_span_inferred"]
    assert spans and all(i.initiative_id is None and i.measure_id for i in spans)  # about a 取組, not a row


def test_issue_placer_rules() -> None:
    rows = CommonRows(
        measures=[Measure(measure_id="d:m:1", document_id="d", policy_code=None, policy_name=None, code="1", name="m", seq=1,
                          source_line_start=1, source_line_end=100)],
        initiatives=[
            Initiative(initiative_id="d:1-1", document_id="d", measure_id="d:m:1", code="1-1", name="a", seq=1,
                       source_line_start=10, source_line_end=50),
            Initiative(initiative_id="d:1-2", document_id="d", measure_id="d:m:1", code="1-2", name="b", seq=2,
                       source_line_start=20, source_line_end=30),
        ],
    )
    placer = IssuePlacer(rows, "d")
    issue = lambda line, **kw: Issue(severity="warning", code="x", message="m", source_line=line, **kw)  # noqa: E731
    assert placer.place(issue(25)) == ("d:1-2", "d:m:1")  # the narrowest range
    assert placer.place(issue(40)) == ("d:1-1", "d:m:1")
    assert placer.place(issue(5)) == (None, "d:m:1")
    assert placer.place(issue(500)) == (None, None)
    assert placer.place(issue(None, initiative_code="1-1")) == ("d:1-1", "d:m:1")  # named by the parser
    assert placer.place(issue(None, initiative_code="9-9")) == (None, None)  # no such record


@pytest.mark.parametrize("editions", [1, 2])
def test_latest_edition_view_files(tmp_path: Path, editions: int) -> None:
    """Every latest-edition view's Parquet file holds that view's rows, also when it is written once
    for it and its *_all_editions view (every document the latest edition of its plan)."""
    import polars as pl

    from planparse.views import LATEST_OF

    koganei = raw_by_format("koganei_roadmap")
    inputs = [koganei]
    if editions == 2:  # a second edition of the same plan: the latest views show one of the two
        (tmp_path / "copy.md").write_bytes(koganei.read_bytes() + b"\n ")
        inputs.append(tmp_path / "copy.md")
    out = tmp_path / "out"
    extract(inputs, out)
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        for name, base in LATEST_OF.items():
            frame = pl.read_parquet(out / f"{name}.parquet")
            rows = con.execute(f"select * from {name}").fetchall()
            assert sorted(map(repr, frame.rows())) == sorted(map(repr, rows)), name
            assert frame.columns == [d[0] for d in con.execute(f"select * from {name} limit 0").description]
            linked = (out / f"{name}.parquet").stat().st_ino == (out / f"{base}.parquet").stat().st_ino
            assert linked == (editions == 1), name
            if editions == 2:
                assert frame.height < pl.read_parquet(out / f"{base}.parquet").height, name
    finally:
        con.close()
