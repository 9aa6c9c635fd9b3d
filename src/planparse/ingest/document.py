"""``SourceDocument`` and its parts: what every parser sees, whatever the source was."""

# No ``from __future__ import annotations`` in a module of pydantic models: pydantic would evaluate
# every field's annotation from its string when the models are defined (~3 ms of each run in all).

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["IngestError", "SourceDocument", "Table", "TableRow", "document_id_for"]


class IngestError(Exception):
    """A file that cannot be turned into text.

    ``code`` is one of ``empty_file``, ``not_text``, ``encoding_error``, ``pdf_corrupt``,
    ``pdf_encrypted``, ``pdf_no_text``, ``unreadable_file``; ``message`` is for the user.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class TableRow(BaseModel):
    """One table row: ``cells`` as written (empty string for an empty cell) and its source line."""

    model_config = ConfigDict(frozen=True)

    line: int | None
    cells: tuple[str, ...]


class Table(BaseModel):
    """Rows of cells found in the source: a run of tab-separated lines (text) or a pdfplumber
    table (PDF, with ``page``; ``rows[i].line`` is then None)."""

    model_config = ConfigDict(frozen=True)

    page: int | None
    first_line: int | None
    rows: tuple[TableRow, ...]


class SourceDocument(BaseModel):
    """A raw file as text lines, with provenance.

    * ``lines[0]`` is line 1. ``\\n``, ``\\r\\n``, ``\\r\\r\\n`` and a lone ``\\r`` each end a line
      (``text.split_lines``), so line numbers equal those of an editor.
    * ``line_pages[i]`` is the 1-based page of line ``i + 1`` (PDF), or None for text files.
    * ``tables``: see ``Table``.
    * ``encoding``: the encoding the text was decoded from (``utf-8``, ``utf-8-sig``, ``cp932`` …);
      None for PDFs.
    * ``notes``: remarks from ingest worth reporting as warnings (e.g. a non-UTF-8 encoding,
      pages without text); the pipeline turns them into ``extraction_issues`` rows.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    name: str
    sha256: str
    document_id: str
    kind: Literal["pdf", "text"]
    size: int
    encoding: str | None
    lines: tuple[str, ...]
    line_pages: tuple[int, ...] | None = None
    page_count: int | None = None
    tables: tuple[Table, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()

    def line(self, number: int) -> str:
        """Return line ``number`` (1-based). Raises IndexError outside 1..len(lines)."""
        if number < 1:
            raise IndexError(number)
        return self.lines[number - 1]

    def page_of(self, number: int) -> int | None:
        """Return the page of line ``number`` (1-based), or None for text sources."""
        if self.line_pages is None or not 1 <= number <= len(self.line_pages):
            return None
        return self.line_pages[number - 1]

    @cached_property
    def text(self) -> str:
        """The whole text, lines joined with ``\\n`` (joined once)."""
        return "\n".join(self.lines)

    @cached_property
    def match_text(self) -> str:
        """The text as match keys, one line per source line (NFKC, no whitespace; see
        ``normalize.match_key_lines``); computed once, when first asked for (detection asks only for
        a format whose markers cannot be searched line by line: ``parsers.base.marker_score``)."""
        from planparse.normalize import match_key_lines

        return match_key_lines(self.text)

    def match_text_if_made(self) -> str | None:
        """``match_text`` when it has been computed already (detection computes it only for a format
        whose markers cannot be searched line by line: ``parsers.base.marker_score``), else None, so
        a reader with a cheaper way to the keys it needs does not compute it for nothing."""
        return self.__dict__.get("match_text")


def document_id_for(sha256_hex: str) -> str:
    """``document_id`` = first 12 hex digits of the SHA-256 of the raw bytes (SCHEMA.md)."""
    return sha256_hex[:12]


