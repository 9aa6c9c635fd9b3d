"""The Koganei reader's driver: the cover, then one walk over the entries (Vision banners,
overview tables, 取組 pages, stray rows), then assembly. Each step has its own module."""

from __future__ import annotations

from planparse.ingest import SourceDocument
from planparse.normalize import find_fiscal_years, match_key, nfkc, parse_fiscal_year_range
from planparse.parsers.koganei_roadmap.assemble import assemble
from planparse.parsers.koganei_roadmap.cells import vision_code
from planparse.parsers.koganei_roadmap.model import Context, VisionSeen, entries_of
from planparse.parsers.koganei_roadmap.overview import read_overview_table
from planparse.parsers.koganei_roadmap.pages import read_headless_table, read_page
from planparse.parsers.koganei_roadmap.patterns import (
    HEADING_MARKS,
    SEPARATOR_ROW,
    VISION_BANNER,
    heading_match,
    is_overview_header,
    item_columns,
    text_of,
)
from planparse.schemas.base import IssueLog, ParseResult

__all__ = ["read_document"]


def read_document(doc: SourceDocument, log: IssueLog, municipality_code: str, municipality_name: str) -> ParseResult:
    """Read the whole plan (see the package docstring) into a ``ParseResult``.

    Input: the document (``lines`` and ``tables``). A 取組 page, overview table or table that
    cannot be read is an error naming it (``measure_unreadable``, ``table_unreadable``) and the
    walk goes on after it. Never raises on irregular input.
    """
    ctx = Context(entries=entries_of(doc), log=log, municipality_code=municipality_code,
                  municipality_name=municipality_name)
    for e in ctx.entries:
        if e.cells is not None and heading_match(e.cells):
            key = tuple(match_key(text_of(c)) for c in e.cells)
            ctx.heading_counts[key] = ctx.heading_counts.get(key, 0) + 1
    title, start_fy, end_fy, i = _cover(ctx)
    entries = ctx.entries
    while i < len(entries):
        e = entries[i]
        try:
            i = _step(ctx, i)
        except Exception as exc:  # one unreadable piece costs only itself
            what = "取組 page" if e.cells is not None and heading_match(e.cells) else "table"
            ctx.log.error("measure_unreadable" if what == "取組 page" else "table_unreadable",
                          f"the {what} at line {e.line} could not be read ({type(exc).__name__}: {exc}); "
                          "its rows are not extracted", e.line)
            i = _skip_rows(ctx, i)
    return assemble(ctx, title, start_fy, end_fy)


def _step(ctx: Context, i: int) -> int:
    """Read the piece starting at entry ``i``; return the index after it."""
    e = ctx.entries[i]
    if not e.text.strip():
        return i + 1
    if SEPARATOR_ROW.match(e.text):
        ctx.separator(e.line)
        return i + 1
    if e.cells is None:
        _banner(ctx, e.text, e.line)
        return i + 1
    if is_overview_header(e.cells):
        return read_overview_table(ctx, i)
    if heading_match(e.cells):
        return read_page(ctx, i)
    if item_columns(e.cells):
        return read_headless_table(ctx, i)
    if ctx.overview:
        ctx.unrecognised(e.line, e.cells)
    return i + 1


def _skip_rows(ctx: Context, i: int) -> int:
    """The index after the rows of the table holding entry ``i`` (at least ``i + 1``)."""
    j = i + 1
    while j < len(ctx.entries) and ctx.entries[j].cells is not None:
        j += 1
    return j


def _cover(ctx: Context) -> tuple[str | None, int | None, int | None, int]:
    """Title (non-empty lines before the plan period line), the period, and where to go on."""
    parts: list[str] = []
    for idx, e in enumerate(ctx.entries):
        if e.cells is not None or VISION_BANNER.search(e.text):
            break
        text = text_of(HEADING_MARKS.sub("", e.text))
        if not text:
            continue
        years = [y for y in find_fiscal_years(text) if y.is_fiscal]
        if len(years) >= 2:
            start, end = parse_fiscal_year_range(text)
            return " ".join(parts) or None, start, end, idx + 1
        parts.append(text)
    ctx.log.warning("no_plan_period", "no plan period line (令和X年度～令和Y年度) before the first table; "
                    "the plan period is taken from the roadmap columns")
    return (parts[0] if parts else None), None, None, 0


def _banner(ctx: Context, raw: str, line: int) -> None:
    """A 【Vision …】 banner: the Vision it names becomes the current one (other lines: nothing)."""
    m = VISION_BANNER.search(text_of(HEADING_MARKS.sub("", raw)))
    if not m:
        return
    numeral = m.group("numeral")
    code = vision_code(numeral)
    if code is None:
        code = nfkc(numeral)
        ctx.log.warning("vision_numeral", f"Vision numeral {numeral!r} is neither a digit nor a roman "
                        "numeral; kept as the code", line)
    seen = ctx.visions.setdefault(code, VisionSeen(code=code, numeral=numeral))
    if m.group("name"):
        seen.names.append((m.group("name"), line))
    ctx.vision = code
    ctx.markup(raw, line, "Vision banner")
