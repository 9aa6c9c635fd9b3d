"""check: figures computed from rows, compared with what a document states."""

from __future__ import annotations

from planparse.check import compare_figures, compute_figure

MEASURES = [
    {"measure_id": "d:m:1-1", "code": "1-1", "policy_code": "1"},
    {"measure_id": "d:m:2-1", "code": "2-1", "policy_code": "2"},
]
INITIATIVES = [
    {"initiative_id": "d:1", "document_id": "d", "measure_id": "d:m:1-1", "status_raw": "\u3007"},
    {"initiative_id": "d:2", "document_id": "d", "measure_id": "d:m:1-1", "status_raw": "△"},
    {"initiative_id": "d:3", "document_id": "d", "measure_id": "d:m:2-1", "status_raw": "\u3007"},
    {"initiative_id": "d:4", "document_id": "d", "measure_id": "d:m:2-1", "status_raw": None},
]
ENTRIES = [
    {"initiative_id": "d:1", "fiscal_year": 2024, "status": "achieved", "status_raw": "【達成】"},
    {"initiative_id": "d:2", "fiscal_year": 2024, "status": "not_achieved", "status_raw": "【未達成】"},
    {"initiative_id": "d:3", "fiscal_year": 2024, "status": "partially_achieved", "status_raw": "【達成】【未達成】"},
    {"initiative_id": "d:4", "fiscal_year": 2024, "status": "not_evaluated", "status_raw": None},
    {"initiative_id": "d:1", "fiscal_year": 2023, "status": "not_achieved", "status_raw": "【未達成】"},
]


def figure(metric: str, scope: str = "total", fy: int | None = 2024) -> float | None:
    return compute_figure(metric, scope, fy, initiatives=INITIATIVES, annual_entries=ENTRIES, measures=MEASURES)


def test_counts_per_scope_and_year() -> None:
    assert figure("initiatives_with_kpi") == 3  # d:4 has no assessment in 2024
    assert figure("achieved") == 1 and figure("not_achieved") == 1 and figure("partially_achieved") == 1
    assert figure("initiatives_with_kpi", "1") == 2 and figure("achieved", "2") == 0
    assert figure("not_achieved", "total", 2023) == 1
    assert figure("achievement_rate") == 33.3 and figure("achievement_rate", "1") == 50.0
    assert figure("initiatives") == 4 and figure("initiatives", "2-1") == 2


def test_status_counts_by_mark() -> None:
    assert figure("status_count:\u3007", fy=None) == 2  # initiatives' own marks (Akishima 〇 U+3007)
    assert figure("status_count:△", fy=None) == 1
    assert figure("status_count:\u25cb", fy=None) == 0  # ○ is not 〇


def test_unknown_metrics_are_not_computable() -> None:
    assert figure("budget_total") is None
    assert figure("achieved", fy=None) is None


def test_compare_flags_mismatches_only() -> None:
    stated = [
        {"document_id": "d", "scope": "total", "fiscal_year": 2024, "metric": "achieved", "value": 1, "source_line": 9},
        {"document_id": "d", "scope": "1", "fiscal_year": 2024, "metric": "initiatives_with_kpi", "value": 3,
         "source_line": 10},
        {"document_id": "d", "scope": "total", "fiscal_year": 2024, "metric": "achievement_rate", "value": 33.3,
         "source_line": 11},
        {"document_id": "d", "scope": "total", "fiscal_year": None, "metric": "budget", "value": 5, "source_line": 12},
    ]
    result = compare_figures(stated, initiatives=INITIATIVES, annual_entries=ENTRIES, measures=MEASURES)
    assert [c.matches for c in result] == [True, False, True, None]
    assert (result[1].stated, result[1].computed) == (3.0, 2.0)
