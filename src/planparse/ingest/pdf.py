"""PDF inputs: bytes → lines (with pages) and tables."""

from __future__ import annotations

import io

from planparse.ingest.document import IngestError, SourceDocument, Table, TableRow

__all__ = ["load_pdf"]



def load_pdf(data: bytes, common: dict) -> SourceDocument:
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
                text = _valid_unicode(page.extract_text() or "")
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
        cells = tuple("" if c is None else _valid_unicode(str(c)) for c in row)
        probe = next((c.strip().split("\n", 1)[0].strip() for c in cells if c.strip()), "")
        line = None
        if probe:
            for number in range(cursor, len(lines) + 1):
                if probe in lines[number - 1]:
                    line = cursor = number
                    break
        out.append(TableRow(line=line, cells=cells))
    return tuple(out)


def _valid_unicode(text: str) -> str:
    """``text`` with lone surrogates (a broken ToUnicode map) replaced by U+FFFD, so that every
    writer accepts it; valid text is returned unchanged."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


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
