"""Table rows of a document, whatever its source, in one shape for the table formats.

The table formats (``koganei_roadmap``, ``musashino_progress_sheet``) read rows of cells. A
text source (Markdown converted from PDF) gives one row per tab-separated line; a PDF gives
pdfplumber's ruled tables (``doc.tables``), where a cell that wraps inside its column holds its
lines joined by ``\\n`` and a table continued across pages is one table. This module turns both
into ``Row`` values with the cells in the text sources' convention:

**Cell rule** (``cell_text``). A cell without a line break is kept as written (every text source
cell: stored values of text sources never change). A PDF cell's lines are stripped and joined:

* without a space between Japanese characters, digits and punctuation: a line break inside a
  narrow column is a wrap, not a word boundary (``"1\\n2"`` → ``"12"``, ``"8,\\n200人"`` →
  ``"8,200人"``, ``"スケジュ\\nール"`` → ``"スケジュール"``);
* with one space between two Latin letters (a Latin word wrap: ``"IV\\nDX"`` → ``"IV DX"``), and
  before a line that starts with a list bullet or role mark (``・ ○ ● ◎ ◯ ◆ ■ □ ◇ ※``), because
  the text sources separate list items (``<ul>`` lists) and role groups with one space;
* a bullet that a PDF writer draws for an HTML list item (``•`` ``◦`` ``▪`` ``‣`` at a line's start) is
  dropped, the item joined with one space (the Markdown has ``<li>`` there, removed by the parsers);
* runs of spaces become one space; ends trimmed.

**Hanging punctuation**: a full line may let its final ``、`` ``。`` ``ー`` hang past the cell's
edge ("burasage"); when the cell's padding is narrower than half a glyph, the table finder gives
the mark to the next cell. Whether a mark at the start of a cell's line is its own (a narrow
column breaks before it) or hung in from the left cannot be told from the cells, so text cells
keep marks where the PDF puts them; structural cells (numbers, row labels) ignore stray marks
around them (``strip_hanging``).

Markup needs no rule of its own: HTML of the Markdown source (``<br>``, ``<p>``, ``<li>``) is a
line break in the PDF and is removed by the parsers in the text, and both end up joined as above.
What a PDF cannot say is whether a wrap fell on a space of the source: stored values of a PDF may
then lack a space the text has (never more characters). The formats compare names and labels
whitespace-insensitively (``normalize.match_key``).

``document_units`` gives the document in reading order as text lines and tables, each table's
rows together (a table continued on the next page included), for a parser that walks a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from planparse.ingest import SourceDocument
from planparse.memo import LazyPattern

__all__ = ["HANGING_CHARS", "Row", "TableUnit", "TextLine", "cell_text", "document_units", "row_text", "strip_hanging",
           "table_rows"]

# "・内部業務ネットワーク…", "○自治体DX推進担当", "● 全ての課": a list item or role group start
_ITEM_START = LazyPattern(r"^[・○●◎◯◆■□◇※]")
# "• 内部業務ネットワーク…": a bullet a PDF writer draws for an HTML list item (<li>); not text of the source
_RENDERED_BULLET = LazyPattern(r"^[•◦▪‣]\s*")
_LATIN_END = LazyPattern(r"[A-Za-z]$")
_LATIN_START = LazyPattern(r"^[A-Za-z]")
_SPACE_RUN = LazyPattern(r"[ \t]{2,}")
# "、\n29" / "、スケジュール" / "ー36" / "17\nィ": marks that may hang into a PDF cell from its neighbour, at the
# start or end of a structural cell (a number, a row label)
_HANGING_MARKS = "、。，．）」』】ー・ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"  # kinsoku: never start a line
# the characters ``regex`` matches with ``\s`` (Unicode White_Space; tests compare the sets)
_WHITE_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                "\u200a\u2028\u2029\u202f\u205f\u3000")
HANGING_CHARS = _WHITE_SPACE + _HANGING_MARKS
"""What ``strip_hanging`` removes from both ends of a structural cell: whitespace and the hanging marks."""


def strip_hanging(cell: str) -> str:
    """A structural cell (a number, a row label) without the whitespace and stray hanging marks
    around it (``"、\n29"`` → ``"29"``, ``"、スケジュール"`` → ``"スケジュール"``); marks inside are kept.
    Never raises."""
    return cell.strip(HANGING_CHARS)


def cell_text(cell: str | None) -> str:
    """One cell in the text sources' convention (see the module docstring).

    Input: a cell as ``doc.tables`` holds it (None → ``""``). Output: the cell text; a cell
    without ``\\n`` is returned unchanged. Never raises.
    """
    if not cell:
        return ""
    if "\n" not in cell:
        return cell
    out = ""
    for raw in cell.split("\n"):
        line = raw.strip(" \t\u3000\r")
        bullet = _RENDERED_BULLET.match(line)
        if bullet:
            line = line[bullet.end():]
        if not line:
            continue
        if out and (bullet or _ITEM_START.match(line) or (_LATIN_END.search(out) and _LATIN_START.match(line))):
            out += " "
        out += line
    return _SPACE_RUN.sub(" ", out)


def row_text(cells: tuple[str, ...] | list[str]) -> str:
    """The cells as one tab-separated line (the shape of a text source's table row)."""
    return "\t".join(cells)


class Row(NamedTuple):
    """A table row: ``line`` = the source line it stands on (1-based; for a PDF the line of
    ``doc.lines`` holding it tab-separated), ``cells`` in the text convention (``cell_text``),
    ``table`` = the index of its table in ``doc.tables``. Immutable (a named tuple: one per row)."""

    line: int
    cells: tuple[str, ...]
    table: int


class TextLine(NamedTuple):
    """A line outside any table (``line`` 1-based, ``text`` as written). Immutable (a named tuple)."""

    line: int
    text: str


@dataclass(frozen=True)
class TableUnit:
    """One table of the document: its rows (at least one), in order."""

    index: int
    rows: tuple[Row, ...]

    @property
    def line(self) -> int:
        return self.rows[0].line


def table_rows(doc: SourceDocument) -> list[TableUnit]:
    """Every table of ``doc`` as a ``TableUnit`` with normalised cells, in document order.

    Input: ``doc.tables`` (tab runs of a text source, ruled tables of a PDF). A row without a
    line number gets the line of the row before it (or the table's first line). Tables without
    rows are left out. Never raises.
    """
    units: list[TableUnit] = []
    for k, table in enumerate(doc.tables):
        rows: list[Row] = []
        last = table.first_line or 0
        for row in table.rows:
            line = row.line if row.line is not None else last
            last = line
            rows.append(Row(line, tuple(map(cell_text, row.cells)), k))
        if rows:
            units.append(TableUnit(index=len(units), rows=tuple(rows)))
    return units


def document_units(doc: SourceDocument) -> list[TextLine | TableUnit]:
    """The document in reading order: lines outside tables and whole tables.

    Input: ``doc.lines`` and ``doc.tables``. Output: ``TextLine`` for every line that is no table
    row, and each ``TableUnit`` at the place of its first row; the rows of a table continued on a
    later page stay in their unit (the lines between its parts, page furniture, come after it).
    A tab-separated line that no table holds is left out: in a PDF it is a header row that a
    continued table repeats on its next page and ``doc.tables`` dropped (a text source's tab
    lines all belong to its tables). Never raises.
    """
    tables = table_rows(doc)
    at: dict[int, TableUnit] = {}
    taken: set[int] = set()
    for unit in tables:
        at.setdefault(unit.line, unit)
        taken.update(r.line for r in unit.rows)
    out: list[TextLine | TableUnit] = []
    for number, text in enumerate(doc.lines, start=1):
        if number in at:
            out.append(at[number])
        elif number in taken or "\t" in text:
            continue
        else:
            out.append(TextLine(number, text))
    return out
