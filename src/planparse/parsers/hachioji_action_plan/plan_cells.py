"""The 取組内容 row: tag lines → one plan cell per fiscal-year column (notes §3.1, §5.4, §5.5)."""

from __future__ import annotations

import itertools
import math

from planparse.parsers.hachioji_action_plan.model import Context, Piece, Unit
from planparse.parsers.hachioji_action_plan.patterns import TAG
from planparse.parsers.hachioji_action_plan.pieces import tag_tokens


def read_plan_cells(ctx: Context, code: str, unit: Unit, n_years: int
                    ) -> tuple[list[tuple[str, list[int]] | None], tuple[str, list[int]] | None]:
    """The 取組内容 row: cells of the tag lines (one per column), and 備考 text found after them.

    Cells on one line are separated by a space; a tag cut at a line end (``【一部運用開`` / ``始】``)
    is rejoined; a cell of several lines becomes several lines: lines are merged back into cells
    (fewest and least doubtful merges: same text box, single-cell lines) until there are as many
    cells as columns. Tag cells found after the year header (displaced) fill the first columns.
    """
    entries = tag_entries(ctx, unit.tags)
    remark = None
    # 備考 text after the cells of a tag line ("… 【一部運用開始】 窓口においても")
    for e in entries:
        if e["remark"]:
            remark = (e["remark"], [e["line"]])
    displaced = [c for e in tag_entries(ctx, unit.displaced_tags) for c in e["cells"]]
    need = n_years - len(displaced)
    cells = [c for e in entries for c in e["cells"]]
    if not entries and not displaced:
        ctx.log.warning("plan_missing", f"card {code}: no 取組内容 tags found", unit.anchor.first,
                        initiative=code)
        return [None] * n_years, remark
    if len(cells) < need:
        ctx.log.warning("plan_cells_missing",
                        f"card {code}: the 取組内容 row has {len(cells) + len(displaced)} cells for {n_years} "
                        "columns; the last columns are empty", (unit.tags or unit.displaced_tags)[0].first,
                        initiative=code)
        merged = cells + [None] * (need - len(cells))
    elif len(cells) > need:
        merged, penalty, unique = merge_cells(ctx, entries, need)
        if penalty > 0 or not unique:
            ctx.log.warning("ambiguous_plan_cells",
                            f"card {code}: the 取組内容 cells span several lines ({tag_snippet(ctx, entries)}); "
                            f"the lines were merged into {need} cells by rule: "
                            f"{' | '.join(c[0] for c in merged if c)}", entries[0]["line"], initiative=code)
    else:
        merged = cells
    if displaced:
        ctx.log.warning("plan_cells_displaced",
                        f"card {code}: {len(displaced)} 取組内容 cell(s) written after the year header "
                        f"(line {unit.displaced_tags[0].first}) were put in the first column(s)",
                        unit.displaced_tags[0].first, initiative=code)
    out = (displaced + merged)[:n_years]
    return out + [None] * (n_years - len(out)), remark


def tag_entries(ctx: Context, pieces: list[Piece]) -> list[dict]:
    """Tag lines → ``{"line", "box", "cells": [(text, [line])], "remark"}`` with cut tags rejoined."""
    entries: list[dict] = []
    box = 0
    carry: tuple[str, int] | None = None
    for p in pieces:
        if p.kind not in "TD":
            continue
        if p.gap:
            box += 1
        tokens, n_tags = tag_tokens(ctx.lines[p.first - 1].strip(" \u3000"))
        tags = tokens[:n_tags]
        remark = " ".join(tokens[n_tags:])
        cells: list[tuple[str, list[int]]] = []
        for t in tags:
            if carry is not None:
                t = carry[0] + t
                lines = [carry[1], p.first]
                carry = None
            else:
                lines = [p.first]
            if t.count("【") > t.count("】"):
                carry = (t, p.first)
                continue
            cells.append((t, lines))
        entries.append({"line": p.first, "box": box, "cells": cells, "remark": remark})
    if carry is not None:
        entries.append({"line": carry[1], "box": box, "cells": [(carry[0], [carry[1]])], "remark": ""})
    return [e for e in entries if e["cells"] or e["remark"]]


def merge_cells(ctx: Context, entries: list[dict], need: int
                ) -> tuple[list[tuple[str, list[int]]], int, bool]:
    """Merge line cells into ``need`` cells with the least penalty (see ``_plan_cells``)."""
    flat: list[tuple[str, list[int], int, int, bool, bool]] = []  # text, lines, entry, box, first, last
    for i, e in enumerate(entries):
        for j, (text, lines) in enumerate(e["cells"]):
            flat.append((text, lines, i, e["box"], j == 0, j == len(e["cells"]) - 1))
    points = []  # merge point k joins flat[k] and flat[k+1]
    for k in range(len(flat) - 1):
        a, b = flat[k], flat[k + 1]
        if a[2] != b[2] and a[5] and b[4]:
            single = len(entries[a[2]]["cells"]) == 1 and len(entries[b[2]]["cells"]) == 1
            penalty = 0 if a[3] == b[3] and single else (3 if a[3] == b[3] else 10)
            points.append((k, penalty))
    n_merge = len(flat) - need
    if n_merge > len(points) or math.comb(len(points), n_merge) > ctx.settings.plan_merge_max_combinations:
        # too many ways (a row written far more often than its columns, e.g. a damaged copy): the
        # columns are not recoverable by search; keep the first cells, reported as unsure
        return [(t, ls) for t, ls, *_ in flat][:need], 99, False
    repeats: dict[tuple[int, int], bool] = {}  # (first, last) cell of a possible group → a tag written twice in it
    # the best (penalty, largest group) so far, its merge points (negated: the latest points win a tie),
    # its groups, and how many combinations share that (penalty, largest group)
    best_key: tuple[int, int] | None = None
    best_order: list[int] = []
    best_groups: list[tuple[int, int]] = []
    ties = 0
    all_cuts = frozenset(range(len(flat) - 1))
    last = len(flat) - 1
    for combo in itertools.combinations(points, n_merge):  # the points in line order
        # the groups: runs of cells joined at the chosen points, as (first, last) cell, cut at the
        # points not chosen
        cuts = sorted(all_cuts.difference([k for k, _ in combo]))
        groups = list(zip([0, *[k + 1 for k in cuts]], [*cuts, last], strict=True))
        penalty = sum([p for _, p in combo])
        for group in groups:
            repeat = repeats.get(group)
            if repeat is None:  # worked out for the groups the combinations make, once each
                tags = TAG.findall("".join(flat[k][0] for k in range(group[0], group[1] + 1)))
                repeat = repeats[group] = len(tags) != len(set(tags))
            penalty += repeat
        key = (penalty, max([b - a for a, b in groups]) + 1)
        if best_key is None or key < best_key:
            best_key, best_order, best_groups, ties = key, [-k for k, _ in combo], groups, 1
        elif key == best_key:
            ties += 1
            order = [-k for k, _ in combo]
            if order < best_order:
                best_order, best_groups = order, groups
    if best_key is None:
        return [(t, ls) for t, ls, *_ in flat][:need], 99, False
    cells = []
    for a, b in best_groups:
        text = "".join(flat[k][0] for k in range(a, b + 1))
        lines = sorted({n for k in range(a, b + 1) for n in flat[k][1]})
        cells.append((text, lines))
    return cells, best_key[0], ties == 1


def tag_snippet(ctx: Context, entries: list[dict]) -> str:
    """The tag lines' cells, for messages (``【実施】 【改善】 / 【運用開始】``)."""
    return " / ".join(" ".join(c[0] for c in e["cells"]) for e in entries)
