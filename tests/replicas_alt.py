"""Replica PDFs of the seeds built *differently* from ``tests/replicas.py`` (issue 9: the judges'
replicas are made independently of ours), and a table of record agreement per document × variant.

Every variant draws every blank-line block of a seed as its own text box (a seed line is never
wrapped: a block too wide for its column is drawn at a smaller size) and every run of
tab-separated lines as one ruled table, with the embedded IPAex Gothic TrueType font (and
DejaVu Sans for the few glyphs IPAex lacks, as ``tests/replicas.py`` does). What differs from
ours, per variant (``VARIANTS``):

* ``paragraph_b5``: B5 portrait; each block one platypus ``Paragraph`` whose lines are joined by
  ``<br/>`` (one text object holding several lines); 8 pt, leading 1.3, gap of 0.7 line between
  blocks. ``Paragraph`` collapses whitespace as HTML does: leading, trailing and doubled spaces
  of a line are lost, and whitespace-only blocks are drawn as nothing (what a naive replica does).
* ``xpre_a4l``: A4 landscape; each block one ``XPreformatted`` (one text object, whitespace kept);
  10 pt, leading 1.2, gap of one line.
* ``textline_jitter``: A4 portrait; canvas text objects with ``textLine`` per line; every block at
  its own size (7–11 pt, seeded) and its own left offset (0–4 pt, seeded).
* ``two_column_narrow``: A4 portrait, two columns 58 % / 42 % of the width with a 12 pt gutter,
  blocks as ``textline_jitter`` without jitter; tables on full-width pages of their own.
* ``tables_plain``: A3 landscape, ``textLine`` blocks; tables without repeated header rows, equal
  column widths, a grey 7 pt header row, 6 pt cell padding (so they continue across pages).
* ``running_hf``: A4 portrait, ``textLine`` blocks, a running header (the document's first line,
  a rule under it) and footer (``- n -``) on every page.
* ``two_column_hf``: two equal columns (14 pt gutter) under the running header and above the
  footer of ``running_hf``: the header is a full-width box above the columns.
* ``loose_leading``: A4 portrait, ``textLine`` blocks at 9 pt with a leading of 1.7 (a word
  processor's "1.5 lines" in a Japanese font): the lines of a block stand further apart than
  pdfminer's ``line_margin``, which would make each one a box of its own.
* ``tables_inner``: A4 portrait, ``textLine`` blocks; tables ruled with their inner lines only (no
  outer border: reportlab's ``INNERGRID`` without ``BOX``).
* ``split_blocks``: ``running_hf`` with blocks not kept together: a block is split wherever a page
  ends, so a seed block can become two text boxes on two pages (a naive line-by-line replica).

Run ``python -m tests.replicas_alt [VARIANT ...]`` for the agreement table (Markdown) of every
document of ``data/raw`` × variant, each replica's records compared with those of its seed text
(``tests/agreement.py``); ``python -m tests.replicas_alt --random N [--seed S] [DOCUMENT ...]``
draws N random variants of the same space instead (``random_variants``): the sweep that found the
loose leading and the inner-grid tables.

Output of ``replica_alt_pdf``: PDF bytes. Raises ``ValueError`` for an unknown variant,
``FileNotFoundError`` without a Japanese TrueType font.
"""

from __future__ import annotations

import html
import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache

from tests.replicas import FALLBACK_NAME, Block, TableRun, _register_font, _runs, cell_lines, pieces


@dataclass(frozen=True)
class TableLook:
    """How a ruled table is drawn: header rows repeated on every page, column widths by content
    (else equal), the header row shaded and larger, the cells' padding (points), the outer border
    drawn (else the inner lines only: reportlab's ``INNERGRID`` without ``BOX``)."""

    repeat_header: bool = True
    widths_by_content: bool = True
    header_shaded: bool = False
    padding: float = 2.0
    frame: bool = True


@dataclass(frozen=True)
class Variant:
    """One way of drawing a seed. ``page``: (width, height) in points; ``columns``: the share of
    the text width of each column; ``block``: ``paragraph`` / ``xpre`` / ``textline``;
    ``size``: (smallest, largest) font size in points, a block's size drawn between them (one
    value: every block at it); ``leading`` and ``gap`` in multiples of the size; ``jitter``: the
    largest left offset of a block (points)."""

    name: str
    page: tuple[float, float]
    block: str
    size: tuple[float, float]
    leading: float
    gap: float
    columns: tuple[float, ...] = (1.0,)
    gutter: float = 12.0
    margin: float = 36.0
    jitter: float = 0.0
    table: TableLook = TableLook()
    running: bool = False
    keep_together: bool = True  # a block that fits a frame is kept on one page or column (else split anywhere)


def _variants() -> dict[str, Variant]:
    from reportlab.lib.pagesizes import A3, A4, B5, landscape

    return {v.name: v for v in (
        Variant("paragraph_b5", B5, "paragraph", (8.0, 8.0), 1.3, 0.7, margin=30.0),
        Variant("xpre_a4l", landscape(A4), "xpre", (10.0, 10.0), 1.2, 1.0, margin=40.0,
                table=TableLook(padding=3.0)),
        Variant("textline_jitter", A4, "textline", (7.0, 11.0), 1.25, 0.9, jitter=4.0),
        Variant("two_column_narrow", A4, "textline", (8.0, 8.0), 1.25, 1.0, columns=(0.58, 0.42), gutter=12.0),
        Variant("tables_plain", landscape(A3), "textline", (9.0, 9.0), 1.3, 1.0,
                table=TableLook(repeat_header=False, widths_by_content=False, header_shaded=True, padding=6.0)),
        Variant("running_hf", A4, "textline", (9.0, 9.0), 1.25, 1.0, margin=48.0, running=True),
        Variant("two_column_hf", A4, "textline", (8.5, 8.5), 1.25, 1.0, columns=(0.5, 0.5), gutter=14.0,
                margin=44.0, running=True),
        Variant("loose_leading", A4, "textline", (9.0, 9.0), 1.7, 0.8, margin=42.0),
        Variant("tables_inner", A4, "textline", (8.5, 8.5), 1.3, 1.0, margin=40.0,
                table=TableLook(padding=3.0, frame=False)),
        Variant("split_blocks", A4, "textline", (9.0, 9.0), 1.25, 1.0, margin=48.0, running=True,
                keep_together=False),
    )}


VARIANT_NAMES = ("paragraph_b5", "xpre_a4l", "textline_jitter", "two_column_narrow", "tables_plain", "running_hf",
                 "two_column_hf", "loose_leading", "tables_inner", "split_blocks")
_MIN_SIZE = 0.5  # pt: the smallest a block is shrunk to so its widest line fits


def random_variants(count: int, seed: int = 0) -> list[Variant]:
    """``count`` variants drawn at random (``seed``) from the space the fixed ones sample: page size
    (B5 to A3, portrait or landscape, Letter), block kind, font size (6.5–14 pt, one or a range),
    leading 1.12–2.0, gaps between blocks, one or two columns of unequal width, margins, jitter, the
    table look (the frame drawn or not) and running headers. For ``python -m tests.replicas_alt
    --random N``: a sweep for layouts the fixed variants miss."""
    from reportlab.lib.pagesizes import A3, A4, B5, landscape, letter

    rng = random.Random(seed)
    out = []
    for i in range(count):
        page = rng.choice([A4, B5, letter, landscape(A4), landscape(A3), A3])
        block = rng.choice(["textline", "textline", "xpre", "paragraph"])
        low = round(rng.uniform(6.5, 11.0), 1)
        high = low if rng.random() < 0.6 else round(low + rng.uniform(0.5, 3.0), 1)
        columns = (1.0,) if rng.random() < 0.6 else (lambda share: (share, 1 - share))(rng.uniform(0.4, 0.6))
        table = TableLook(repeat_header=rng.random() < 0.6, widths_by_content=rng.random() < 0.6,
                          header_shaded=rng.random() < 0.4, padding=round(rng.uniform(1.5, 6.0), 1),
                          frame=rng.random() < 0.7)
        out.append(Variant(f"random{seed}_{i}", page, block, (low, high), round(rng.uniform(1.12, 2.0), 2),
                           round(rng.uniform(0.5, 1.6), 2), columns=columns, gutter=round(rng.uniform(8, 24), 1),
                           margin=round(rng.uniform(22, 60), 1),
                           jitter=round(rng.choice([0.0, 0.0, rng.uniform(0, 6)]), 1), table=table,
                           running=rng.random() < 0.4))
    return out


@cache
def variants() -> dict[str, Variant]:
    """The variants by name (reportlab is imported only when they are needed)."""
    return _variants()


# ------------------------------------------------------------------------------------------
# Blocks
# ------------------------------------------------------------------------------------------


def _fit_size(lines: tuple[str, ...], wanted: float, width: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widest = max(sum(stringWidth(run, font, 1.0) for font, run in _runs(line)) for line in lines) or 1.0
    return max(_MIN_SIZE, min(wanted, (width - 1.0) / widest))


def _markup(line: str) -> str:
    """``line`` as Paragraph markup: escaped, the glyphs IPAex lacks in the fallback font."""
    out = []
    for font, run in _runs(line):
        text = html.escape(run)
        out.append(f'<font name="{FALLBACK_NAME}">{text}</font>' if font == FALLBACK_NAME else text)
    return "".join(out)


def _block_flowables(block: Block, variant: Variant, width: float, frame_height: float, rng: random.Random) -> list:
    """The flowables of one block: the block itself, then the gap before the next block."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, XPreformatted

    font = _register_font()
    wanted = rng.uniform(*variant.size) if variant.size[0] != variant.size[1] else variant.size[0]
    offset = rng.uniform(0.0, variant.jitter) if variant.jitter else 0.0
    size = _fit_size(block.lines, wanted, width - offset)
    leading = size * variant.leading
    gap = Spacer(1, size * variant.gap + 0.5 * size)  # the gap between boxes exceeds pdfminer's line_margin
    if variant.block == "textline":
        keep_within = frame_height if variant.keep_together else 0.0  # a block taller than this may be split
        return [_TextLines(block.lines, size, leading, offset, keep_within), gap]
    style = ParagraphStyle(f"b{size:.2f}", fontName=font, fontSize=size, leading=leading, leftIndent=offset)
    if variant.block == "xpre":
        flowable = XPreformatted("\n".join(_markup(line) for line in block.lines), style)
    else:
        flowable = Paragraph("<br/>".join(_markup(line) for line in block.lines), style)
    if variant.keep_together and len(block.lines) * leading <= frame_height:
        flowable = KeepTogether([flowable])
    return [flowable, gap]


def _text_lines_class():
    from reportlab.platypus import Flowable

    class TextLines(Flowable):
        """A block drawn with one canvas text object, ``textLine`` per line; split between lines
        only when taller than ``frame_height`` (0: split wherever a frame ends)."""

        def __init__(self, lines, size: float, leading: float, offset: float, frame_height: float) -> None:
            super().__init__()
            self.lines, self.size, self.leading, self.offset = list(lines), size, leading, offset
            self.frame_height = frame_height

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            self.height = len(self.lines) * self.leading
            return avail_width, self.height

        def split(self, avail_width: float, avail_height: float) -> list:
            if len(self.lines) * self.leading <= self.frame_height:
                return []
            fit = int(avail_height // self.leading)
            if fit <= 0 or fit >= len(self.lines):
                return []
            return [TextLines(self.lines[:fit], self.size, self.leading, self.offset, self.frame_height),
                    TextLines(self.lines[fit:], self.size, self.leading, self.offset, self.frame_height)]

        def draw(self) -> None:
            text = self.canv.beginText(self.offset, self.height - self.size)
            text.setLeading(self.leading)
            for line in self.lines:
                for font, run in _runs(line):
                    text.setFont(font, self.size, self.leading)
                    text.textOut(run)
                text.textLine("")
            self.canv.drawText(text)

    return TextLines


@cache
def _text_lines_type():
    return _text_lines_class()


def _TextLines(*args):
    return _text_lines_type()(*args)


# ------------------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------------------


def _table_flowable(run: TableRun, look: TableLook, width: float):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    font = _register_font()
    n_cols = max(len(row) for row in run.rows)
    size = max(3.0, min(6.5, width / n_cols / 6))
    body = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size * 1.25, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=size + 0.5, leading=(size + 0.5) * 1.25)
    if look.widths_by_content:
        weight = [1.0] * n_cols
        for row in run.rows:
            for i, cell in enumerate(row):
                weight[i] += len(cell) ** 0.5
        total = sum(weight)
        floor = min(width / n_cols, 2 * look.padding + 3 * size)
        widths = [floor + (width - floor * n_cols) * w / total for w in weight]
    else:
        widths = [width / n_cols] * n_cols
    padding = min(look.padding, min(widths) / 6)
    data = []
    for r, row in enumerate(run.rows):
        style = head if r == 0 and look.header_shaded else body
        cells = list(row) + [""] * (n_cols - len(row))
        data.append([Paragraph("<br/>".join(_markup(part) for part in cell_lines(c)), style)
                     if cell_lines(c) else "" for c in cells])
    table = Table(data, colWidths=widths, repeatRows=1 if look.repeat_header else 0, splitByRow=1)
    commands = [("GRID" if look.frame else "INNERGRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP")]
    commands += [(f"{side}PADDING", (0, 0), (-1, -1), padding) for side in ("LEFT", "RIGHT", "TOP", "BOTTOM")]
    if look.header_shaded:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9d9d9")))
    table.setStyle(TableStyle(commands))
    return table


# ------------------------------------------------------------------------------------------
# Documents
# ------------------------------------------------------------------------------------------


def replica_alt_pdf(text: str, variant: str | Variant) -> bytes:
    """Draw the seed ``text`` as a PDF the way ``variant`` (a name of ``VARIANT_NAMES``, or a
    ``Variant``, e.g. one of ``random_variants``) says. Raises reportlab's ``LayoutError`` when a
    table cell is taller than the variant's frame."""
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Spacer

    if isinstance(variant, Variant):
        v = variant
    elif variant in VARIANT_NAMES:
        v = variants()[variant]
    else:
        raise ValueError(f"unknown variant {variant!r}: one of {VARIANT_NAMES}")
    variant = v.name
    _register_font()
    if "\t" in text and v.page[0] < v.page[1]:  # a document of tables is printed landscape
        v = replace(v, page=(v.page[1], v.page[0]))
    page_w, page_h = v.page
    text_w, text_h = page_w - 2 * v.margin, page_h - 2 * v.margin
    usable = text_w - v.gutter * (len(v.columns) - 1)
    frames, x = [], v.margin
    for i, share in enumerate(v.columns):
        frames.append(Frame(x, v.margin, usable * share, text_h, leftPadding=0, rightPadding=0, topPadding=0,
                            bottomPadding=0, id=f"col{i}"))
        x += usable * share + v.gutter
    full = Frame(v.margin, v.margin, text_w, text_h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                 id="full")
    title = next((line.strip() for line in text.split("\n") if line.strip()), "")
    extra = {"onPage": _running(title, v)} if v.running else {}
    templates = [PageTemplate("text", frames=frames, **extra), PageTemplate("tables", frames=[full], **extra)]
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=v.page, leftMargin=v.margin, rightMargin=v.margin, topMargin=v.margin,
                          bottomMargin=v.margin, pageTemplates=templates)
    rng = random.Random(f"{variant}:{len(text)}")
    apart = len(v.columns) > 1
    story: list = []
    in_tables = False
    for piece in pieces(text):
        if isinstance(piece, TableRun):
            if apart and not in_tables:
                story += [NextPageTemplate("tables"), PageBreak()]
                in_tables = True
            story += [Spacer(1, 10), _table_flowable(piece, v.table, text_w if apart else usable), Spacer(1, 10)]
            continue
        if in_tables:
            story += [NextPageTemplate("text"), PageBreak()]
            in_tables = False
        if v.block == "paragraph" and not any(line.strip() for line in piece.lines):
            continue  # a Paragraph of whitespace draws nothing
        story += _block_flowables(piece, v, frames[0].width if not apart else min(f.width for f in frames),
                                  text_h, rng)
    doc.build(story)
    return buf.getvalue()


def _running(title: str, v: Variant):
    """The onPage callback drawing the running header (title, a rule) and footer (``- n -``)."""

    def draw(canvas, doc) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        page_w, page_h = v.page
        font = _register_font()
        size = min(8.0, (page_w - 2 * v.margin) / max(stringWidth(title, font, 1.0), 1.0))
        canvas.saveState()
        canvas.setFont(font, size)
        canvas.drawString(v.margin, page_h - v.margin / 2, title)
        canvas.setLineWidth(0.4)
        canvas.line(v.margin, page_h - v.margin / 2 - 3, page_w - v.margin, page_h - v.margin / 2 - 3)
        canvas.setFont(font, 8)
        canvas.drawCentredString(page_w / 2, v.margin / 3, f"- {doc.page} -")
        canvas.restoreState()

    return draw


# ------------------------------------------------------------------------------------------
# Agreement table
# ------------------------------------------------------------------------------------------


def measure(names: list[str] | None = None,
            variant_names: Sequence[str | Variant] = VARIANT_NAMES) -> Iterator[dict]:
    """Extract every replica of every document of ``data/raw`` (or ``names``) and compare its records
    with the seed text's. Output: one dict per (document, variant): ``document``, ``variant``,
    ``pages``, ``seconds`` (extraction), the agreement per table (``tests/agreement.KEYS``) and
    ``new_errors`` (error codes only the PDF has); for a replica reportlab could not draw (a table
    cell taller than a random variant's frame), ``not_drawn`` (the reason) and no scores."""
    import tempfile
    import time
    from pathlib import Path

    from reportlab.platypus.doctemplate import LayoutError

    from planparse.pipeline import extract_file
    from tests.agreement import KEYS, agreement
    from tests.conftest import RAW, extracted

    files = [p for p in sorted(RAW.iterdir()) if p.is_file() and (names is None or p.name in names)]
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            text = extracted(path.name)
            for variant in variant_names:
                name = variant.name if isinstance(variant, Variant) else variant
                pdf_path = Path(tmp) / f"{path.stem}.{name}.pdf"
                try:
                    pdf_path.write_bytes(replica_alt_pdf(path.read_text(encoding="utf-8"), variant))
                except LayoutError as exc:
                    yield {"document": path.name, "variant": name, "not_drawn": str(exc).split(" with cell")[0]}
                    continue
                start = time.perf_counter()
                pdf = extract_file(pdf_path)
                seconds = time.perf_counter() - start
                scores = agreement(text, pdf)
                errors = sorted({i.code for i in pdf.issues if i.severity == "error"}
                                - {i.code for i in text.issues if i.severity == "error"})
                yield {"document": path.name, "variant": name, "pages": pdf.document.page_count,
                       "seconds": seconds, **{t: scores[t] for t in KEYS}, "new_errors": errors}


def main(argv: list[str] | None = None) -> None:
    import sys

    from tests.agreement import KEYS

    args = list(sys.argv[1:] if argv is None else argv)
    randoms: list[Variant] = []
    if "--random" in args:  # --random N [--seed S]: N random variants instead of the fixed ones
        at = args.index("--random")
        count = int(args[at + 1])
        del args[at:at + 2]
        seed = 0
        if "--seed" in args:
            at = args.index("--seed")
            seed = int(args[at + 1])
            del args[at:at + 2]
        randoms = random_variants(count, seed)
    chosen: Sequence[str | Variant] = randoms or tuple(a for a in args if a in VARIANT_NAMES) or VARIANT_NAMES
    names = [a for a in args if a not in VARIANT_NAMES] or None
    short = {"initiatives": "init", "measures": "meas", "annual_entries": "annual", "kpi_values": "kpi",
             "glossary_terms": "gloss"}
    print("| document | variant | pages | s | " + " | ".join(short[t] for t in KEYS) + " | new errors |")
    print("|---|---|---:|---:|" + "---:|" * len(KEYS) + "---|")
    for row in measure(names, chosen):
        if "not_drawn" in row:
            print(f"| {row['document'].rsplit('.', 1)[0]} | {row['variant']} | not drawn: {row['not_drawn']} |")
            continue
        cells = " | ".join(f"{row[t]:.3f}" for t in KEYS)
        print(f"| {row['document'].rsplit('.', 1)[0]} | {row['variant']} | {row['pages']} | {row['seconds']:.1f} | "
              f"{cells} | {', '.join(row['new_errors'])} |", flush=True)
    for variant in randoms:
        print(f"<!-- {variant} -->")


if __name__ == "__main__":
    main()
