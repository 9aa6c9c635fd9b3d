"""The cross-format step after ``to_common``: what makes cities and editions comparable (SCHEMA.md
v2 additions), computed from the common rows of any format, never inside a parser.

``enrich_document`` fills the document's edition columns (``editions``); ``enrich_rows`` places an
initiative's overall assessment on the fiscal year it assesses (``place_overall_assessments``),
fills ``status_group`` (annual entries, initiatives), ``initiative_key``, the KPI pairs and derived
targets (``kpi_pairs``) and ``initiative_themes`` (``themes``); ``IssuePlacer`` gives each issue
the initiative / measure it belongs to:

* the record the parser named (``Issue.initiative_code`` / ``measure_code``), when it exists;
* else the initiative whose ``source_line_start..source_line_end`` holds the issue's line (the
  narrowest when several do; none when two equally narrow ones do), and its measure;
* else the measure whose line range holds the line (the narrowest, as above).
"""

from __future__ import annotations

from collections.abc import Sequence

from planparse.editions import plan_series, read_edition
from planparse.kpi_pairs import pair_kpis
from planparse.schemas.base import Issue
from planparse.schemas.common import CommonRows, Document, initiative_id, measure_id, status_group
from planparse.themes import tag_initiatives

__all__ = ["IssuePlacer", "enrich_document", "enrich_rows", "place_overall_assessments"]


def enrich_document(document: Document, lines: Sequence[str]) -> None:
    """Set ``plan_series``, ``edition`` and ``edition_fy`` of ``document`` (in place) from its
    format, municipality, title and text lines (``editions.read_edition``). ``is_latest_edition``
    stays True: the run decides it (``pipeline.extract``)."""
    document.plan_series = plan_series(document.format, document.municipality_code)
    edition = read_edition(document.title, lines) if document.format else None
    document.edition = edition.text if edition else None
    document.edition_fy = edition.fiscal_year if edition else None


def enrich_rows(rows: CommonRows, document: Document) -> None:
    """Fill the v2 columns and tables of one document's rows (in place).

    Input: the rows after ``to_common`` and key checks, and the document row (after
    ``enrich_document``). Sets ``status_group`` from ``status``, ``initiative_key`` =
    ``<plan_series>:<code>`` (null without a series), pairs KPI numbers and adds derived targets,
    and tags themes. Raises ``pydantic.ValidationError`` only if a derived value breaks the schema.
    """
    place_overall_assessments(rows)
    for entry in rows.annual_entries:
        entry.status_group = status_group(entry.status)
    for initiative in rows.initiatives:
        initiative.status_group = status_group(initiative.status)
        initiative.initiative_key = f"{document.plan_series}:{initiative.code}" if document.plan_series else None
    rows.kpi_values = pair_kpis(rows.kpi_values)
    rows.initiative_themes = tag_initiatives(rows.initiatives)


def place_overall_assessments(rows: CommonRows) -> None:
    """An assessment given once for a period (``initiatives.status``, e.g. Akishima's mid-term 〇△×)
    is also placed on the fiscal year it assesses: the last year of the initiative whose annual
    entry reports a ``result``, when that entry has no status of its own (SCHEMA.md v2). The entry
    gets the initiative's ``status_raw`` and ``status`` and ``status_placed = true``. In place;
    never raises."""
    by_initiative: dict[str, list] = {}
    for entry in rows.annual_entries:
        if entry.result:
            by_initiative.setdefault(entry.initiative_id, []).append(entry)
    for initiative in rows.initiatives:
        entries = by_initiative.get(initiative.initiative_id)
        if initiative.status is None or not entries:
            continue
        last = max(entries, key=lambda e: e.fiscal_year)
        if last.status is None:
            last.status_raw, last.status, last.status_placed = initiative.status_raw, initiative.status, True


class IssuePlacer:
    """Finds the initiative and measure an issue belongs to (module rules), for one document."""

    def __init__(self, rows: CommonRows, document_id: str) -> None:
        self.document_id = document_id
        self.initiatives = {i.initiative_id: i for i in rows.initiatives}
        self.measures = {m.measure_id for m in rows.measures}
        self._initiative_spans = _by_width([(i.source_line_start, i.source_line_end, i.initiative_id)
                                            for i in rows.initiatives
                                            if i.source_line_start is not None and i.source_line_end is not None])
        self._measure_spans = _by_width([(m.source_line_start, m.source_line_end, m.measure_id) for m in rows.measures
                                         if m.source_line_start is not None and m.source_line_end is not None])

    @staticmethod
    def _narrowest(spans: list[tuple[int, int, int, str]], line: int) -> str | None:
        holding: list[tuple[int, str]] = []  # the two narrowest spans holding the line (``spans`` is sorted)
        for width, start, end, key in spans:
            if start <= line <= end:
                holding.append((width, key))
                if len(holding) == 2:
                    break
        if not holding or (len(holding) > 1 and holding[0][0] == holding[1][0]):
            return None
        return holding[0][1]

    def place(self, issue: Issue) -> tuple[str | None, str | None]:
        """``(initiative_id, measure_id)`` of ``issue``; either may be None."""
        iid = mid = None
        if issue.initiative_code is not None:
            candidate = initiative_id(self.document_id, issue.initiative_code)
            iid = candidate if candidate in self.initiatives else None
        if issue.measure_code is not None:
            candidate = measure_id(self.document_id, issue.measure_code)
            mid = candidate if candidate in self.measures else None
        if iid is None and mid is None and issue.source_line is not None:
            iid = self._narrowest(self._initiative_spans, issue.source_line)
        if iid is not None and mid is None:
            mid = self.initiatives[iid].measure_id
        if iid is None and mid is None and issue.source_line is not None:
            mid = self._narrowest(self._measure_spans, issue.source_line)
        return iid, mid


def _by_width(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, int, str]]:
    """``(width, start, end, key)`` of each ``(start, end, key)`` line span, narrowest first."""
    return sorted((end - start, start, end, key) for start, end, key in spans)
