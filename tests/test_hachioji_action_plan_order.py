"""Hachioji action plan: the same cards from another reading order of the card pages (issue 9.3, 9.4).

The seed's card pages are rewritten by code (``tests/hap_layouts.py``): each card's header, labels
and values together, top card first (``natural``) or bottom card first (``swapped``), and the
natural order drawn as a PDF with the cards of a page stacked in bands (``stacked_pdf``). Every
dataset must equal the seed text's, compared like the golden fixtures (every field of every row,
keyed by primary key) once provenance (lines, pages), document ids and whitespace are set aside.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from planparse.golden import diff_fixture, fixture_data
from planparse.pipeline import FileResult, extract_file
from tests.agreement import agreement, differences
from tests.conftest import RAW, extracted
from tests.hap_layouts import ORDERS, card_pages, reorder, stacked_pdf
from tests.replicas import LAYOUTS, font_path, replica_pdf

NAME = "hachioji_dx_action_plan_2025.txt"
# tables that describe the file or the run (hash, size, warnings with line numbers), not the plan
FILE_TABLES = {"documents", "extraction_issues"}
PROVENANCE = ("source_line", "source_page", "line")

try:
    font_path()
    HAVE_FONT = True
except FileNotFoundError:  # pragma: no cover - CI installs the font
    HAVE_FONT = False
needs_font = pytest.mark.skipif(not HAVE_FONT, reason="no Japanese TrueType font (fonts-ipaexfont-gothic)")


def seed_text() -> str:
    return (RAW / NAME).read_text(encoding="utf-8")


def content(result: FileResult) -> dict[str, list[dict[str, Any]]]:
    """The golden-fixture rows of ``result`` without provenance, with the document id replaced by
    ``DOC`` and all whitespace removed from strings."""
    doc_id = result.document.document_id

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return "".join(value.replace(doc_id, "DOC").split())
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return {table: [{k: clean(v) for k, v in row.items() if not k.startswith(PROVENANCE)} for row in rows]
            for table, rows in fixture_data(result).items() if table not in FILE_TABLES}


@cache
def reordered(order: str, tmp: str) -> FileResult:
    path = Path(tmp) / f"hachioji_action_plan.{order}.txt"
    path.write_text(reorder(seed_text(), order), encoding="utf-8")
    return extract_file(path)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("hap_orders"))


def test_card_pages_cover_every_card_once() -> None:
    pages = card_pages(seed_text())
    assert len(pages) == 75  # notes §2: 75 card pages
    assert sum(len(p.cards) for p in pages) == 170
    lines = seed_text().split("\n")
    first = pages[0]
    assert lines[first.start - 1].endswith("管理番号 1-1-1")
    # 1-1-1's name line (809) stands after 1-1-2's KPI block in the seed; it is 1-1-1's line
    assert 809 in first.cards[0] and 811 in first.cards[1]


@pytest.mark.parametrize("order", ORDERS)
def test_reordered_card_pages_give_the_same_dataset(order: str, tmp: str) -> None:
    text, other = extracted(NAME), reordered(order, tmp)
    assert other.document.format == "hachioji_action_plan"
    assert not [i for i in other.issues if i.severity == "error"]
    diff = diff_fixture(content(text), content(other))
    assert not diff, f"{order}:\n" + "\n".join(diff)
    assert len(other.rows.initiatives) == 170 and len(other.rows.kpi_values) == len(text.rows.kpi_values)


def test_natural_order_really_puts_each_cards_values_under_its_header(tmp: str) -> None:
    """In the natural order 1-1-1's values (its 全庁的なオンライン申請化 事業内容) stand between the
    1-1-1 and 1-1-2 headers, and the parser reads them there (no page of two headers)."""
    lines = reorder(seed_text(), "natural").split("\n")
    h1 = next(i for i, s in enumerate(lines) if s.endswith("管理番号 1-1-1"))
    h2 = next(i for i, s in enumerate(lines) if s.endswith("管理番号 1-1-2"))
    summary = next(i for i, s in enumerate(lines) if s == "全庁的なオンライン申請化のサポートを行う")
    assert h1 < summary < h2
    result = reordered("natural", tmp)
    row = next(i for i in result.rows.initiatives if i.code == "1-1-1")
    assert row.summary == "全庁的なオンライン申請化のサポートを行う"
    assert h1 < row.source_line_end < h2 + 1


@cache
def stacked_result(tmp: str, side_by_side: bool = False) -> FileResult:
    path = Path(tmp) / f"hachioji_action_plan.{'side_by_side' if side_by_side else 'stacked'}.pdf"
    path.write_bytes(stacked_pdf(seed_text(), side_by_side=side_by_side))
    return extract_file(path)


@needs_font
@pytest.mark.parametrize("side_by_side", [False, True], ids=["stacked", "side_by_side"])
def test_stacked_cards_pdf_gives_the_texts_dataset(side_by_side: bool, tmp: str) -> None:
    """Two cards stacked on a page (top half, bottom half), each with its header, labels and values,
    or side by side (left column, right column): the PDF's records equal the text's (agreement 1.0
    on every table, and every field)."""
    text, pdf = extracted(NAME), stacked_result(tmp, side_by_side)
    assert pdf.document.source_kind == "pdf" and pdf.document.page_count > 75
    assert not [i for i in pdf.issues if i.severity == "error"]
    scores = agreement(text, pdf)
    assert all(v == 1.0 for v in scores.values()), f"{scores}\n" + "\n".join(differences(text, pdf))
    diff = diff_fixture(content(text), content(pdf))
    assert not diff, "\n".join(diff)


@needs_font
def test_stacked_pdf_pages_hold_one_seed_page_each(tmp: str) -> None:
    """1-1-1 and 1-1-2 share a PDF page, 1-1-1 above 1-1-2 with its values in between."""
    result = stacked_result(tmp)
    rows = {i.code: i for i in result.rows.initiatives}
    assert rows["1-1-1"].source_page == rows["1-1-2"].source_page
    assert rows["1-1-1"].source_line_end < rows["1-1-2"].source_line_start


@needs_font
@pytest.mark.parametrize("layout", [layout for layout in LAYOUTS if layout != "a3_tables"])
def test_lead_replicas_give_the_same_fields(layout: str, tmp: str) -> None:
    """The shared replicas (flow, two columns; ``tests/test_replicas.py`` checks their keys) also agree
    field by field."""
    path = Path(tmp) / f"hachioji_action_plan.{layout}.pdf"
    path.write_bytes(replica_pdf(seed_text(), layout))
    text, pdf = extracted(NAME), extract_file(path)
    diff = diff_fixture(content(text), content(pdf))
    assert not diff, f"{layout}:\n" + "\n".join(diff)
