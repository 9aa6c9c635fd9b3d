"""Ingest: raw bytes (PDF, text, Markdown) → ``SourceDocument``.

``SourceDocument`` is the one thing parsers see. It holds the text as numbered lines (1-based,
for provenance), the page of each line where the source has pages (PDF), and tables (rows of
cells) where the source has them: runs of tab-separated lines in text, pdfplumber tables in a PDF.

Errors are raised as ``IngestError`` with a short ``code`` and a message a user understands;
the pipeline turns them into ``extraction_issues`` rows.
"""

from __future__ import annotations

import hashlib
import io
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "TEXT_SUFFIXES",
    "IngestError",
    "SourceDocument",
    "Table",
    "TableRow",
    "decode_text",
    "document_id_for",
    "load",
    "load_bytes",
]

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ".tsv", ""})
_PDF_MAGIC = b"%PDF-"


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

    * ``lines[0]`` is line 1. Lines are split on ``\\n`` only (a trailing ``\\r`` is removed), so
      line numbers equal those of an editor.
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

    @property
    def text(self) -> str:
        """The whole text, lines joined with ``\\n``."""
        return "\n".join(self.lines)

    @cached_property
    def match_text(self) -> str:
        """The text as match keys, one line per source line (NFKC, no whitespace; see
        ``normalize.match_key_lines``); computed once, for detection."""
        from planparse.normalize import match_key_lines

        return match_key_lines(self.text)


def document_id_for(sha256_hex: str) -> str:
    """``document_id`` = first 12 hex digits of the SHA-256 of the raw bytes (SCHEMA.md)."""
    return sha256_hex[:12]


def load(path: str | Path) -> SourceDocument:
    """Read a file from disk and ingest it (see ``load_bytes``).

    Raises ``IngestError`` (code ``unreadable_file``) when the file cannot be read, and whatever
    ``load_bytes`` raises.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise IngestError("unreadable_file", f"cannot read the file: {exc.strerror or exc}") from exc
    return load_bytes(data, path=str(path))


def load_bytes(data: bytes, *, path: str) -> SourceDocument:
    """Ingest raw bytes into a ``SourceDocument``.

    Input: the file's bytes and its path (kept for provenance; the suffix is a hint only — a file
    starting with ``%PDF-`` is read as PDF whatever its name). Output: ``SourceDocument``.

    Raises ``IngestError``:
    * ``empty_file`` — zero bytes, or only whitespace;
    * ``pdf_corrupt`` / ``pdf_encrypted`` / ``pdf_no_text`` — see ``_load_pdf``;
    * ``not_text`` — binary data in a non-PDF file;
    * ``encoding_error`` — text in no encoding we can recognise.
    """
    sha = hashlib.sha256(data).hexdigest()
    name = Path(path).name
    common = {"path": path, "name": name, "sha256": sha, "document_id": document_id_for(sha), "size": len(data)}
    if not data.strip():
        raise IngestError("empty_file", "empty file: nothing to extract")
    if data[:1024].lstrip().startswith(_PDF_MAGIC):
        return _load_pdf(data, common)
    if Path(path).suffix.lower() == ".pdf":
        raise IngestError("pdf_corrupt", "not a PDF: the file has a .pdf name but does not start with %PDF-")
    text, encoding, notes = decode_text(data)
    lines = tuple(line.removesuffix("\r") for line in text.split("\n"))
    return SourceDocument(
        **common, kind="text", encoding=encoding, lines=lines, tables=_text_tables(lines), notes=notes,
    )


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_JAPANESE_LEGACY = ("cp932", "shift_jis", "euc_jp", "iso2022_jp")


def decode_text(data: bytes) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else detected.

    Detection uses charset-normalizer; Japanese legacy encodings (CP932/Shift_JIS, EUC-JP) are
    decoded and reported in ``notes`` as a warning. Output: ``(text, encoding, notes)``.
    Raises ``IngestError`` ``not_text`` for binary data (NUL bytes without a UTF-16 BOM) and
    ``encoding_error`` when no encoding fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", ()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", (
                ("non_utf8_encoding", "decoded as UTF-16; the file is extracted, but UTF-8 is expected"),)
        except UnicodeDecodeError as exc:
            raise IngestError("encoding_error", f"invalid UTF-16 text: {exc.reason}") from exc
    if b"\x00" in data:  # NUL is valid UTF-8 but never occurs in a text document
        raise IngestError("not_text", "binary data: this is neither a PDF nor a text file")
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    # CP932 is a superset of Shift_JIS and what Japanese Windows writes: try it first.
    for enc in ("cp932", "euc_jp"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_japanese(text):
            return text, enc, ((
                "non_utf8_encoding",
                f"decoded as {'Shift_JIS (CP932)' if enc == 'cp932' else 'EUC-JP'}: extracted, "
                "but please convert the file to UTF-8",
            ),)
    from charset_normalizer import from_bytes  # imported only for non-UTF-8 input

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError("encoding_error", "unknown text encoding: not UTF-8, Shift_JIS or EUC-JP")
    text = str(best)
    if _control_ratio(text) > 0.02:
        raise IngestError("not_text", "binary data: this is neither a PDF nor a text file")
    return text, best.encoding, ((
        "non_utf8_encoding", f"decoded as {best.encoding} (detected): please convert the file to UTF-8"),)


def _looks_japanese(text: str) -> bool:
    sample = text[:20000]
    jp = sum(1 for ch in sample if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
    return jp >= max(10, len(sample) // 20)


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / len(sample)


def _text_tables(lines: tuple[str, ...]) -> tuple[Table, ...]:
    """Group maximal runs of lines that contain a tab into tables (Markdown converted from PDF)."""
    tables: list[Table] = []
    run: list[TableRow] = []
    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            run.append(TableRow(line=number, cells=tuple(line.split("\t"))))
            continue
        if run:
            tables.append(Table(page=None, first_line=run[0].line, rows=tuple(run)))
            run = []
    if run:
        tables.append(Table(page=None, first_line=run[0].line, rows=tuple(run)))
    return tuple(tables)


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _load_pdf(data: bytes, common: dict) -> SourceDocument:
    """Read a PDF with pdfplumber: text per page (page numbers kept per line) and tables.

    Raises ``IngestError``: ``pdf_encrypted`` (a password is needed to open it), ``pdf_corrupt``
    (pdfminer cannot parse it, e.g. truncated), ``pdf_no_text`` (no page has a text layer:
    a scanned PDF). Pages without text in an otherwise readable PDF become ``notes``.
    """
    import pdfplumber  # heavy: imported only when a PDF is ingested
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    lines: list[str] = []
    pages: list[int] = []
    tables: list[Table] = []
    empty_pages: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            encrypted = getattr(pdf.doc, "encryption", None) is not None
            page_count = len(pdf.pages)
            for page_no, page in enumerate(pdf.pages, start=1):
                text = page.extract_text() or ""
                first_line = len(lines) + 1
                page_lines = text.split("\n") if text.strip() else []
                if not page_lines:
                    empty_pages.append(page_no)
                lines.extend(page_lines)
                pages.extend([page_no] * len(page_lines))
                for raw_table in page.extract_tables() or []:
                    rows = _pdf_table_rows(raw_table, lines, first_line)
                    if rows:
                        tables.append(Table(page=page_no, first_line=rows[0].line or first_line, rows=rows))
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many types; classify by cause
        if _is_password_error(exc, PDFPasswordIncorrect):
            raise IngestError("pdf_encrypted", "encrypted PDF: it needs a password to open; "
                              "save an unprotected copy and extract that") from exc
        raise IngestError("pdf_corrupt", f"corrupt or truncated PDF: {_short(exc)}") from exc
    if page_count == 0:
        raise IngestError("pdf_corrupt", "corrupt or truncated PDF: no pages could be read")
    if not lines:
        raise IngestError("pdf_no_text", "no text layer: this looks like a scanned PDF; OCR is not supported")
    notes = tuple(
        ("pdf_page_without_text", f"page {p} has no text layer (scanned page?): nothing extracted from it")
        for p in empty_pages
    )
    if encrypted:
        notes = (("pdf_encrypted_readable", "the PDF is encrypted without an open password (restrictions only): "
                  "its text was read"), *notes)
    return SourceDocument(
        **common, kind="pdf", encoding=None, lines=tuple(lines), line_pages=tuple(pages),
        page_count=page_count, tables=tuple(tables), notes=notes,
    )


def _pdf_table_rows(raw_table: list[list[str | None]], lines: list[str], first_line: int) -> tuple[TableRow, ...]:
    """pdfplumber table rows as ``TableRow``; each row's ``line`` is the first text line of the page
    (at or after the previous row's) that contains the first line of the row's first non-empty
    cell, so rows keep a provenance line; None when it cannot be found."""
    out: list[TableRow] = []
    cursor = first_line
    for row in raw_table:
        cells = tuple("" if c is None else str(c) for c in row)
        probe = next((c.strip().split("\n", 1)[0].strip() for c in cells if c.strip()), "")
        line = None
        if probe:
            for number in range(cursor, len(lines) + 1):
                if probe in lines[number - 1]:
                    line = cursor = number
                    break
        out.append(TableRow(line=line, cells=cells))
    return tuple(out)


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
