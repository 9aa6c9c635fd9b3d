"""Editions: which plan a document is an edition of, which edition, and which edition is the latest.

SCHEMA.md v2: ``documents.plan_series`` = ``<municipality_code>:<series>`` (``series``: a stable
name per format family, ``SERIES``), ``documents.edition`` (as written), ``documents.edition_fy``,
``documents.is_latest_edition`` (across the run) and ``initiatives.initiative_key`` =
``<plan_series>:<code>``, the same for one initiative in every edition.

The edition is read from the document's title lines by one rule (``read_edition``):

1. an edition mark ``…版`` in the title (``アクションプラン（令和7年度（2025年度）版）``) or in a line of the
   title page: ``令和7年度（2025年度）版``, ``2025年度版``, ``第2版`` (the first one wins);
2. else the issue date standing alone on a title-page line (``令和8年(2026年)4月``).

The title page is the lines before the first line longer than ``TITLE_PAGE_LINE_CHARS`` characters
(body prose), at most ``TITLE_PAGE_LINES`` lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from planparse.memo import LazyPattern
from planparse.normalize import nfkc, parse_fiscal_year

__all__ = ["SERIES", "Edition", "latest_editions", "plan_series", "read_edition"]

SERIES: dict[str, str] = {
    "hachioji_action_plan": "dx_action_plan",        # DX推進計画 アクションプラン, revised every year (…年度版)
    "hachioji_dx_plan": "dx_plan",                   # DX推進計画 itself
    "musashino_progress_sheet": "info_plan_progress_sheet",  # 総合情報化基本計画 施策進捗管理シート
    "koganei_roadmap": "dx_action_plan",             # DX推進方針 アクションプラン
    "akishima_midterm_report": "digital_plan_report",  # デジタル化推進計画 (中間)報告書
}
"""Series name per format family; a format not listed uses its own name."""

TITLE_PAGE_LINES = 60
TITLE_PAGE_LINE_CHARS = 40

# NFKC text. "令和7年度(2025年度)版", "令和6年度版", "2025年度版", "第2版", "第2.1版"
_EDITION_MARK = LazyPattern(
    r"(?:(?:令和|平成)\s*(?:\d+|元)\s*年度?\s*(?:\(\s*\d{4}\s*年度?\s*\))?|\d{4}\s*年度?|第\s*\d+(?:\.\d+)*\s*)\s*版"
)
# a title-page line that is only an issue date: "令和8年(2026年)4月", "2026年4月"
_ISSUE_DATE = LazyPattern(
    r"^\s*(?P<era>(?:令和|平成)\s*(?:\d+|元)\s*年)?\s*(?:\(\s*(?P<year>\d{4})\s*年\s*\)|(?P<plain>\d{4})\s*年)?"
    r"\s*(?P<month>\d{1,2})\s*月\s*$"
)
_ERA_BASE = {"令和": 2018, "平成": 1988}
_ERA_YEAR = LazyPattern(r"(?P<era>令和|平成)\s*(?P<n>\d+|元)")


class Edition(NamedTuple):
    """An edition as written (``text``, source wording kept) and its fiscal year (``fiscal_year``)."""

    text: str
    fiscal_year: int | None


def plan_series(format_name: str | None, municipality_code: str | None) -> str | None:
    """``<municipality_code>:<series>`` of a document; None when either part is unknown."""
    if not format_name or not municipality_code:
        return None
    return f"{municipality_code}:{SERIES.get(format_name, format_name)}"


def _title_page(lines: Sequence[str]) -> list[str]:
    out = []
    for line in lines[:TITLE_PAGE_LINES]:
        if len(line.strip()) > TITLE_PAGE_LINE_CHARS:
            break
        out.append(line)
    return out


def _gregorian(era: str) -> int | None:
    m = _ERA_YEAR.search(era)
    if m is None:
        return None
    n = 1 if m.group("n") == "元" else int(m.group("n"))
    return _ERA_BASE[m.group("era")] + n


def read_edition(title: str | None, lines: Sequence[str]) -> Edition | None:
    """The edition of a document (see the module rule) or None.

    Input: the document's title (``documents.title``) and its text lines (1-based order, as parsed).
    Output: ``Edition`` with the text as written (full-width kept) and its fiscal year: the 年度 of
    the mark, or for an issue date the fiscal year it falls in (January–March → the year before).
    A ``第N版`` mark has no fiscal year. Never raises.
    """
    for text in [title or "", *_title_page(lines)]:
        for m in _EDITION_MARK.finditer(nfkc(text)):
            written = _written(text, m.start(), m.end())
            return Edition(text=written, fiscal_year=parse_fiscal_year(m.group(0)))
    for line in _title_page(lines):
        m = _ISSUE_DATE.match(nfkc(line))
        if m is None or not (m.group("era") or m.group("year") or m.group("plain")):
            continue
        year = int(m.group("year") or m.group("plain") or 0) or _gregorian(m.group("era") or "")
        if year is None:
            continue
        month = int(m.group("month"))
        return Edition(text=line.strip(" \u3000"), fiscal_year=year - 1 if month <= 3 else year)
    return None


def _written(text: str, start: int, end: int) -> str:
    """The source wording of ``nfkc(text)[start:end]`` (NFKC keeps the length of these marks; when
    it does not, the NFKC form is returned)."""
    if len(nfkc(text)) == len(text):
        return text[start:end]
    return nfkc(text)[start:end]


class EditionRow(NamedTuple):
    """What ``latest_editions`` needs of one document."""

    document_id: str
    plan_series: str | None
    edition_fy: int | None
    plan_start_fy: int | None
    plan_end_fy: int | None


def latest_editions(documents: Iterable[EditionRow]) -> tuple[dict[str, bool], list[tuple[str, list[str]]]]:
    """Mark the latest edition of every plan series among a run's documents.

    Input: one ``EditionRow`` per document, in input order. Output: ``({document_id: is_latest}, groups)``
    where ``groups`` lists ``(plan_series, [document_id, …])`` for every series with several documents,
    in edition order (latest last). Order: ``edition_fy``, then ``plan_end_fy``, then ``plan_start_fy``
    (unknown first), then input order. A document without a series is its own latest edition.
    """
    docs = list(documents)
    by_series: dict[str, list[tuple[int, EditionRow]]] = {}
    latest = {d.document_id: True for d in docs}
    for n, d in enumerate(docs):
        if d.plan_series is not None:
            by_series.setdefault(d.plan_series, []).append((n, d))
    groups = []
    for series, members in by_series.items():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda nd: (_key(nd[1].edition_fy), _key(nd[1].plan_end_fy),
                                                  _key(nd[1].plan_start_fy), nd[0]))
        for _, d in ordered[:-1]:
            latest[d.document_id] = False
        groups.append((series, [d.document_id for _, d in ordered]))
    return latest, groups


def _key(value: int | None) -> tuple[int, int]:
    return (0, 0) if value is None else (1, value)
