"""The Vision overview tables: one row per 取組 with its number (circled glyph), name, 重点取組
mark, 担当部署 with roles and the 関連 / ステップ links (header ``取組 | | 重点取組 (※) | 担当部署 … |
・関連性の高い取組 ・取組のステップ``)."""

from __future__ import annotations

from planparse.normalize import match_key, strip_markup
from planparse.parsers.koganei_roadmap.cells import measure_number, parse_departments, parse_links
from planparse.parsers.koganei_roadmap.model import Context, OverviewRow, next_row
from planparse.parsers.koganei_roadmap.patterns import SEPARATOR_ROW, is_structure_row, text_of

__all__ = ["read_overview_table"]


def read_overview_table(ctx: Context, i: int) -> int:
    """Read the overview table whose header is entry ``i``; return the index after its last row.

    Rows whose 取組 cell is no number are reported (``unrecognised_row``); a row that cannot be
    read is an error naming it (``row_unreadable``) and the other rows are kept. Rows of a table
    that follows with only lines outside tables between, as wide as the header and with a 取組
    number in its column, continue the table (a continued table, or a blank line lost inside it).
    """
    entries = ctx.entries
    header = [match_key(strip_markup(c)) for c in entries[i].cells or ()]
    col: dict[str, int | None] = {
        "number": header.index("取組"),
        "priority": next((k for k, h in enumerate(header) if h.startswith("重点取組")), None),
        "departments": next((k for k, h in enumerate(header) if h.startswith("担当部署")), None),
        "links": next((k for k, h in enumerate(header) if "関連" in h or "ステップ" in h), None),
    }
    number_col = col["number"] or 0
    col["name"] = next((k for k, h in enumerate(header) if k > number_col and not h), number_col + 1)
    j = i + 1
    while True:
        while j < len(entries) and entries[j].cells is not None:
            entry = entries[j]
            cells = entry.cells or ()
            if is_structure_row(cells):
                return j  # the table ran into the next one (a lost blank line)
            j += 1
            if SEPARATOR_ROW.match(entry.text):
                ctx.separator(entry.line)
                continue
            try:
                _overview_row(ctx, entry.line, entry.text, cells, col)
            except Exception as exc:  # one unreadable row costs only itself
                ctx.log.error("row_unreadable", f"overview row could not be read ({type(exc).__name__}: {exc}); "
                              f"skipped: {entry.text[:120]}", entry.line)
        k = next_row(ctx, j)
        if k is None or not _continues(entries[k].cells or (), number_col, len(header)):
            return j
        ctx.log.warning("table_continued", f"the rows at line {entries[k].line} continue the overview table "
                        "above (a 取組 number in its column; only lines outside tables between)", entries[k].line)
        j = k


def _continues(cells: tuple[str, ...], number_col: int, width: int) -> bool:
    """A row that continues an overview table: as wide as its header, a 取組 number in the 取組
    column, not a heading or header."""
    if is_structure_row(cells) or len(cells) < width or number_col >= len(cells):
        return False
    glyph = text_of(cells[number_col])
    return bool(glyph) and measure_number(glyph) is not None


def _overview_row(ctx: Context, line: int, raw: str, cells: tuple[str, ...], col: dict[str, int | None]) -> None:
    def cell(name: str) -> str:
        k = col.get(name)
        return text_of(cells[k]) if k is not None and k < len(cells) else ""

    glyph = cell("number")
    number = measure_number(glyph) if glyph else None
    if number is None:
        ctx.unrecognised(line, cells)
        return
    what = f"overview row {glyph}"
    priority = cell("priority") or None
    if priority and priority not in ("○", "◯"):
        ctx.log.warning("unknown_priority_mark", f"{what}: 重点取組 cell {priority!r} is not ○; "
                        "read as 重点取組", line)
    ctx.markup(raw, line, what)
    ctx.overview.append(OverviewRow(
        number=number, glyph=glyph, name=cell("name"), priority_mark=priority,
        departments=parse_departments(cell("departments"), line, ctx.log, what),
        links=parse_links(cell("links"), line, ctx.log, what), vision_code=ctx.vision, line=line,
    ))
