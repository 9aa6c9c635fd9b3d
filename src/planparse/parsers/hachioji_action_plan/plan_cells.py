"""The 取組内容 row: tag lines → one plan cell per fiscal-year column (notes §3.1, §5.4, §5.5)."""

from __future__ import annotations

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
    penalties = {k: penalty for k, penalty in points}  # merge point → its penalty
    last = len(flat) - 1
    costs: dict[tuple[int, int], int] = {}  # (first, last) cell of a group → its penalty, once worked out
    cell_tags = [TAG.findall(text) for text, *_ in flat]
    # a cell whose last bracket is an opening one: a tag may run on into the next cell's text
    opens = [text.rfind("【") > text.rfind("】") for text, *_ in flat]

    def cost(a: int, b: int) -> int:
        """A group's penalty: its merge points', plus one when a tag is written twice in it."""
        if (a, b) not in costs:
            if any(opens[a:b]):
                tags = TAG.findall("".join(flat[k][0] for k in range(a, b + 1)))
            else:  # no tag runs across its cells: its tags are theirs
                tags = [tag for k in range(a, b + 1) for tag in cell_tags[k]]
            costs[a, b] = sum(penalties[k] for k in range(a, b)) + (len(tags) != len(set(tags)))
        return costs[a, b]

    # The ways of merging: the cells cut into ``need`` groups, each joined only at merge points. The
    # best has the least penalty, then the smallest largest group; of the ways as good as the best
    # (``ties``), the one whose merge points, read in line order, are the latest. A group's penalty
    # and size only grow with it, so a way is given up as soon as its groups so far are worse than
    # the best (it cannot become as good).
    best: list = [None, [], []]  # (penalty, largest group), its merge points negated, its groups
    ties = 0

    def search(a: int, groups_left: int, penalty: int, size: int, groups: list[tuple[int, int]]) -> None:
        nonlocal ties
        for b in range(a, last + 1 if groups_left == 1 else last - groups_left + 2):
            if b > a and b - 1 not in penalties:
                break  # the group cannot go on past a cut that is not a merge point
            if groups_left == 1 and b < last:
                continue  # the last group runs to the last cell
            key = (penalty + cost(a, b), max(size, b - a + 1))
            if best[0] is not None and key > best[0]:
                continue
            if groups_left > 1:
                search(b + 1, groups_left - 1, key[0], key[1], [*groups, (a, b)])
                continue
            found = [*groups, (a, b)]
            order = [-k for g0, g1 in found for k in range(g0, g1)]
            if best[0] is None or key < best[0]:
                best[:], ties = [key, order, found], 1
            else:  # as good as the best
                ties += 1
                if order < best[1]:
                    best[1:] = [order, found]

    search(0, need, 0, 0, [])
    if best[0] is None:
        return [(t, ls) for t, ls, *_ in flat][:need], 99, False
    best_key, best_groups = best[0], best[2]
    cells = []
    for a, b in best_groups:
        text = "".join(flat[k][0] for k in range(a, b + 1))
        lines = sorted({n for k in range(a, b + 1) for n in flat[k][1]})
        cells.append((text, lines))
    return cells, best_key[0], ties == 1


def tag_snippet(ctx: Context, entries: list[dict]) -> str:
    """The tag lines' cells, for messages (``【実施】 【改善】 / 【運用開始】``)."""
    return " / ".join(" ".join(c[0] for c in e["cells"]) for e in entries)
