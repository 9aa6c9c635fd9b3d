"""Self-checks: the figures a document states about itself vs the same figures computed from
what was extracted.

``document_figures`` rows hold what a document states (Hachioji's 「令和6年度の進捗状況」 table,
Akishima's 施策の達成状況 list …). ``compute_figure`` computes the same metric from the extracted
initiatives and annual entries, so every stated figure can be compared:

=========================  ===================================================================
metric                     computed as (within ``scope``: ``total``, a policy code or a measure code)
=========================  ===================================================================
initiatives                initiatives
initiatives_with_kpi       initiatives with an assessed annual entry (achieved, mostly_achieved,
                           partially_achieved, not_achieved) in ``fiscal_year``
achieved, mostly_achieved, annual entries of ``fiscal_year`` with that status
partially_achieved,
not_achieved, …
achievement_rate           100 × achieved / initiatives_with_kpi, rounded to 1 decimal
status_count:<mark>        initiatives whose own ``status_raw`` is ``<mark>`` (no fiscal year), or
                           annual entries of ``fiscal_year`` whose ``status_raw`` is ``<mark>``
=========================  ===================================================================

The functions work on plain row dicts, so the pipeline can run them on in-memory rows (mismatches
become ``warning`` rows) and ``planparse check`` on the Parquet outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from planparse.normalize import match_key

__all__ = ["ASSESSED", "FigureComparison", "compare_figures", "compute_figure"]

ASSESSED = frozenset({"achieved", "mostly_achieved", "partially_achieved", "not_achieved"})
_TOLERANCE = 0.05  # rates are printed with one decimal

Rows = Sequence[Mapping[str, Any]]


class FigureComparison(NamedTuple):
    """One stated figure next to the computed one. ``computed`` is None when the metric is not
    computable from the tables; ``matches`` is None in that case."""

    document_id: str
    scope: str
    fiscal_year: int | None
    metric: str
    stated: float
    computed: float | None
    source_line: int | None

    @property
    def matches(self) -> bool | None:
        if self.computed is None:
            return None
        return abs(self.stated - self.computed) <= _TOLERANCE


def _in_scope(initiative: Mapping[str, Any], scope: str, measures: Mapping[str, Mapping[str, Any]]) -> bool:
    if scope == "total":
        return True
    measure = measures.get(initiative.get("measure_id") or "")
    if measure is None:
        return False
    return scope in (measure.get("policy_code"), measure.get("code"))


def compute_figure(
    metric: str,
    scope: str,
    fiscal_year: int | None,
    *,
    initiatives: Rows,
    annual_entries: Rows,
    measures: Rows,
) -> float | None:
    """Compute ``metric`` (see the module table) for one document's rows.

    Input: the document's initiatives, annual entries and measures as row dicts. Output: the
    figure, or None when the metric is unknown or needs a fiscal year that is missing.
    """
    by_measure = {m["measure_id"]: m for m in measures}
    scoped = {i["initiative_id"]: i for i in initiatives if _in_scope(i, scope, by_measure)}
    entries = [a for a in annual_entries if a["initiative_id"] in scoped and a["fiscal_year"] == fiscal_year]
    if metric == "initiatives":
        return float(len(scoped))
    if metric.startswith("status_count:"):
        mark = match_key(metric.split(":", 1)[1])
        if fiscal_year is None:
            return float(sum(1 for i in scoped.values() if match_key(i.get("status_raw") or "") == mark))
        return float(sum(1 for a in entries if match_key(a.get("status_raw") or "") == mark))
    if fiscal_year is None:
        return None
    with_kpi = {a["initiative_id"] for a in entries if a.get("status") in ASSESSED}
    if metric == "initiatives_with_kpi":
        return float(len(with_kpi))
    if metric == "achievement_rate":
        achieved = sum(1 for a in entries if a.get("status") == "achieved")
        return round(100.0 * achieved / len(with_kpi), 1) if with_kpi else None
    if metric in ASSESSED or metric in ("not_evaluated", "on_track", "minor_revision", "revision_needed"):
        return float(sum(1 for a in entries if a.get("status") == metric))
    return None


def compare_figures(
    figures: Rows,
    *,
    initiatives: Rows,
    annual_entries: Rows,
    measures: Rows,
) -> list[FigureComparison]:
    """Compare every stated figure of one document with the computed value.

    Input: the document's ``document_figures`` rows and its other rows (dicts). Output: one
    ``FigureComparison`` per stated figure, in the order given.
    """
    out = []
    for f in figures:
        computed = compute_figure(
            f["metric"], f["scope"], f.get("fiscal_year"),
            initiatives=initiatives, annual_entries=annual_entries, measures=measures,
        )
        out.append(FigureComparison(
            document_id=f["document_id"], scope=f["scope"], fiscal_year=f.get("fiscal_year"),
            metric=f["metric"], stated=float(f["value"]), computed=computed, source_line=f.get("source_line"),
        ))
    return out


def group_by_document(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Group row dicts by their ``document_id`` (initiative-level rows carry it too)."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        doc = row.get("document_id") or str(row.get("initiative_id", "")).split(":", 1)[0]
        out.setdefault(doc, []).append(row)
    return out
