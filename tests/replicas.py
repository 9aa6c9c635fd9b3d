"""Replica PDFs of the seed documents, built by code (no binary fixture is committed).

A seed text is what pdfminer's layout analysis gave for the original PDF: text boxes separated by
one empty line, pages joined. A replica draws that text back into a PDF so that the PDF path of
``ingest`` can be checked against the text path, record by record:

* every block of the text (a run of non-empty lines; a whitespace-only line is a block of its own)
  becomes one text box: its lines drawn at one font size, one leading apart, with a gap of one
  line between boxes, so that layout analysis groups exactly those lines;
* a run of tab-separated lines (the Markdown formats' tables) becomes one ruled table (reportlab
  ``Table``, cells wrapping inside their column, the header row repeated when the table continues
  on the next page); HTML inside a cell (``<p>``, ``<li>``, ``<br>``) becomes line breaks, other
  tags are dropped;
* the text is drawn with an embedded TrueType Japanese font (IPAex Gothic), so every character
  comes back through the font's ToUnicode map.

Layouts (``LAYOUTS``): ``flow`` (A4 portrait, one column, blocks top-down, pages filled as they
come), ``two_column`` (A4 portrait, two columns of blocks: left column first), ``a3_tables``
(A3 landscape, one column; meant for the table formats: wide ruled tables that wrap and continue
across pages). A format may add its own layouts in its own test module (e.g. the action plan's
two cards stacked on a page).

Output: PDF bytes. Raises ``FileNotFoundError`` when no Japanese TrueType font is installed
(Debian: ``fonts-ipaexfont-gothic``; ``.ci/run`` installs it).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_NAME = "IPAexGothic"
FALLBACK_NAME = "DejaVuSans"  # for the few glyphs IPAex Gothic lacks (➀ U+2780, ₂ U+2082)
FALLBACK_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
LAYOUTS = ("flow", "two_column", "a3_tables")

_MAX_SIZE = 9.0  # pt: body text size when a line fits
_MIN_SIZE = 0.5  # pt: the smallest size a long line is shrunk to (so it never overflows its column)
_LEADING = 1.25  # line pitch as a multiple of the font size
_TAG = re.compile(r"<[^>]*>")
_BREAK_TAG = re.compile(r"<\s*(?:br\s*/?|/p|/li|li(?:\s[^>]*)?)\s*>", re.IGNORECASE)


def font_path() -> Path:
    """The installed IPAex Gothic TTF. Raises FileNotFoundError when none is installed."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FileNotFoundError("no Japanese TrueType font: install fonts-ipaexfont-gothic")


@cache
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path())))
    fallback = next((p for p in FALLBACK_CANDIDATES if Path(p).is_file()), None)
    if fallback:
        pdfmetrics.registerFont(TTFont(FALLBACK_NAME, fallback))
    return FONT_NAME


@cache
def _coverage(name: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    try:
        return frozenset(pdfmetrics.getFont(name).face.charToGlyph)
    except KeyError:
        return frozenset()


def _alias_glyph(ch: str) -> None:
    """Give a character no font has (the DX plan's private-use bullets U+F09F …) the glyph of ・ in
    IPAex Gothic, so that it is drawn and its code comes back through ToUnicode, as it does from
    the original PDF's symbol font."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(FONT_NAME).face
    face.charToGlyph[ord(ch)] = face.charToGlyph[ord("・")]
    face.charWidths[ord(ch)] = face.charWidths.get(ord("・"), 1000)
    _coverage.cache_clear()


def _runs(line: str) -> list[tuple[str, str]]:
    """``line`` cut into (font name, text) runs: IPAex Gothic, or the fallback font for a
    character IPAex lacks and the fallback has (else IPAex: the glyph is lost, as in real PDFs)."""
    main, fallback = _coverage(FONT_NAME), _coverage(FALLBACK_NAME)
    runs: list[tuple[str, str]] = []
    for ch in line:
        if ord(ch) not in main and ord(ch) not in fallback:
            _alias_glyph(ch)
            main = _coverage(FONT_NAME)
        font = FALLBACK_NAME if ord(ch) not in main and ord(ch) in fallback else FONT_NAME
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


# ------------------------------------------------------------------------------------------
# Seed text → pieces
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A text box of the seed: its lines (never empty)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class TableRun:
    """A run of tab-separated lines: rows of cells as in the seed."""

    rows: tuple[tuple[str, ...], ...]


def pieces(text: str) -> list[Block | TableRun]:
    """Split a seed text into blocks (runs of non-empty lines) and table runs (runs of lines that
    contain a tab). A whitespace-only line is a block of its own (pdfminer emits such boxes)."""
    out: list[Block | TableRun] = []
    block: list[str] = []
    rows: list[tuple[str, ...]] = []

    def close() -> None:
        if block:
            out.append(Block(tuple(block)))
            block.clear()
        if rows:
            out.append(TableRun(tuple(rows)))
            rows.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        if "\t" in line:
            if block:
                close()
            rows.append(tuple(line.split("\t")))
            continue
        if rows:
            close()
        if not line:
            close()
        elif not line.strip():
            close()
            out.append(Block((line,)))
        else:
            block.append(line)
    close()
    return out


def cell_lines(cell: str) -> list[str]:
    """A Markdown cell as the lines a reader sees in the PDF: ``<p>``/``<li>``/``<br>`` end a
    line, other tags are dropped, entities unescaped, blank lines removed."""
    text = _BREAK_TAG.sub("\n", cell)
    text = html.unescape(_TAG.sub("", text))
    return [part.strip() for part in text.split("\n") if part.strip()]


# ------------------------------------------------------------------------------------------
# Flowables
# ------------------------------------------------------------------------------------------


def _block_flowable(block: Block, width: float, frame_height: float):
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    font = _register_font()
    widest = max(stringWidth(line, font, 1.0) for line in block.lines) or 1.0
    size = max(_MIN_SIZE, min(_MAX_SIZE, (width - 2) / widest))

    class TextBox(Flowable):
        """Lines of one block, drawn at one size; splits between lines at a frame's end."""

        def __init__(self, lines: Sequence[str]) -> None:
            super().__init__()
            self.lines = list(lines)

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            self.height = len(self.lines) * size * _LEADING
            return width, self.height

        def split(self, avail_width: float, avail_height: float) -> list:
            if len(self.lines) * size * _LEADING <= frame_height:
                return []  # a box that fits on a page moves to the next page whole
            fit = int(avail_height // (size * _LEADING))
            if fit <= 0 or fit >= len(self.lines):
                return []
            return [TextBox(self.lines[:fit]), TextBox(self.lines[fit:])]

        def draw(self) -> None:
            canvas = self.canv
            y = self.height - size
            for line in self.lines:
                text = canvas.beginText(0, y)
                for run_font, run in _runs(line):
                    text.setFont(run_font, size)
                    text.textOut(run)
                canvas.drawText(text)
                y -= size * _LEADING

    return TextBox(block.lines), size


def _table_flowable(run: TableRun, width: float):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    font = _register_font()
    n_cols = max(len(row) for row in run.rows)
    font_size = max(3.0, min(6.0, width / n_cols / 5))  # narrow pages get smaller cells
    padding = min(3.0, font_size / 2)
    style = ParagraphStyle("cell", fontName=font, fontSize=font_size, leading=font_size * 1.2, wordWrap="CJK")
    # Column widths by the share of text each column holds (at least a minimum width).
    weight = [0.0] * n_cols
    for row in run.rows:
        for i, cell in enumerate(row):
            weight[i] += min(len(cell), 400)
    floor = width / n_cols * 0.35
    total = sum(weight) or 1.0
    widths = [floor + (width - floor * n_cols) * w / total for w in weight]
    data = []
    for row in run.rows:
        cells = list(row) + [""] * (n_cols - len(row))
        data.append([Paragraph("<br/>".join(html.escape(part) for part in cell_lines(c)), style)
                     if cell_lines(c) else "" for c in cells])
    table = Table(data, colWidths=widths, repeatRows=1, splitByRow=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), padding),
                               ("RIGHTPADDING", (0, 0), (-1, -1), padding)]))
    return table


# ------------------------------------------------------------------------------------------
# Documents
# ------------------------------------------------------------------------------------------


def replica_pdf(text: str, layout: str = "flow") -> bytes:
    """Draw ``text`` (a seed) as a PDF in ``layout`` (one of ``LAYOUTS``) and return its bytes.

    Raises ValueError for an unknown layout, FileNotFoundError without a Japanese TTF.
    """
    from reportlab.lib.pagesizes import A3, A4, landscape
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: one of {LAYOUTS}")
    page = landscape(A3) if layout == "a3_tables" else A4
    margin = 28.0
    columns = 2 if layout == "two_column" else 1
    gutter = 24.0
    col_width = (page[0] - 2 * margin - gutter * (columns - 1)) / columns
    frames = [Frame(margin + i * (col_width + gutter), margin, col_width, page[1] - 2 * margin,
                    leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=f"col{i}")
              for i in range(columns)]
    full = Frame(margin, margin, page[0] - 2 * margin, page[1] - 2 * margin,
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="full")
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                          bottomMargin=margin,
                          pageTemplates=[PageTemplate("text", frames=frames), PageTemplate("tables", frames=[full])])
    doc.build(list(_story(text, col_width, page[1] - 2 * margin, tables_apart=columns > 1,
                          table_width=page[0] - 2 * margin)))
    return buf.getvalue()


def _story(text: str, width: float, frame_height: float, *, tables_apart: bool, table_width: float) -> Iterator:
    """Flowables of ``text``: text boxes in the columns; with ``tables_apart`` (two columns) every
    run of tables stands on pages of its own, full width, as wide tables do in real documents."""
    from reportlab.platypus import NextPageTemplate, PageBreak, Spacer

    in_tables = False
    for piece in pieces(text):
        if isinstance(piece, TableRun):
            if tables_apart and not in_tables:
                yield NextPageTemplate("tables")
                yield PageBreak()
                in_tables = True
            yield Spacer(1, 8)
            yield _table_flowable(piece, table_width if tables_apart else width)
            yield Spacer(1, 8)
            continue
        if in_tables:
            yield NextPageTemplate("text")
            yield PageBreak()
            in_tables = False
        flowable, size = _block_flowable(piece, width, frame_height)
        yield flowable
        yield Spacer(1, size * _LEADING * 1.2)  # a gap larger than pdfminer's line_margin: a new box
