"""Year headers of the card tables: ``令和4年度`` / ``(2022年度）`` … ``備考`` (notes §3.6, §5.6)."""

from __future__ import annotations

from planparse.parsers.hachioji_action_plan.model import Context, Piece
from planparse.parsers.hachioji_action_plan.patterns import ERA_BASE, ERA_YEAR_LINE, GREGORIAN_YEAR_LINE


def year_header(ctx: Context, n: int, end: int, *, min_columns: int | None = None) -> Piece | None:
    """The year header starting at line ``n`` (before ``end``), cached; None when the lines there are not
    one. ``min_columns`` defaults to ``Settings.year_header_min_columns``. Returns a fresh copy."""
    if min_columns is None:
        min_columns = ctx.settings.year_header_min_columns
    key = (n, end, min_columns)
    if key not in ctx.year_header_cache:
        ctx.year_header_cache[key] = read_year_header(ctx, n, end, min_columns)
    piece = ctx.year_header_cache[key]
    return None if piece is None else Piece("Y", list(piece.lines), piece.gap, piece.years, piece.conflicts)


def read_year_header(ctx: Context, n: int, end: int, min_columns: int) -> Piece | None:
    """A year header starting at line ``n``: optional ``年度``, then ≥ ``min_columns`` columns
    ``令和N年度`` + ``（YYYY年度）`` with increasing years, then optional ``備考``. None when it is not one."""
    start = n
    k: int | None = n
    if ctx.keys[n - 1] == "年度":
        k = ctx.next_nonempty(n + 1, end)
    years: list[int] = []
    conflicts: list[str] = []
    last = n
    while k is not None and k < end and ctx.is_year_line(k):
        g = ctx.next_nonempty(k + 1, end)
        if g is None or not GREGORIAN_YEAR_LINE.match(ctx.keys[g - 1]):
            break
        era = ERA_YEAR_LINE.match(ctx.keys[k - 1])
        greg = int(GREGORIAN_YEAR_LINE.match(ctx.keys[g - 1]).group("y"))
        year = ERA_BASE[era.group("era")] + (1 if era.group("n") == "元" else int(era.group("n")))
        if years and year <= years[-1]:
            break
        if greg != year:
            conflicts.append(f"line {g}: {ctx.lines[g - 1].strip()} under {ctx.lines[k - 1].strip()}")
        years.append(year)
        last = g
        k = ctx.next_nonempty(g + 1, end)
    if len(years) < min_columns:
        return None
    if k is not None and k < end and ctx.keys[k - 1] == "備考":
        last = k
    lines = [x for x in range(start, last + 1) if ctx.keys[x - 1]]
    return Piece(kind="Y", lines=lines, gap=True, years=tuple(years), conflicts=tuple(conflicts))
