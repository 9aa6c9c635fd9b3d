"""Ruled tables of a PDF page (pdfplumber's table finder), and tables continued across pages.

A ``PageTable`` is one table as pdfplumber finds it on one page: its cells as written (an empty
cell is ``""``; the lines of a wrapped cell are kept, joined by ``\\n``), its bounding box and the
x positions of its column borders. ``join_continued`` glues a table that continues at the top of
the next page to its first part, dropping the header rows the continuation repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PageTable", "find_tables", "join_continued", "valid_unicode"]

_COLUMN_TOLERANCE = 3.0  # points: two column borders closer than this are the same border
_MAX_REPEATED_HEADER_ROWS = 3


@dataclass(frozen=True)
class PageTable:
    """One ruled table of one page. ``bbox`` is (x0, y0, x1, y1) in PDF points, origin bottom left;
    ``columns`` the sorted x positions of its column borders; ``rows`` the cells row by row."""

    bbox: tuple[float, float, float, float]
    columns: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]


def find_tables(page) -> list[PageTable]:
    """The ruled tables of a pdfplumber ``Page``, top-down. Input: a pdfplumber page. Output:
    ``PageTable`` list (empty when the page has none). Never raises for a readable page."""
    height = float(page.height)
    out: list[PageTable] = []
    for table in page.find_tables():
        rows = tuple(tuple("" if cell is None else valid_unicode(str(cell)) for cell in row) for row in table.extract())
        rows = tuple(row for row in rows if any(cell.strip() for cell in row)) or rows
        if not rows or max(len(r) for r in rows) < 2:
            continue  # a framed box of text, not a table
        x0, top, x1, bottom = table.bbox
        borders = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
        out.append(PageTable((float(x0), height - float(bottom), float(x1), height - float(top)),
                             tuple(_merge_close(borders)), rows))
    out.sort(key=lambda t: -t.bbox[3])
    return out


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates (a broken ToUnicode map) replaced by U+FFFD, so that every
    writer accepts it; valid text is returned unchanged."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _merge_close(values: list[float]) -> list[float]:
    merged: list[float] = []
    for v in values:
        if not merged or v - merged[-1] > _COLUMN_TOLERANCE:
            merged.append(v)
    return merged


def join_continued(first: PageTable, nxt: PageTable) -> tuple[PageTable, int] | None:
    """``(joined table, number of header rows dropped from nxt)`` when ``nxt`` has the column
    borders of ``first`` (same count, each within ``_COLUMN_TOLERANCE`` once both are aligned at
    their left border), else None.

    Leading rows of ``nxt`` that repeat the first rows of ``first`` (the header rows a
    continued table repeats on every page, compared without whitespace) are dropped.
    """
    if len(first.columns) != len(nxt.columns) or not first.columns:
        return None
    shift = nxt.columns[0] - first.columns[0]  # the next part may stand in another column of the page
    if any(abs(a + shift - b) > _COLUMN_TOLERANCE for a, b in zip(first.columns, nxt.columns, strict=True)):
        return None
    dropped = 0
    while (dropped < min(_MAX_REPEATED_HEADER_ROWS, len(nxt.rows) - 1, len(first.rows))
           and _key(nxt.rows[dropped]) == _key(first.rows[dropped])):
        dropped += 1
    return PageTable(first.bbox, first.columns, first.rows + nxt.rows[dropped:]), dropped


def _key(row: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("".join(cell.split()) for cell in row)
