"""Year headers of the card tables: ``令和4年度`` / ``(2022年度）`` … ``備考`` (notes §3.6, §5.6)."""

from __future__ import annotations

from planparse.parsers.hachioji_action_plan.model import Context, Piece


def year_header(ctx: Context, n: int, end: int, *, min_columns: int | None = None) -> Piece | None:
    """The year header starting at line ``n`` (before ``end``), cached; None when the lines there are not
    one. ``min_columns`` defaults to ``Settings.year_header_min_columns``. Returns a fresh copy."""
    piece = _cached_year_header(ctx, n, end, ctx.settings.year_header_min_columns if min_columns is None
                                else min_columns)
    return None if piece is None else Piece("Y", list(piece.lines), piece.gap, piece.years, piece.conflicts)


def is_year_header(ctx: Context, n: int, end: int) -> bool:
    """A year header starts at line ``n`` (``year_header`` is not None), without copying it."""
    return n in ctx.year_starts and peek_year_header(ctx, n, end) is not None


def peek_year_header(ctx: Context, n: int, end: int) -> Piece | None:
    """``year_header`` (the default ``min_columns``) without a copy: the cached piece, to be read only."""
    return _cached_year_header(ctx, n, end, ctx.settings.year_header_min_columns)


def _cached_year_header(ctx: Context, n: int, end: int, min_columns: int) -> Piece | None:
    """``read_year_header`` once per (line, end, min_columns); the cached piece itself (not to be changed)."""
    key = (n, end, min_columns)
    found = ctx.year_header_cache.get(key)
    if found is None:
        # the header read to the document's end (``regions.document_fiscal_years``) is the same
        # when every line it looked at stands before ``end``
        whole = ctx.year_header_cache.get((n, len(ctx.lines) + 1, min_columns))
        if whole is not None and whole[0] is not None and whole[1] < end:
            found = whole
        else:
            found = read_year_header(ctx, n, end, min_columns)
        ctx.year_header_cache[key] = found
    return found[0]


def read_year_header(ctx: Context, n: int, end: int, min_columns: int) -> tuple[Piece | None, int]:
    """A year header starting at line ``n``: optional ``年度``, then ≥ ``min_columns`` columns
    ``令和N年度`` + ``（YYYY年度）`` with increasing years, then optional ``備考``. None when it is not one.
    Returned with the last line looked at (the header is the same for any ``end`` past it).

    A column whose 和暦 or 西暦 line is missing (a damaged copy, a line lost in extraction) still
    counts, from the line that is there; the header then carries a conflict note naming the column.
    """
    start = n
    k: int | None = n
    if ctx.keys[n - 1] == "年度":
        k = ctx.next_nonempty(n + 1, end)
    years: list[int] = []
    conflicts: list[str] = []
    last = n
    while k is not None and k < end:
        era_year = ctx.era_years[k - 1]
        greg_year = ctx.gregorian_years[k - 1]
        if era_year is None and greg_year is None:
            break
        g = ctx.next_nonempty(k + 1, end) if era_year is not None else None
        greg = ctx.gregorian_years[g - 1] if g is not None else None
        paired = greg is not None
        year = era_year if era_year is not None else greg_year
        if years and year <= years[-1]:
            break
        if paired:
            if greg != year:
                conflicts.append(f"line {g}: {ctx.lines[g - 1].strip()} under {ctx.lines[k - 1].strip()}")
            last = g
        else:
            conflicts.append(f"line {k}: {ctx.lines[k - 1].strip()} stands without its "
                             f"{'西暦' if era_year is not None else '和暦'} line")
            last = k
        years.append(year)
        k = ctx.next_nonempty(last + 1, end)
    seen = k if k is not None else last  # the last line looked at
    if len(years) < min_columns:
        return None, seen
    if len(years) == sum(1 for c in conflicts if "stands without" in c):
        return None, seen  # only lone year lines: year-labelled text, not the table's header
    if k is not None and k < end and ctx.keys[k - 1] == "備考":
        last = k
    lines = [x for x in range(start, last + 1) if ctx.keys[x - 1]]
    return Piece(kind="Y", lines=lines, gap=True, years=tuple(years), conflicts=tuple(conflicts)), seen


def starts_year_header(ctx: Context, n: int) -> bool:
    """Line ``n`` can open a year header: ``年度``, a 和暦 or a 西暦 year line."""
    return n in ctx.year_starts  # worked out once per line by ``Context``
