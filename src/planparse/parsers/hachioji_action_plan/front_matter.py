"""Front matter: the plan's title and the table 「令和6年度（2024年度）の進捗状況」 (notes §1, §6)."""

from __future__ import annotations

from planparse.normalize import (
    find_fiscal_years,
    match_key,
    parse_number,
    to_int,
)
from planparse.parsers.hachioji_action_plan.model import Context
from planparse.parsers.hachioji_action_plan.patterns import (
    EDITION,
    PLAN_NAME,
    PROGRESS_CELL,
    PROGRESS_COLUMNS,
    PROGRESS_HEADING,
    PROGRESS_METRICS,
    PROGRESS_ROW_LABEL,
    TOTAL_LABEL,
)
from planparse.schemas.hachioji_action_plan import (
    HachiojiPolicy,
    HachiojiProgressFigure,
)


def read_title(ctx: Context, front_end: int) -> str | None:
    """「…推進計画」 (the plan's name, first quoted in the 概要) + ``アクションプラン（…版）``."""
    plan = edition = None
    for line in ctx.lines[: front_end - 1]:
        if plan is None and (m := PLAN_NAME.search(line)):
            plan = m.group("name")
        if edition is None and (m := EDITION.search(line)):
            edition = m.group(0)
    if plan and edition:
        return f"{plan} {edition}"
    return edition or plan


def progress_table(ctx: Context, start: int, end: int) -> list[HachiojiProgressFigure]:
    """The table 「令和6年度（2024年度）の進捗状況」: column labels in the order written, then rows
    ``（１）生活の質の向上 44件 37件 7件 0件 84.1％`` … ``合計 …``."""
    heading = next((n for n in range(start, end) if "の進捗状況" in ctx.lines[n - 1]  # the pattern's fixed end
                    and PROGRESS_HEADING.search(ctx.lines[n - 1])), None)
    if heading is None:
        ctx.log.warning("no_progress_table", "no 「…年度の進捗状況」 table in the front matter: no ctx-check figures")
        return []
    m = PROGRESS_HEADING.search(ctx.lines[heading - 1])
    years = find_fiscal_years(m.group("fy"))
    fiscal_year = years[0].fiscal_year if years else None
    header_text = ""
    figures: list[HachiojiProgressFigure] = []
    metrics: list[str] | None = None
    for n in range(heading + 1, end):
        line = ctx.lines[n - 1].strip(" \u3000")
        if not line:
            continue
        tokens = line.split()
        cells = []
        while tokens and PROGRESS_CELL.match(tokens[-1]):
            cells.insert(0, tokens.pop())
        label = " ".join(tokens)
        if len(cells) < 2:
            if figures:
                break  # prose after the table
            header_text += match_key(line)
            continue
        if metrics is None:
            metrics = [PROGRESS_METRICS[c] for c in PROGRESS_COLUMNS.findall(header_text)]
        if len(cells) != len(metrics):
            ctx.log.error("progress_row_unread",
                          f"progress-table row {line!r} has {len(cells)} figures for {len(metrics)} column "
                          "labels; the row was not read", n)
            continue
        scope, name = progress_scope(label)
        if scope is None:
            ctx.log.error("progress_row_unread", f"progress-table row label {label!r} names no 基本方針 or 合計; "
                          "the row was not read", n)
            continue
        for metric, cell in zip(metrics, cells, strict=True):
            value = parse_number(cell)
            figures.append(HachiojiProgressFigure(
                scope=scope, row_label=name, fiscal_year=fiscal_year, metric=metric,
                value=float(value) if value is not None else 0.0, value_text=cell, source_line=n,
            ))
    if not figures:
        ctx.log.warning("no_progress_table", "the 進捗状況 table has no rows: no ctx-check figures", heading)
    return figures


def progress_scope(label: str) -> tuple[str | None, str]:
    """A progress-table row label → (scope, name): ``合計`` → ``total``, ``（１）生活の質の向上`` → ``1``;
    scope None when the label names neither."""
    if match_key(label) == TOTAL_LABEL:
        return "total", label
    m = PROGRESS_ROW_LABEL.match(label)
    if m:
        return str(to_int(m.group("num"))), m.group("name").strip()
    return None, label


def policy_names_from_figures(ctx: Context, policies: dict[str, HachiojiPolicy],
                              figures: list[HachiojiProgressFigure]) -> None:
    """Row labels of the progress table are other wordings of the 基本方針 names."""
    for f in figures:
        p = policies.get(f.scope)
        if p and f.row_label and f.row_label != p.name and f.row_label not in p.name_variants:
            p.name_variants.append(f.row_label)
