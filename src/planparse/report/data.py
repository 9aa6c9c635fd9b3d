"""What the report shows, read from ``planparse.duckdb`` (as ``store`` wrote it): plain SQL over the
tables and the analyst views, returned as lists of dicts. Nothing here reads a source document.

Every function takes an open read-only DuckDB connection (``connect``) and returns JSON-ready rows:
``Decimal`` values become ``float``, lists stay lists. Column names are those of the views
(``annual_status``, ``initiative_status``, ``kpi_progress``, ``theme_summary``) and tables
(``documents``, ``measures``, ``initiatives``, ``annual_entries``, ``extraction_issues``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from planparse.store import DUCKDB_NAME

__all__ = [
    "STATUS_GROUPS",
    "connect",
    "document_initiatives",
    "document_issues",
    "document_kpis",
    "document_measures",
    "document_status_by_year",
    "documents",
    "initiative_status_share",
    "issue_counts",
    "kpi_achievement",
    "status_share",
    "theme_matrix",
]

STATUS_GROUPS = ("positive", "partial", "negative", "unassessed")
"""The common status scale (SCHEMA.md v2 ``status_group``), best first."""


def connect(data_dir: str | Path):
    """Open ``<data_dir>/planparse.duckdb`` read-only.

    Raises FileNotFoundError when the file does not exist (run ``planparse extract`` first).
    """
    import duckdb

    path = Path(data_dir) / DUCKDB_NAME
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `planparse extract` first")
    return duckdb.connect(str(path), read_only=True)


def _rows(con, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def documents(con) -> list[dict[str, Any]]:
    """One row per document (failed ones too), cities in code order: ``documents`` columns plus the
    counts ``measures``, ``initiatives``, ``annual_entries``, ``kpi_values``, ``errors``, ``warnings``."""
    return _rows(con, """
        SELECT d.document_id, d.format, d.municipality_code, d.municipality_name, d.title,
               d.plan_start_fy, d.plan_end_fy, d.file_name, d.source_kind, d.page_count,
               d.extraction_status,
               (SELECT count(*) FROM measures m WHERE m.document_id = d.document_id) AS measures,
               (SELECT count(*) FROM initiatives i WHERE i.document_id = d.document_id) AS initiatives,
               (SELECT count(*) FROM annual_entries a JOIN initiatives i USING (initiative_id)
                 WHERE i.document_id = d.document_id) AS annual_entries,
               (SELECT count(*) FROM kpi_values k JOIN initiatives i USING (initiative_id)
                 WHERE i.document_id = d.document_id) AS kpi_values,
               (SELECT count(*) FROM extraction_issues e
                 WHERE e.document_id = d.document_id AND e.severity = 'error') AS errors,
               (SELECT count(*) FROM extraction_issues e
                 WHERE e.document_id = d.document_id AND e.severity = 'warning') AS warnings
        FROM documents d
        ORDER BY d.municipality_code NULLS LAST, d.format, d.file_name
    """)


def status_share(con) -> list[dict[str, Any]]:
    """Annual entries per municipality, fiscal year and ``status_group`` (view ``annual_status``):
    rows ``{municipality_code, municipality_name, fiscal_year, status_group, entries, share}``,
    ``share`` 0–1 of the city's entries in that fiscal year."""
    return _rows(con, """
        SELECT municipality_code, municipality_name, fiscal_year,
               coalesce(status_group, 'unassessed') AS status_group, count(*) AS entries,
               count(*) / sum(count(*)) OVER (PARTITION BY municipality_code, fiscal_year) AS share
        FROM annual_status
        GROUP BY municipality_code, municipality_name, fiscal_year, 4
        ORDER BY municipality_code, fiscal_year, status_group
    """)


def initiative_status_share(con) -> list[dict[str, Any]]:
    """Initiatives per municipality and ``status_group`` of their latest assessment (view
    ``initiative_status``: the latest assessed fiscal year, else the document's overall assessment
    such as Akishima's mid-term 〇△×): rows ``{municipality_code, municipality_name, status_group,
    initiatives, share}``, ``share`` 0–1 of the city's initiatives."""
    return _rows(con, """
        SELECT municipality_code, municipality_name, coalesce(status_group, 'unassessed') AS status_group,
               count(*) AS initiatives,
               count(*) / sum(count(*)) OVER (PARTITION BY municipality_code) AS share
        FROM initiative_status
        GROUP BY municipality_code, municipality_name, 3 ORDER BY municipality_code, status_group
    """)


def theme_matrix(con) -> list[dict[str, Any]]:
    """Initiatives per municipality and theme (view ``theme_summary``, all status groups summed):
    rows ``{municipality_code, municipality_name, theme, theme_name_ja, initiatives}``."""
    return _rows(con, """
        SELECT municipality_code, municipality_name, theme, any_value(theme_name_ja) AS theme_name_ja,
               sum(initiatives)::BIGINT AS initiatives
        FROM theme_summary GROUP BY municipality_code, municipality_name, theme
        ORDER BY theme, municipality_code
    """)


def kpi_achievement(con) -> list[dict[str, Any]]:
    """KPI numbers per municipality by outcome (view ``kpi_progress``): rows ``{municipality_code,
    municipality_name, outcome, pairs}`` with ``outcome`` one of ``target met``, ``target missed``,
    ``target only`` (no actual yet), ``actual only`` (no target stated)."""
    return _rows(con, """
        SELECT municipality_code, municipality_name,
               CASE WHEN target IS NOT NULL AND actual IS NOT NULL AND target_met THEN 'target met'
                    WHEN target IS NOT NULL AND actual IS NOT NULL THEN 'target missed'
                    WHEN target IS NOT NULL THEN 'target only'
                    ELSE 'actual only' END AS outcome,
               count(*) AS pairs
        FROM kpi_progress GROUP BY ALL ORDER BY municipality_code, outcome
    """)


def issue_counts(con) -> list[dict[str, Any]]:
    """Extraction issues per document and severity: rows ``{document_id, file_name,
    municipality_name, severity, issues}``."""
    return _rows(con, """
        SELECT d.document_id, d.file_name, coalesce(d.municipality_name, '?') AS municipality_name,
               e.severity, count(*) AS issues
        FROM extraction_issues e JOIN documents d USING (document_id)
        GROUP BY ALL ORDER BY municipality_name, d.file_name, e.severity
    """)


def document_measures(con, document_id: str) -> list[dict[str, Any]]:
    """The document's measures in source order: ``{measure_id, policy_code, policy_name, code, name,
    initiatives}`` (``initiatives`` = number of initiatives under the measure)."""
    return _rows(con, """
        SELECT m.measure_id, m.policy_code, m.policy_name, m.code, m.name,
               (SELECT count(*) FROM initiatives i WHERE i.measure_id = m.measure_id) AS initiatives
        FROM measures m WHERE m.document_id = ? ORDER BY m.seq
    """, [document_id])


def document_initiatives(con, document_id: str) -> list[dict[str, Any]]:
    """The document's initiatives in source order with their status per fiscal year:
    ``{initiative_id, code, name, measure_code, lead_department, status_raw, status, status_group,
    source_line_start, themes, years}``: ``status*`` is the document's own overall assessment
    (``initiatives``), ``themes`` the theme codes (``initiative_themes``, strongest first); ``years`` maps a fiscal year to ``{status_raw, status,
    status_group}`` (years the source speaks of only)."""
    initiatives = _rows(con, """
        SELECT i.initiative_id, i.code, i.name, m.code AS measure_code, i.lead_department,
               i.status_raw, i.status, i.status_group, i.source_line_start,
               (SELECT list(t.theme ORDER BY t.seq) FROM initiative_themes t
                 WHERE t.initiative_id = i.initiative_id) AS themes
        FROM initiatives i
        LEFT JOIN measures m ON m.measure_id = i.measure_id
        WHERE i.document_id = ? ORDER BY i.seq
    """, [document_id])
    years = _rows(con, """
        SELECT initiative_id, fiscal_year, status_raw, status,
               coalesce(status_group, 'unassessed') AS status_group
        FROM annual_status_all_editions WHERE document_id = ? ORDER BY fiscal_year
    """, [document_id])
    by_id: dict[str, dict[int, dict[str, Any]]] = {}
    for y in years:
        by_id.setdefault(y["initiative_id"], {})[y["fiscal_year"]] = y
    for i in initiatives:
        i["years"] = by_id.get(i["initiative_id"], {})
    return initiatives


def document_status_by_year(con, document_id: str) -> list[dict[str, Any]]:
    """The document's annual entries per fiscal year and ``status_group``: ``{fiscal_year,
    status_group, entries}``."""
    return _rows(con, """
        SELECT fiscal_year, coalesce(status_group, 'unassessed') AS status_group, count(*) AS entries
        FROM annual_status_all_editions WHERE document_id = ? GROUP BY ALL ORDER BY ALL
    """, [document_id])


def document_kpis(con, document_id: str) -> list[dict[str, Any]]:
    """The document's KPI numbers (view ``kpi_progress``, every edition): ``{initiative_code,
    initiative_name, fiscal_year, metric, unit, target, actual, comparator, achievement_ratio,
    target_met, target_derived}``, in initiative code order then fiscal year."""
    return _rows(con, """
        SELECT initiative_code, initiative_name, fiscal_year, metric, unit, target, actual, comparator,
               achievement_ratio, target_met, target_derived
        FROM kpi_progress_all_editions WHERE document_id = ?
        ORDER BY initiative_code NULLS LAST, fiscal_year NULLS LAST, metric
    """, [document_id])


def document_issues(con, document_id: str) -> list[dict[str, Any]]:
    """The document's extraction issues, errors first then in the order logged: ``{severity, code,
    message, source_line, source_page, initiative_code}`` (``initiative_code`` of the record the
    issue belongs to, when known)."""
    return _rows(con, """
        SELECT e.severity, e.code, e.message, e.source_line, e.source_page, i.code AS initiative_code
        FROM extraction_issues e LEFT JOIN initiatives i ON i.initiative_id = e.initiative_id
        WHERE e.document_id = ?
        ORDER BY e.severity, e.seq NULLS LAST, e.source_line NULLS LAST
    """, [document_id])
