"""Other reading orders of the Hachioji action plan's card pages, built by code from the seed text.

The seed gives a card page as pdfminer read the original PDF: all card headers (with their label
blocks) first, then the value blocks, the bottom card's first (../shared/notes/hachioji_action_plan.md
§4). A PDF laid out differently gives another order. These helpers rebuild the seed in two such
orders and draw one of them as a PDF:

* ``natural``: per page, each card's header, labels and values together, top card first (a PDF
  where each card is drawn in its own part of the page);
* ``swapped``: the same, bottom card first;
* ``stacked_pdf``: ``natural`` drawn on A4 pages, one seed page per PDF page, each card in its own
  horizontal band (two cards: top half and bottom half), the rest of the document as a flow of boxes;
  ``side_by_side=True``: the cards of a page in columns (left column first).

Which lines belong to which card is taken from **the parser's own provenance on the seed text**
(``HachiojiCard.source_lines``: the lines each card was read from) and its page grouping
(``regions.find_regions``). Lines of a page that no card used (page numbers, the lone ``備考`` of
基本方針2 pages) go with the card of the line before them. So these orders test that the parser
reads the same cards from another order; they do not re-derive the seed's pairing independently.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from planparse.ingest import load_bytes
from planparse.parsers.hachioji_action_plan import HachiojiActionPlanParser
from planparse.parsers.hachioji_action_plan.model import Context
from planparse.parsers.hachioji_action_plan.regions import find_regions

ORDERS = ("natural", "swapped")


@dataclass(frozen=True)
class CardPage:
    """One seed page of cards: each card's lines (1-based numbers of the seed), header order."""

    cards: tuple[tuple[int, ...], ...]
    start: int  # first line of the page (its first header)
    end: int  # first line after the page


@cache
def card_pages(text: str) -> tuple[CardPage, ...]:
    """The card pages of ``text`` with the lines of each card (see the module docstring)."""
    lines = text.split("\n")
    doc = load_bytes(text.encode("utf-8"), path="seed.txt")
    result = HachiojiActionPlanParser().parse(doc)
    owner: dict[int, str] = {}
    for card in result.record.cards:
        for n in card.source_lines:
            owner[n] = card.code
    regions = find_regions(Context(doc.lines))
    pages = []
    for headers, spans in zip(regions.pages, regions.value_spans, strict=True):
        start = headers[0].line
        end = max([e for _, e in spans] or [max(headers[-1].label_lines or [headers[-1].line]) + 1])
        codes = [h.code for h in headers]
        members: dict[str, list[int]] = {c: [] for c in codes}
        current = codes[0]
        for n in range(start, end):
            if not lines[n - 1].strip():
                continue
            current = owner.get(n, current)
            if current in members:
                members[current].append(n)
        pages.append(CardPage(cards=tuple(tuple(members[c]) for c in codes), start=start, end=end))
    return tuple(pages)


def _card_text(lines: list[str], numbers: tuple[int, ...]) -> list[str]:
    """A card's lines in seed order; a blank line wherever the seed had one or lines were left out."""
    out: list[str] = []
    prev = None
    for n in numbers:
        if prev is not None and (n != prev + 1):
            out.append("")
        out.append(lines[n - 1])
        prev = n
    return out


def reorder(text: str, order: str) -> str:
    """``text`` with every card page rewritten in ``order`` (one of ``ORDERS``)."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}: one of {ORDERS}")
    lines = text.split("\n")
    out: list[str] = []
    pos = 1
    for page in card_pages(text):
        out.extend(lines[pos - 1: page.start - 1])
        cards = page.cards if order == "natural" else tuple(reversed(page.cards))
        for card in cards:
            out.extend(_card_text(lines, card))
            out.append("")
        pos = page.end
    out.extend(lines[pos - 1:])
    return "\n".join(out)


# ------------------------------------------------------------------------------------------
# Two cards stacked on a page (PDF)
# ------------------------------------------------------------------------------------------

_MAX_SIZE = 9.0
_LEADING = 1.25
_GAP = 1.5  # blank between boxes, in lines of the larger neighbour: more than pdfminer's line_margin


def _boxes(block: list[str]) -> list[list[str]]:
    boxes: list[list[str]] = [[]]
    for line in block:
        if line.strip():
            boxes[-1].append(line)
        elif boxes[-1]:
            boxes.append([])
    return [b for b in boxes if b]


def stacked_pdf(text: str, *, side_by_side: bool = False) -> bytes:
    """Draw ``text`` (the action plan seed) as A4 pages: each card page of the seed on a page of its
    own with its cards in horizontal bands, top card on top (each card's header, labels and values
    together, boxes top-down, text shrunk to fit its band); with ``side_by_side`` the cards stand in
    columns instead, first card on the left (read left column, then right column). Everything else
    flows as boxes top-down over as many pages as needed. Fonts as ``tests/replicas.py`` (IPAex
    Gothic embedded). Raises FileNotFoundError without a Japanese TTF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    from tests.replicas import _register_font, _runs

    font = _register_font()
    width, height = A4
    margin = 28.0
    gutter = 24.0
    usable = width - 2 * margin
    state = {"left": margin, "usable": usable}
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    lines = text.split("\n")

    def fit(box: list[str]) -> float:
        widest = max(stringWidth(line, font, 1.0) for line in box) or 1.0
        return min(_MAX_SIZE, (state["usable"] - 2) / widest)

    def draw_box(box: list[str], y_top: float, size: float) -> float:
        y = y_top - size
        for line in box:
            t = canvas.beginText(state["left"], y)
            for run_font, run in _runs(line):
                t.setFont(run_font, size)
                t.textOut(run)
            canvas.drawText(t)
            y -= size * _LEADING
        return y_top - len(box) * size * _LEADING

    def draw_band(boxes: list[list[str]], top: float, bottom: float) -> None:
        """Boxes top-down between ``top`` and ``bottom`` at one size that fits them all."""
        units = sum(len(b) * _LEADING for b in boxes) + _GAP * _LEADING * max(len(boxes) - 1, 0)
        size = min(_MAX_SIZE, (top - bottom) / units) if units else _MAX_SIZE
        y = top
        for box in boxes:
            y = draw_box(box, y, min(size, fit(box)))
            y -= _GAP * _LEADING * size

    def flow(block: list[str]) -> None:
        y = height - margin
        for box in _boxes(block):
            size = fit(box)
            need = len(box) * size * _LEADING
            if y - need < margin:
                canvas.showPage()
                y = height - margin
            y = draw_box(box, y, size) - _GAP * _LEADING * _MAX_SIZE
        canvas.showPage()

    pos = 1
    for page in card_pages(text):
        if page.start > pos:
            flow(lines[pos - 1: page.start - 1])
        n = len(page.cards)
        band = (height - 2 * margin) / n
        column = (usable - gutter * (n - 1)) / n
        for i, card in enumerate(page.cards):
            boxes = _boxes(_card_text(lines, card))
            if side_by_side:
                state.update(left=margin + i * (column + gutter), usable=column)
                draw_band(boxes, height - margin, margin)
            else:
                top = height - margin - i * band
                draw_band(boxes, top, top - band + 2 * _MAX_SIZE)
        state.update(left=margin, usable=usable)
        canvas.showPage()
        pos = page.end
    if pos <= len(lines):
        flow(lines[pos - 1:])
    canvas.save()
    return buf.getvalue()
