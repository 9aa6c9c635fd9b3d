"""Layouts pdfminer's defaults do not read: loose line spacing, tables ruled with inner lines only.

``layout.fitted_line_margin``: pdfminer's ``line_margin`` (0.5 of a line's height) puts each line of
a box set at 1.5 lines or more in a box of its own; the fitted margin follows the document's own
line pitch instead, and leaves a tightly set document, or one whose gaps do not tell boxes apart,
to pdfminer's rule. ``pdf_tables.closing_borders``: a grid of inner rules gets its outer border,
so that pdfplumber's table finder sees its first and last rows and columns as cells.
"""

from __future__ import annotations

from planparse.ingest.layout import DEFAULT_SETTINGS, LayoutSettings, Line, fitted_line_margin, group_boxes
from planparse.ingest.pdf_tables import closing_borders

SIZE = 10.0  # points: every line's height


def page_of_blocks(blocks: list[int], leading: float, box_gap: float, *, x0: float = 50.0) -> list[Line]:
    """Lines of ``len(blocks)`` boxes (``blocks[k]`` lines each) from the top of a page down: a box's
    lines ``leading`` × the size apart (baseline to baseline), ``box_gap`` × the size more between
    boxes."""
    lines, top = [], 800.0
    for k, count in enumerate(blocks):
        for i in range(count):
            lines.append(Line(f"block {k} line {i}", x0, top - SIZE, x0 + 300.0, top))
            top -= leading * SIZE
        top -= box_gap * SIZE
    return lines


def box_sizes(lines: list[Line], margin: float) -> list[int]:
    settings = LayoutSettings(line_margin=margin)
    return [len(box.lines) for box in group_boxes(lines, settings)]


BLOCKS = [3, 1, 4, 2, 5, 1, 3, 2, 4, 3]  # 28 lines, 10 boxes


def test_a_tightly_set_document_keeps_pdfminers_margin() -> None:
    pages = [page_of_blocks(BLOCKS, 1.2, 1.0)] * 2
    assert fitted_line_margin(pages) == DEFAULT_SETTINGS.line_margin
    assert box_sizes(pages[0], DEFAULT_SETTINGS.line_margin) == BLOCKS


def test_loose_line_spacing_gets_a_margin_that_finds_the_boxes_again() -> None:
    for leading in (1.5, 1.6, 1.8, 2.0):
        pages = [page_of_blocks(BLOCKS, leading, 1.0)] * 2
        margin = fitted_line_margin(pages)
        pitch = leading - 1.0  # the gap between a box's lines, in line heights
        assert pitch < margin <= pitch + 0.25, (leading, margin)
        assert box_sizes(pages[0], margin) == BLOCKS, leading
        if pitch > DEFAULT_SETTINGS.line_margin:  # pdfminer's margin: every line a box of its own
            assert box_sizes(pages[0], DEFAULT_SETTINGS.line_margin) == [1] * sum(BLOCKS)


def test_the_margin_stays_below_halfway_to_the_gaps_between_boxes() -> None:
    pages = [page_of_blocks(BLOCKS, 1.6, 0.4)] * 3  # boxes 0.6 + 0.4 = 1.0 line apart, lines 0.6
    assert fitted_line_margin(pages) == DEFAULT_SETTINGS.line_margin  # too close to tell: pdfminer's rule
    pages = [page_of_blocks(BLOCKS, 1.6, 0.55)] * 3  # boxes 1.15 apart
    margin = fitted_line_margin(pages)
    assert 0.6 < margin <= (0.6 + 1.15) / 2
    assert box_sizes(pages[0], margin) == BLOCKS


def test_evenly_spaced_one_line_boxes_are_left_apart() -> None:
    lines = page_of_blocks([1] * 40, 1.0, 0.8)  # a list: every gap the same, no line pitch inside boxes
    assert fitted_line_margin([lines]) == DEFAULT_SETTINGS.line_margin
    assert box_sizes(lines, fitted_line_margin([lines])) == [1] * 40


def test_too_few_lines_keep_the_default_and_settings_are_honoured() -> None:
    few = page_of_blocks([3, 2], 1.8, 1.0)
    assert fitted_line_margin([few]) == DEFAULT_SETTINGS.line_margin
    assert fitted_line_margin([], LayoutSettings(line_margin=0.7)) == 0.7
    loose = [page_of_blocks(BLOCKS, 1.6, 1.0)] * 2
    assert fitted_line_margin(loose, LayoutSettings(line_margin=0.9)) == 0.9  # already wide enough


def test_lines_side_by_side_are_not_taken_for_a_pitch() -> None:
    left = page_of_blocks(BLOCKS, 1.2, 1.0, x0=40.0)
    right = page_of_blocks(BLOCKS, 1.2, 1.0, x0=400.0)  # a second column, level with the first
    assert fitted_line_margin([left + right]) == DEFAULT_SETTINGS.line_margin
    loose = page_of_blocks(BLOCKS, 1.7, 1.0, x0=40.0) + page_of_blocks(BLOCKS, 1.7, 1.0, x0=400.0)
    margin = fitted_line_margin([loose])
    assert box_sizes(loose, margin) == BLOCKS + BLOCKS


# ------------------------------------------------------------------------------------------
# pdf_tables.closing_borders: a table ruled with its inner lines only
# ------------------------------------------------------------------------------------------


def h_rule(x0: float, x1: float, y: float) -> dict:
    return {"object_type": "line", "orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y}


def v_rule(x: float, top: float, bottom: float) -> dict:
    return {"object_type": "line", "orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom}


def grid(xs: list[float], ys: list[float], *, frame: bool) -> list[dict]:
    """The rules of a table with column borders ``xs`` and row borders ``ys`` (top-down); without
    ``frame``, only the inner ones."""
    inner_x, inner_y = (xs, ys) if frame else (xs[1:-1], ys[1:-1])
    return ([h_rule(xs[0], xs[-1], y) for y in inner_y] + [v_rule(x, ys[0], ys[-1]) for x in inner_x])


XS, YS = [100.0, 180.0, 300.0, 420.0], [200.0, 220.0, 250.0, 290.0, 330.0]


def test_a_grid_of_inner_lines_gets_its_four_borders() -> None:
    vertical, horizontal = closing_borders(grid(XS, YS, frame=False))
    # inner lines run across the whole table (as reportlab's INNERGRID draws them): their ends are the frame
    assert sorted((e["x0"], e["top"], e["bottom"]) for e in vertical) == [(100.0, 200.0, 330.0), (420.0, 200.0, 330.0)]
    assert sorted((e["top"], e["x0"], e["x1"]) for e in horizontal) == [(200.0, 100.0, 420.0), (330.0, 100.0, 420.0)]
    assert all(e["object_type"] == "line" for e in vertical + horizontal)


def test_a_fully_ruled_table_a_lone_rule_and_a_cross_get_nothing() -> None:
    assert closing_borders(grid(XS, YS, frame=True)) == ([], [])
    assert closing_borders([h_rule(40.0, 560.0, 60.0)]) == ([], [])  # a running header's rule
    assert closing_borders([h_rule(100.0, 300.0, 200.0), v_rule(200.0, 100.0, 300.0)]) == ([], [])
    assert closing_borders([h_rule(100.0, 101.0, 200.0)] * 5 + [v_rule(100.5, 199.0, 201.0)]) == ([], [])  # specks


def test_only_the_missing_side_is_added() -> None:
    rules = [e for e in grid(XS, YS, frame=True) if not (e["orientation"] == "v" and e["x0"] == XS[0])]
    vertical, horizontal = closing_borders(rules)
    assert [(e["x0"], e["top"], e["bottom"]) for e in vertical] == [(XS[0], YS[0], YS[-1])]
    assert horizontal == []
