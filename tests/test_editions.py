"""Editions (SCHEMA.md v2): plan_series, edition, edition_fy, is_latest_edition, initiative_key, and
the latest-edition views, on the real documents and on a next edition of the action plan."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from planparse.editions import EditionRow, latest_editions, plan_series, read_edition
from planparse.pipeline import RunResult, extract
from tests.conftest import extracted, raw_by_format


def test_edition_of_each_document() -> None:
    action = extracted(raw_by_format("hachioji_action_plan").name).document
    assert (action.plan_series, action.edition, action.edition_fy) == (
        "132012:dx_action_plan", "令和7年度（2025年度）版", 2025)
    koganei = extracted(raw_by_format("koganei_roadmap").name).document
    assert (koganei.plan_series, koganei.edition, koganei.edition_fy) == (
        "132101:dx_action_plan", "令和8年(2026年)4月", 2026)
    plan = extracted(raw_by_format("hachioji_dx_plan").name).document
    assert (plan.plan_series, plan.edition, plan.edition_fy) == ("132012:dx_plan", None, None)
    assert extracted(raw_by_format("musashino_progress_sheet").name).document.plan_series == \
        "132039:info_plan_progress_sheet"


def test_initiative_key_is_series_and_code() -> None:
    rows = extracted(raw_by_format("hachioji_action_plan").name).rows
    assert {i.initiative_key for i in rows.initiatives} >= {"132012:dx_action_plan:1-1-1", "132012:dx_action_plan:3-6-6"}
    assert len({i.initiative_key for i in rows.initiatives}) == 170


@pytest.mark.parametrize(("title", "lines", "expected"), [
    ("計画 アクションプラン（令和6年度版）", [], ("令和6年度版", 2024)),
    (None, ["", " ＤＸ推進計画", "２０２５年度版", "本文"], ("２０２５年度版", 2025)),
    (None, ["計画", "第2版"], ("第2版", None)),
    (None, ["小金井市DX推進方針", "令和8年(2026年)3月"], ("令和8年(2026年)3月", 2025)),  # March: FY before
    (None, ["計画", "x" * 60, "令和8年(2026年)4月"], None),  # after the title page: prose
    ("計画", ["本市では令和4年3月に策定しました。"], None),
])
def test_read_edition(title, lines, expected) -> None:
    edition = read_edition(title, lines)
    assert (None if edition is None else (edition.text, edition.fiscal_year)) == expected


def test_latest_editions_order_and_groups() -> None:
    rows = [EditionRow("a", "s", 2025, 2022, 2025), EditionRow("b", "s", 2026, 2022, 2026),
            EditionRow("c", "t", None, 2023, 2025), EditionRow("d", "t", None, 2023, 2026),
            EditionRow("e", None, None, None, None)]
    latest, groups = latest_editions(rows)
    assert latest == {"a": False, "b": True, "c": False, "d": True, "e": True}
    assert groups == [("s", ["a", "b"]), ("t", ["c", "d"])]
    assert plan_series("koganei_roadmap", None) is None


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    """The action plan and a next edition of it (edition text changed), extracted together."""
    raw = tmp_path_factory.mktemp("editions_raw")
    source = raw_by_format("hachioji_action_plan")
    text = source.read_text(encoding="utf-8")
    assert text.count("令和7年度（2025年度）版") >= 1
    (raw / "a_2025.txt").write_text(text, encoding="utf-8")
    (raw / "b_2026.txt").write_text(text.replace("令和7年度（2025年度）版", "令和8年度（2026年度）版"),
                                    encoding="utf-8")
    out = tmp_path_factory.mktemp("editions_out")
    run = extract([raw], out, keep_rows=True)
    assert run.ok
    return run, out / "planparse.duckdb"


def test_next_edition_shares_every_initiative_key_and_is_latest(two_editions) -> None:
    run, _db = two_editions
    old, new = sorted(run.files, key=lambda f: f.path)
    assert (old.document.edition_fy, new.document.edition_fy) == (2025, 2026)
    assert old.document.plan_series == new.document.plan_series == "132012:dx_action_plan"
    assert (old.document.is_latest_edition, new.document.is_latest_edition) == (False, True)
    keys_old = {i.initiative_key for i in old.rows.initiatives}
    keys_new = {i.initiative_key for i in new.rows.initiatives}
    assert len(keys_old) == 170 and keys_old == keys_new
    assert {i.initiative_id for i in old.rows.initiatives}.isdisjoint(i.initiative_id for i in new.rows.initiatives)
    for f in (old, new):
        warned = [i for i in f.issues if i.code == "multiple_editions"]
        assert len(warned) == 1 and warned[0].severity == "warning" and "132012:dx_action_plan" in warned[0].message


def test_views_use_the_latest_edition(two_editions) -> None:
    run, db = two_editions
    new = max(run.files, key=lambda f: f.path).document.document_id
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*), count(distinct document_id) from initiative_status").fetchone() == (170, 1)
        assert con.execute("select any_value(document_id) from initiative_status").fetchone()[0] == new
        assert con.execute("select count(*) from initiative_status_all_editions").fetchone()[0] == 340
        assert con.execute("select count(distinct initiative_key) from initiative_status_all_editions").fetchone()[0] == 170
        assert con.execute("select count(distinct document_id) from annual_status").fetchone()[0] == 1
        assert con.execute("select count(distinct document_id) from kpi_progress").fetchone()[0] == 1
        assert con.execute("select count(*) from extraction_issues where code = 'multiple_editions'").fetchone()[0] == 2
        assert con.execute("select list(is_latest_edition order by file_name) from documents").fetchone()[0] == [False, True]
    finally:
        con.close()
