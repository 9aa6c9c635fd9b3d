"""Build small PDFs for the ingest tests (text with Japanese CID fonts, ruled tables, images,
encryption), so no binary fixture has to be committed. Uses reportlab, pypdf and pillow."""

from __future__ import annotations

import io
from collections.abc import Sequence

_FONT = "HeiseiKakuGo-W5"  # a CID font every PDF reader knows; no font file needed


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))


def text_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF with one page per item of ``pages``, each line of text drawn top-down."""
    from reportlab.pdfgen import canvas

    _register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for lines in pages:
        c.setFont(_FONT, 10)
        y = 800
        for line in lines:
            c.drawString(40, y, line)
            y -= 14
        c.showPage()
    c.save()
    return buf.getvalue()


def table_pdf(rows: Sequence[Sequence[str]], *, title: str | None = None, col_widths: Sequence[float] | None = None
              ) -> bytes:
    """A landscape PDF holding ``rows`` as one ruled table (wrapping long cells), under ``title``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    style = ParagraphStyle("cell", fontName=_FONT, fontSize=6, leading=7, wordWrap="CJK")
    story = []
    if title:
        story += [Paragraph(title, ParagraphStyle("title", fontName=_FONT, fontSize=12)), Spacer(1, 8)]
    data = [[Paragraph(cell, style) if cell else "" for cell in row] for row in rows]
    table = Table(data, colWidths=col_widths, repeatRows=0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=landscape(A3), leftMargin=20, rightMargin=20).build(story)
    return buf.getvalue()


def image_only_pdf() -> bytes:
    """A one-page PDF holding only a raster image (what a scanner produces): no text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (200, 100), color=255)
    for x in range(20, 180):
        img.putpixel((x, 50), 0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(img), 50, 600, width=400, height=200)
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(password: str = "secret") -> bytes:
    """A text PDF encrypted with a user password (it cannot be opened without it)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(text_pdf([["暗号化された文書"]]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
