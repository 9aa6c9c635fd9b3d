"""The analyst views of ``planparse.duckdb``, as data: one SELECT statement per view, a comment on
the view and a comment on every column (``COMMENT ON``, so the data dictionary travels in the file).

Editions (SCHEMA.md v2): each view ``<name>`` shows only the latest edition of every plan
(``documents.is_latest_edition``); ``<name>_all_editions`` shows every document of the run, with
the edition columns, for questions across editions. ``store`` creates them after the tables
(``view_ddl``); the format plugins' own views (``Parser.views``) come after these.

=========================  ===================================================================
view                       one row per
=========================  ===================================================================
annual_status              annual entry, with its municipality, policy, measure, initiative
initiative_status          initiative: its latest assessed fiscal year, status, status_group, themes
kpi_progress               target/actual pair of one metric and fiscal year (or a lone number)
theme_summary              municipality × theme × status_group: number of initiatives
=========================  ===================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["COMMON_VIEWS", "LATEST_OF", "PER_DOCUMENT_VIEWS", "VIEWS", "View", "sql_literal", "view_ddl"]


@dataclass(frozen=True)
class View:
    """One view: ``name``, ``comment`` (the view's COMMENT), ``select`` (one SELECT statement),
    ``columns`` (``{column: comment}``, every column of the SELECT, in order) and ``per_document``:
    True when the view has a ``document_id`` column and a document's rows depend only on that
    document's rows in the tables (and on the run-level ``themes``), so that an extended database
    re-exports only the rows of the documents that changed (``store``)."""

    name: str
    comment: str
    select: str
    columns: dict[str, str] = field(default_factory=dict)
    per_document: bool = False


_CITY = {
    "municipality_code": "6-digit 全国地方公共団体コード of the document (documents.municipality_code).",
    "municipality_name": "Municipality as written (八王子市 …).",
    "format": "Document format (documents.format).",
}
_EDITION = {
    "plan_series": "`<municipality_code>:<series>`: the plan the document is an edition of.",
    "edition": "The edition as written (令和7年度（2025年度）版); null when the document states none.",
    "edition_fy": "Fiscal year of the edition.",
    "is_latest_edition": "True for the latest edition of its plan_series in the run.",
}

_ANNUAL_STATUS = View(
    name="annual_status_all_editions",
    per_document=True,
    comment="One row per annual entry (initiative × fiscal year) with its municipality, policy, measure and "
            "initiative, every edition.",
    select="""
        SELECT d.municipality_code, d.municipality_name, d.format, i.document_id,
               m.policy_code, m.policy_name, m.code AS measure_code, m.name AS measure_name,
               i.initiative_id, i.code AS initiative_code, i.name AS initiative_name,
               i.lead_department, a.fiscal_year, a.plan, a.target, a.result,
               a.status_raw, a.status, a.note, a.status_group, i.initiative_key,
               d.plan_series, d.edition, d.edition_fy, d.is_latest_edition
        FROM annual_entries a
        JOIN initiatives i USING (initiative_id)
        JOIN documents d ON d.document_id = i.document_id
        LEFT JOIN measures m ON m.measure_id = i.measure_id
    """,
    columns={
        **_CITY,
        "document_id": "Document the initiative comes from.",
        "policy_code": "Code of the policy above the measure (基本方針 / Vision / 基本施策).",
        "policy_name": "Name of that policy as written.",
        "measure_code": "Code of the measure above the initiative.",
        "measure_name": "Name of that measure as written.",
        "initiative_id": "`<document_id>:<code>`.",
        "initiative_code": "The source's numbering of the initiative (1-1-12, 17, 8-3, 13, A1).",
        "initiative_name": "Initiative name as written.",
        "lead_department": "Lead department as written.",
        "fiscal_year": "Gregorian year in which the fiscal year starts.",
        "plan": "Schedule / 取組内容 / roadmap text of the year.",
        "target": "年度目標 / 目標KPI text of the year.",
        "result": "実績 / 達成状況詳細 of the year.",
        "status_raw": "The year's verbatim mark (【達成】, 概ね達成, 〇 …).",
        "status": "The year's status (status enum).",
        "note": "理由・改善策 / 備考 / 見直し text of the year.",
        "status_group": "The year's status on one scale: positive / partial / negative / unassessed.",
        "initiative_key": "`<plan_series>:<code>`: the same initiative in every edition.",
        **_EDITION,
    },
)

_INITIATIVE_STATUS = View(
    name="initiative_status_all_editions",
    per_document=True,
    comment="One row per initiative: the status of its latest assessed fiscal year (else the document's own "
            "overall assessment), on the common status_group scale, with its themes; every edition.",
    select="""
        WITH assessed AS (
            SELECT initiative_id, fiscal_year, status_raw, status, status_group,
                   row_number() OVER (PARTITION BY initiative_id ORDER BY fiscal_year DESC) AS rank
            FROM annual_entries WHERE status_group <> 'unassessed'
        ),
        tagged AS (
            SELECT initiative_id, list(theme ORDER BY seq) AS themes
            FROM initiative_themes GROUP BY initiative_id
        )
        SELECT d.municipality_code, d.municipality_name, d.format, i.document_id,
               m.code AS measure_code, m.name AS measure_name,
               i.initiative_id, i.initiative_key, i.code AS initiative_code, i.name AS initiative_name,
               i.lead_department,
               a.fiscal_year AS assessed_fiscal_year,
               CASE WHEN a.status IS NOT NULL THEN 'annual_entries'
                    WHEN i.status IS NOT NULL THEN 'initiatives' END AS status_source,
               coalesce(a.status_raw, i.status_raw) AS status_raw,
               coalesce(a.status, i.status) AS status,
               coalesce(a.status_group, i.status_group) AS status_group,
               coalesce(t.themes, []::VARCHAR[]) AS themes,
               d.plan_series, d.edition, d.edition_fy, d.is_latest_edition
        FROM initiatives i
        JOIN documents d ON d.document_id = i.document_id
        LEFT JOIN measures m ON m.measure_id = i.measure_id
        LEFT JOIN assessed a ON a.initiative_id = i.initiative_id AND a.rank = 1
        LEFT JOIN tagged t ON t.initiative_id = i.initiative_id
    """,
    columns={
        **_CITY,
        "document_id": "Document the initiative comes from.",
        "measure_code": "Code of the measure above the initiative.",
        "measure_name": "Name of that measure as written.",
        "initiative_id": "`<document_id>:<code>`.",
        "initiative_key": "`<plan_series>:<code>`: the same initiative in every edition.",
        "initiative_code": "The source's numbering of the initiative.",
        "initiative_name": "Initiative name as written.",
        "lead_department": "Lead department as written.",
        "assessed_fiscal_year": "Latest fiscal year with an assessment (status_group other than unassessed); "
                                "null when the status comes from the initiative's overall assessment or "
                                "there is none.",
        "status_source": "Where the status comes from: annual_entries (the latest assessed year), "
                         "initiatives (an overall assessment, e.g. Akishima's mid-term 〇△×) or null.",
        "status_raw": "The verbatim mark of that assessment.",
        "status": "That assessment in the status enum; null when there is none.",
        "status_group": "positive / partial / negative / unassessed.",
        "themes": "Theme codes of the initiative (initiative_themes), strongest first; empty when untagged.",
        **_EDITION,
    },
)

_KPI_PROGRESS = View(
    name="kpi_progress_all_editions",
    per_document=True,
    comment="One row per KPI pair (the target and the actual of one metric in one fiscal year, kpi_values."
            "pair_id) and per target or actual without a partner; every edition.",
    select="""
        WITH k AS (
            SELECT *, coalesce(pair_id, kpi_value_id) AS pair_key
            FROM kpi_values WHERE kind IN ('target', 'actual')
        ),
        p AS (
            SELECT pair_key, any_value(pair_id) AS pair_id,
                   any_value(initiative_id) AS initiative_id, any_value(measure_id) AS measure_id,
                   any_value(fiscal_year) AS fiscal_year,
                   first(metric ORDER BY kind DESC) AS metric, first(unit ORDER BY kind DESC) AS unit,
                   first(value) FILTER (WHERE kind = 'target') AS target,
                   first(derived) FILTER (WHERE kind = 'target') AS target_derived,
                   first(comparator) FILTER (WHERE kind = 'target') AS comparator,
                   first(raw) FILTER (WHERE kind = 'target') AS target_raw,
                   first(value) FILTER (WHERE kind = 'actual') AS actual,
                   first(delta) FILTER (WHERE kind = 'actual') AS delta,
                   first(raw) FILTER (WHERE kind = 'actual') AS actual_raw
            FROM k GROUP BY pair_key
        )
        SELECT d.municipality_code, d.municipality_name, d.format, d.document_id,
               i.initiative_id, i.initiative_key, i.code AS initiative_code, i.name AS initiative_name,
               p.measure_id, p.pair_id, p.fiscal_year, p.metric, p.unit,
               p.target, coalesce(p.target_derived, false) AS target_derived, p.comparator, p.target_raw,
               p.actual, p.delta, p.actual_raw,
               CASE WHEN p.target IS NULL OR p.actual IS NULL THEN NULL
                    WHEN p.comparator IN ('<=', '<') THEN
                         CASE WHEN p.actual = 0 THEN NULL ELSE CAST(p.target AS DOUBLE) / CAST(p.actual AS DOUBLE) END
                    ELSE CASE WHEN p.target = 0 THEN NULL ELSE CAST(p.actual AS DOUBLE) / CAST(p.target AS DOUBLE) END
               END AS achievement_ratio,
               CASE WHEN p.target IS NULL OR p.actual IS NULL THEN NULL
                    WHEN p.comparator = '<=' THEN p.actual <= p.target
                    WHEN p.comparator = '<' THEN p.actual < p.target
                    WHEN p.comparator = '>' THEN p.actual > p.target
                    ELSE p.actual >= p.target
               END AS target_met,
               d.plan_series, d.edition, d.edition_fy, d.is_latest_edition
        FROM p
        LEFT JOIN initiatives i ON i.initiative_id = p.initiative_id
        LEFT JOIN measures m ON m.measure_id = p.measure_id
        JOIN documents d ON d.document_id = coalesce(i.document_id, m.document_id)
    """,
    columns={
        **_CITY,
        "document_id": "Document the numbers come from.",
        "initiative_id": "Initiative of the numbers; null for a measure-level target.",
        "initiative_key": "`<plan_series>:<code>` of the initiative.",
        "initiative_code": "The source's numbering of the initiative.",
        "initiative_name": "Initiative name as written.",
        "measure_id": "Measure of a measure-level target (kpi_values.measure_id).",
        "pair_id": "kpi_values.pair_id; null for a number without a partner.",
        "fiscal_year": "Fiscal year of the numbers; null when the source gives none.",
        "metric": "What is measured, as written (the target's label when both have one).",
        "unit": "Unit (the target's when both have one).",
        "target": "The target value, exact DECIMAL(18,4).",
        "target_derived": "True when the target is actual − 対目標 delta (kpi_values.derived).",
        "comparator": "The target's comparator (>=, <=, >, <, ~); null means at least the target.",
        "target_raw": "The source text of the target.",
        "actual": "The actual value, exact DECIMAL(18,4).",
        "delta": "The 対目標 difference written with the actual (actual − target).",
        "actual_raw": "The source text of the actual.",
        "achievement_ratio": "actual / target, or target / actual when the comparator is <= or < (a ceiling): "
                             ">= 1 means the target is met; null without both numbers or with a zero divisor.",
        "target_met": "The actual satisfies the target under its comparator (>= when none is given).",
        **_EDITION,
    },
)

_THEME_SUMMARY = View(
    name="theme_summary_all_editions",
    per_document=True,
    comment="Number of initiatives per municipality, theme and status_group (an initiative counts once in "
            "each of its themes); every edition.",
    select="""
        SELECT s.municipality_code, s.municipality_name, s.plan_series, s.edition, s.is_latest_edition,
               t.theme, th.name_ja AS theme_name_ja, s.status_group, count(*) AS initiatives,
               count(*) / sum(count(*)) OVER (PARTITION BY s.plan_series, s.edition, s.document_id, t.theme)
                   AS share_of_theme,
               s.document_id
        FROM initiative_status_all_editions s
        JOIN initiative_themes t ON t.initiative_id = s.initiative_id
        JOIN themes th ON th.theme = t.theme
        GROUP BY s.municipality_code, s.municipality_name, s.plan_series, s.edition, s.is_latest_edition,
                 s.document_id, t.theme, th.name_ja, s.status_group
    """,
    columns={
        "municipality_code": _CITY["municipality_code"],
        "municipality_name": _CITY["municipality_name"],
        "plan_series": _EDITION["plan_series"],
        "edition": _EDITION["edition"],
        "is_latest_edition": _EDITION["is_latest_edition"],
        "theme": "Theme code (themes.theme).",
        "theme_name_ja": "Theme name (themes.name_ja).",
        "status_group": "positive / partial / negative / unassessed (initiative_status.status_group).",
        "initiatives": "Number of initiatives of the document with this theme and status_group.",
        "share_of_theme": "initiatives / all initiatives of the document with this theme (0–1).",
        "document_id": "Document the initiatives come from (one row per document, theme and status_group).",
    },
)


def _latest(view: View) -> View:
    base = view.name.removesuffix("_all_editions")
    return View(
        name=base,
        comment=view.comment.replace("every edition", "latest edition of each plan only"),
        select=f"SELECT * FROM {view.name} WHERE is_latest_edition",
        columns=view.columns,
    )


_ALL = (_ANNUAL_STATUS, _INITIATIVE_STATUS, _KPI_PROGRESS, _THEME_SUMMARY)

VIEWS: tuple[View, ...] = tuple(v for base in _ALL for v in (base, _latest(base)))
"""Every common view, each ``*_all_editions`` view before its latest-edition view."""

PER_DOCUMENT_VIEWS: frozenset[str] = frozenset(v.name for v in VIEWS if v.per_document)
"""The common views whose rows are per document (``View.per_document``)."""

COMMON_VIEWS: dict[str, str] = {v.name: v.select for v in VIEWS}
"""``{view name: SELECT …}`` of the common views (what ``store`` creates before the formats' views)."""

LATEST_OF: dict[str, str] = {_latest(base).name: base.name for base in _ALL}
"""``{latest-edition view: its *_all_editions view}``. A latest view is the rows of the other whose
``is_latest_edition`` is true, and that column is always the row's document's
``documents.is_latest_edition``: when every document is the latest edition of its plan, the two
views have the same rows (``store`` then writes the Parquet export once)."""

_BY_NAME = {v.name: v for v in VIEWS}


def sql_literal(text: str) -> str:
    """``text`` as a SQL string literal (``'…'``, single quotes doubled), for DuckDB statements that
    take no parameters (COMMENT ON, COPY … TO, read_parquet paths)."""
    return "'" + text.replace("'", "''") + "'"


def view_ddl(views: Mapping[str, str]) -> list[str]:
    """DuckDB statements creating ``views`` (``{name: SELECT …}``, in order): ``CREATE VIEW`` each,
    then, for the common views of ``VIEWS``, ``COMMENT ON VIEW`` and ``COMMENT ON COLUMN`` for
    every column. Raises nothing itself; DuckDB raises when a SELECT or a commented column is wrong."""
    stmts = []
    for name, select in views.items():
        stmts.append(f"CREATE VIEW {name} AS {select}")
        view = _BY_NAME.get(name)
        if view is None or view.select != select:
            continue
        stmts.append(f"COMMENT ON VIEW {name} IS {sql_literal(view.comment)}")
        for column, comment in view.columns.items():
            stmts.append(f'COMMENT ON COLUMN {name}."{column}" IS {sql_literal(comment)}')
    return stmts
