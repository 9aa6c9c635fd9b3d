"""A replica variant of the table formats' seeds, drawn unlike ``tests/replicas.py``'s layouts.

So that the table parsers are not tuned to one drawing of their tables: A4 landscape, every
column of a table the same width (narrow columns that wrap names, numbers and labels at other
places), header rows never repeated on the next page, smaller cells, Markdown rendered the way a
reader shows it (``#`` heading marks and ``**`` dropped from text boxes) and HTML list items
drawn on lines of their own with a bullet (``• ``). Text boxes are drawn as ``tests/replicas.py``
draws them (one box per block of the seed).

Output: PDF bytes. Raises FileNotFoundError without a Japanese TrueType font.
"""

from __future__ import annotations

import html
import io
import re

from tests.replicas import Block, TableRun, _block_flowable, _register_font, pieces

__all__ = ["variant_pdf"]

_HEADING = re.compile(r"^\s*#{1,6}\s*")
_BOLD = re.compile(r"\*\*")
_LI = re.compile(r"<\s*li(?:\s[^>]*)?>", re.IGNORECASE)
_BREAK = re.compile(r"<\s*(?:br\s*/?|/p|/li)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def _cell_lines(cell: str) -> list[str]:
    """A Markdown cell as a reader renders it: ``<li>`` opens a bulleted line, ``<br>``/``</p>``
    end a line, other tags vanish."""
    text = _LI.sub("\n• ", cell)
    text = _BREAK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    return [part.strip() for part in text.split("\n") if part.strip() and part.strip() != "•"]


def _table(run: TableRun, width: float):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    font = _register_font()
    n_cols = max(len(row) for row in run.rows)
    style = ParagraphStyle("variant", fontName=font, fontSize=5.0, leading=6.0, wordWrap="CJK")
    data = []
    for row in run.rows:
        cells = list(row) + [""] * (n_cols - len(row))
        data.append([Paragraph("<br/>".join(html.escape(p) for p in _cell_lines(c)), style) if _cell_lines(c)
                     else "" for c in cells])
    table = Table(data, colWidths=[width / n_cols] * n_cols, repeatRows=0, splitByRow=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 2.5)]))
    return table


def variant_pdf(text: str) -> bytes:
    """Draw the seed ``text`` as described in the module docstring; return the PDF's bytes."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Spacer

    page = landscape(A4)
    margin = 36.0
    width, height = page[0] - 2 * margin, page[1] - 2 * margin
    story = []
    for piece in pieces(text):
        if isinstance(piece, TableRun):
            story += [Spacer(1, 10), _table(piece, width), Spacer(1, 10)]
            continue
        lines = tuple(_BOLD.sub("", _HEADING.sub("", line)) or line for line in piece.lines)
        flowable, size = _block_flowable(Block(lines), width, height)
        story += [flowable, Spacer(1, size * 1.6)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                      bottomMargin=margin).build(story)
    return buf.getvalue()
