"""PDF inputs: bytes → text boxes in reading order (with the page of every line) and ruled tables.

A PDF reaches the parsers in the shape of the seed texts, which are pdfminer layout-analysis
output: every text box's lines, then one empty line; pages joined; whitespace-only boxes kept
where they stand; a page with two columns read column by column (see ``layout``).

* Characters and their boxes come from pdfminer.six's interpreter (through pdfplumber, which
  caches them per page; text through each font's ToUnicode map, every space kept as drawn:
  PDFium drops leading and doubled spaces). Grouping them into lines and boxes follows pdfminer's
  ``LAParams`` rules (``layout.group_lines`` / ``layout.group_boxes``) without its costly
  hierarchical box grouping, with a ``line_margin`` fitted to the whole document's line spacing
  (``layout.fitted_line_margin``: pdfminer's 0.5 unless the text is set looser than that allows);
  the reading order is ``layout.reading_order``.
* Ruled tables (only on pages that draw lines) are found by pdfplumber (``pdf_tables``): each
  becomes a ``Table`` of cells as written (wrapped lines kept as ``\\n``); its rows also stand in
  ``lines`` as tab-separated lines (the shape of the Markdown sources: a cell's line breaks become
  spaces there), and a table that continues on the next page is joined to its first part with the
  repeated header rows dropped (in ``tables``; ``lines`` keep them where the page draws them). A
  glyph hanging past a cell's right border (ぶら下げ、。) stays in its cell (``pdf_tables``).
* Running headers and footers (page furniture: a title, ``- 12 -``) are left out: a text box in
  the top or bottom 12% of its page whose text, digits masked, stands at the same height on at
  least 3 pages and 30% of them (``running_boxes``). Left in, they would stand between a page's
  last box and the next page's first, in the middle of a card, a sentence or a continued table.
  One ``pdf_running_text_dropped`` warning names how many boxes went and gives examples.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace

from planparse.ingest.document import IngestError, SourceDocument, Table, TableRow
from planparse.ingest.layout import (
    DEFAULT_SETTINGS,
    Box,
    Char,
    LayoutSettings,
    Line,
    fitted_line_margin,
    group_boxes,
    group_lines,
    reading_order,
)
from planparse.ingest.pdf_tables import PageTable, find_tables, glyph_places, join_continued, valid_unicode
from planparse.memo import LazyPattern

__all__ = ["PageText", "load_pdf", "read_pages"]

_MIN_PATHS_FOR_TABLES = 4  # a page drawing fewer paths than this has no ruled table
_SKIP_CHARS = frozenset("\r\n\ufffe\uffff")
_RUNNING_ZONE = 0.12  # share of the page height at its top and at its bottom where running text stands
_RUNNING_TOLERANCE = 3.0  # points: a running header stands at the same height on every page
_RUNNING_MIN_PAGES = 3  # a line repeated on fewer pages is the document's own text
_RUNNING_MIN_SHARE = 0.3  # … and so is one repeated on less than this share of the pages
_DIGITS = LazyPattern(r"[0-9０-９]+")  # page numbers in running text: "- 12 -", "12／40"
_LOST_GLYPH = "\x00"  # what pdfminer gives for a glyph without a Unicode mapping: kept for geometry, dropped from text


@dataclass(frozen=True)
class PageItem:
    """One box of a page in reading order: ``table`` is the index of the page's table it is (None
    for a text box); ``opens`` / ``closes``: no other box of the page lies above / below it with
    an x overlap (it begins / ends its column); ``filler``: a text box that cannot interrupt a
    table continued on the next column or page (whitespace or a page number)."""

    table: int | None
    opens: bool
    closes: bool
    filler: bool


@dataclass(frozen=True)
class PageText:
    """One page as the parsers will see it.

    ``lines``: the lines of its boxes in reading order, an empty line after each box (a table's
    rows as tab-separated lines); ``tables``: its ruled tables; ``row_lines[k][r]``: the index in
    ``lines`` of row ``r`` of table ``k``; ``items``: the boxes in reading order (for tables
    continued across columns and pages); ``has_text``: whether the page has any glyph.
    """

    number: int
    lines: list[str]
    tables: list[PageTable]
    row_lines: list[list[int]]
    items: list[PageItem]
    has_text: bool


@dataclass(frozen=True)
class PdfPages:
    """What ``read_pages`` gives: the pages' text, the page count, and whether the file is encrypted
    (readable without a password)."""

    pages: list[PageText]
    page_count: int
    encrypted: bool
    running_dropped: int = 0
    running_pages: int = 0
    running_example: str = ""


def load_pdf(data: bytes, common: dict, settings: LayoutSettings = DEFAULT_SETTINGS) -> SourceDocument:
    """Read a PDF into a ``SourceDocument`` (``kind="pdf"``, ``line_pages`` = 1-based page of every
    line, ``tables`` as described in the module docstring).

    Raises ``IngestError``: ``pdf_encrypted`` (a password is needed to open it), ``pdf_corrupt``
    (PDFium cannot parse it, e.g. truncated), ``pdf_no_text`` (no page has a text layer: a scanned
    PDF). Pages without text in an otherwise readable PDF become ``notes``.
    """
    read = read_pages(data, settings)
    lines: list[str] = []
    line_pages: list[int] = []
    tables: list[Table] = []
    open_table: tuple[PageTable, list[int], int] | None = None  # the last table, while it may continue
    may_continue = False  # the last box that counts was a table ending its column
    for page in read.pages:
        offset = len(lines)
        for item in page.items:
            if item.table is None:
                if not item.filler:
                    may_continue = False
                continue
            table = page.tables[item.table]
            numbers = [offset + i + 1 for i in page.row_lines[item.table]]
            joined = join_continued(open_table[0], table) if open_table and may_continue and item.opens else None
            if joined is not None and open_table is not None:
                open_table = (joined[0], open_table[1] + numbers[joined[1]:], open_table[2])
            else:
                if open_table is not None:
                    tables.append(_to_table(*open_table))
                open_table = (table, numbers, page.number)
            may_continue = item.closes
        lines.extend(page.lines)
        line_pages.extend([page.number] * len(page.lines))
    if open_table is not None:
        tables.append(_to_table(*open_table))
    if not any(p.has_text for p in read.pages):
        raise IngestError("pdf_no_text", "no text layer: this looks like a scanned PDF; OCR is not supported")
    notes = tuple(
        ("pdf_page_without_text", f"page {p.number} has no text layer (scanned page?): nothing extracted from it")
        for p in read.pages if not p.has_text
    )
    if read.running_dropped:
        notes = (*notes, ("pdf_running_text_dropped",
                          f"{read.running_dropped} running header/footer boxes on {read.running_pages} pages left out "
                          f"(the same text at the same height at the top or bottom of the pages: {read.running_example})"))
    if read.encrypted:
        notes = (("pdf_encrypted_readable", "the PDF is encrypted without an open password (restrictions only): "
                  "its text was read"), *notes)
    return SourceDocument(
        **common, kind="pdf", encoding=None, lines=tuple(lines), line_pages=tuple(line_pages),
        page_count=read.page_count, tables=tuple(tables), notes=notes,
    )


def _to_table(table: PageTable, numbers: list[int], page: int) -> Table:
    rows = tuple(TableRow(line=line, cells=cells) for line, cells in zip(numbers, table.rows, strict=True))
    return Table(page=page, first_line=numbers[0] if numbers else None, rows=rows)


def read_pages(data: bytes, settings: LayoutSettings = DEFAULT_SETTINGS) -> PdfPages:
    """Every page of the PDF as ``PageText``, running headers and footers left out (see
    ``running_boxes``). Every page's lines are chained first, then grouped into boxes with the
    document's ``fitted_line_margin``. Raises ``IngestError`` as ``load_pdf``."""
    import pdfplumber  # heavy: imported only when a PDF is ingested
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            encrypted = getattr(pdf.doc, "encryption", None) is not None
            read = []
            for page in pdf.pages:
                read.append(_page_lines(page, settings))
                page.close()  # free the page's objects: memory stays flat over long documents
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many types; classify by cause
        if _is_password_error(exc, PDFPasswordIncorrect):
            raise IngestError("pdf_encrypted", "encrypted PDF: it needs a password to open; "
                              "save an unprotected copy and extract that") from exc
        raise IngestError("pdf_corrupt", f"corrupt or truncated PDF: {_short(exc)}") from exc
    if not read:
        raise IngestError("pdf_corrupt", "corrupt or truncated PDF: no pages could be read")
    margin = fitted_line_margin((page.lines for page in read), settings)
    grouping = settings if margin == settings.line_margin else replace(settings, line_margin=margin)
    laid_out = [_page_boxes(page, grouping) for page in read]
    running = running_boxes(laid_out)
    pages = [_page_text(page, running.get(k, frozenset()), settings) for k, page in enumerate(laid_out)]
    dropped = sum(len(v) for v in running.values())
    return PdfPages(pages, len(pages), encrypted, dropped, len(running), _example(laid_out, running))


@dataclass
class PageBoxes:
    """One page after layout analysis, before reading order: its text boxes (``payload`` None) and
    table boxes (``payload`` = index in ``tables``), its size (points) and whether it has glyphs."""

    number: int
    width: float
    height: float
    boxes: list[Box]
    tables: list[PageTable]
    has_text: bool


@dataclass
class PageLines:
    """One page's glyph lines (``layout.group_lines``, outside its ruled tables) and its tables,
    before the lines are grouped into boxes."""

    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[PageTable]
    has_text: bool


def _page_lines(page, settings: LayoutSettings) -> PageLines:
    """One pdfplumber page → ``PageLines``: pdfminer's characters (``LTChar``, content-stream order)
    chained into lines by ``layout``; ruled tables by pdfplumber when the page draws enough lines."""
    from pdfminer.layout import LTChar, LTCurve

    chars: list[Char] = []
    paths = 0
    for obj in page.layout:  # pdfminer interpreter output (no layout analysis), cached by pdfplumber
        if isinstance(obj, LTChar):
            text = obj.get_text()
            if text and text not in _SKIP_CHARS:
                chars.append(Char(text, obj.x0, obj.y0, obj.x1, obj.y1))
        elif isinstance(obj, LTCurve):  # LTLine and LTRect are curves too
            paths += 1
    tables = find_tables(page) if paths >= _MIN_PATHS_FOR_TABLES else []
    if tables:
        chars = _outside_tables(chars, tables)
    return PageLines(page.page_number, float(page.width), float(page.height), group_lines(chars, settings), tables,
                     has_text=any(c.text.strip() for c in chars) or bool(tables))


def _page_boxes(page: PageLines, settings: LayoutSettings) -> PageBoxes:
    """A page's lines grouped into text boxes (``layout.group_boxes`` with ``settings``, whose
    ``line_margin`` is the document's ``fitted_line_margin``), and a box for each ruled table."""
    boxes = group_boxes(page.lines, settings)
    for k, table in enumerate(page.tables):
        x0, y0, x1, y1 = table.bbox
        boxes.append(Box([], x0, y0, x1, y1, lines_text=[_row_line(r) for r in table.rows] or [""], payload=k))
    return PageBoxes(page.number, page.width, page.height, boxes, page.tables, has_text=page.has_text)


def running_boxes(pages: list[PageBoxes]) -> dict[int, frozenset[int]]:
    """The running headers and footers of a document: ``{page index: indices of its boxes}``.

    A running header or footer is a text box that lies in the top or bottom ``_RUNNING_ZONE`` of
    its page's height, with no other box above it (a header) or below it (a footer) across its
    width, and whose text, digits masked and whitespace removed (``- 12 -`` → ``-#-``, a title,
    ``page # / #``), stands at the same height (±``_RUNNING_TOLERANCE`` points) on at least
    ``_RUNNING_MIN_PAGES`` pages and on ``_RUNNING_MIN_SHARE`` of the pages (so the labels of a
    form repeated under each page's own title stay). Such lines are
    page furniture, not the document's text: left in, they would stand between a page's last box
    and the next page's first (in the middle of a card, a sentence or a continued table).
    Tables and whitespace-only boxes are never running text. Pure; never raises.
    """
    candidates: dict[str, list[tuple[int, int, float]]] = {}
    for k, page in enumerate(pages):
        top, bottom = page.height * (1 - _RUNNING_ZONE), page.height * _RUNNING_ZONE
        inked = [b for b in page.boxes if b.payload is not None or any(t.strip() for t in b.texts)]
        for i, box in enumerate(page.boxes):
            if box.payload is not None or not (box.y0 >= top or box.y1 <= bottom):
                continue
            if box.y0 >= top and any(_above(o, box) for o in inked if o is not box):
                continue  # a header stands above everything under it (a card's labels under its title do not)
            if box.y0 < top and any(_above(box, o) for o in inked if o is not box):
                continue  # … and a footer below everything above it
            key = _DIGITS.sub("#", "".join("".join(box.texts).split()))
            if key:
                candidates.setdefault(key, []).append((k, i, (box.y0 + box.y1) / 2))
    need = max(_RUNNING_MIN_PAGES, math.ceil(_RUNNING_MIN_SHARE * len(pages)))
    out: dict[int, set[int]] = {}
    for places in candidates.values():
        if len({k for k, _, _ in places}) < need:
            continue
        for k, i, y in places:
            if len({k2 for k2, _, y2 in places if abs(y2 - y) <= _RUNNING_TOLERANCE}) >= need:
                out.setdefault(k, set()).add(i)
    return {k: frozenset(v) for k, v in out.items()}


def _example(pages: list[PageBoxes], running: dict[int, frozenset[int]]) -> str:
    seen: list[str] = []
    for k, boxes in sorted(running.items()):
        for i in sorted(boxes):
            text = " ".join(pages[k].boxes[i].texts).strip()
            key = _DIGITS.sub("#", text)
            if key not in seen:
                seen.append(key)
    return ", ".join(f"'{t[:40]}'" for t in seen[:3])


def _page_text(page: PageBoxes, drop: frozenset[int], settings: LayoutSettings) -> PageText:
    """A page's boxes (less ``drop``) in reading order → ``PageText``."""
    tables = page.tables
    ordered = reading_order([b for i, b in enumerate(page.boxes) if i not in drop], settings)
    lines: list[str] = []
    row_lines: list[list[int]] = [[] for _ in tables]
    items: list[PageItem] = []
    for box in ordered:
        table = box.payload if isinstance(box.payload, int) else None
        if table is not None:
            row_lines[table] = list(range(len(lines), len(lines) + len(tables[table].rows)))
        texts = [valid_unicode(text.replace(_LOST_GLYPH, "")) for text in box.texts]
        items.append(PageItem(table, opens=not any(_above(o, box) for o in ordered if o is not box),
                              closes=not any(_above(box, o) for o in ordered if o is not box),
                              filler=table is None and all(not t.strip() or t.strip().isdigit() for t in texts)))
        lines.extend(texts)
        lines.append("")
    return PageText(number=page.number, lines=lines, tables=tables, row_lines=row_lines, items=items,
                    has_text=page.has_text)


def _above(a: Box, b: Box) -> bool:
    """``a`` lies above ``b`` and overlaps it horizontally (so ``b`` does not begin its column)."""
    return a.y0 >= b.y1 - 1.0 and min(a.x1, b.x1) - max(a.x0, b.x0) > 0


def _row_line(row: tuple[str, ...]) -> str:
    return "\t".join(" ".join(part.strip() for part in cell.split("\n")) for cell in row)


def _outside_tables(chars: list[Char], tables: list[PageTable]) -> list[Char]:
    """The glyphs that belong to no table: a glyph belongs to the table in whose box its place
    (``pdf_tables.glyph_places``: its centre, or for a 、 hanging past the table's right border
    the place of the glyph before it) lies."""
    xs = glyph_places([(c.text, c.x0, c.x1, -c.y1) for c in chars], [x for t in tables for x in (t.bbox[0], t.bbox[2])])
    return [c for c, x in zip(chars, xs, strict=True)
            if not any(t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= (c.y0 + c.y1) / 2 <= t.bbox[3] for t in tables)]


def _is_password_error(exc: BaseException, password_type: type) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, password_type) or "password" in type(cur).__name__.lower():
            return True
        if any(isinstance(a, password_type) for a in getattr(cur, "args", ())):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def _short(exc: BaseException) -> str:
    msg = str(exc).strip() or type(exc).__name__
    return msg if len(msg) <= 160 else msg[:157] + "..."
