"""Ingest: raw bytes (PDF, text, Markdown) → ``SourceDocument``.

``SourceDocument`` is the one thing parsers see. It holds the text as numbered lines (1-based,
for provenance), the page of each line where the source has pages (PDF), and tables (rows of
cells) where the source has them: runs of tab-separated lines in text, pdfplumber tables in a PDF.

Errors are raised as ``IngestError`` with a short ``code`` and a message a user understands;
the pipeline turns them into ``extraction_issues`` rows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from planparse.ingest.document import IngestError, SourceDocument, Table, TableRow, document_id_for
from planparse.ingest.text import decode_text, split_lines, text_tables

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
    * ``pdf_corrupt`` / ``pdf_encrypted`` / ``pdf_no_text`` — see ``pdf.load_pdf``;
    * ``not_text`` — binary data in a non-PDF file;
    * ``encoding_error`` — text in no encoding we can recognise.

    Text is decoded by ``decode_text`` (repairs reported in ``notes``) and split into lines by
    ``split_lines`` (``\\n``, ``\\r\\n``, ``\\r\\r\\n`` and a lone ``\\r`` each end a line).
    """
    sha = hashlib.sha256(data).hexdigest()
    name = Path(path).name
    common = {"path": path, "name": name, "sha256": sha, "document_id": document_id_for(sha), "size": len(data)}
    if not data or data.isspace():  # = not data.strip(), without copying the file
        raise IngestError("empty_file", "empty file: nothing to extract")
    if data[:1024].lstrip().startswith(_PDF_MAGIC):
        from planparse.ingest.pdf import load_pdf  # the PDF reader's modules load with the first PDF

        return load_pdf(data, common)
    if Path(path).suffix.lower() == ".pdf":
        raise IngestError("pdf_corrupt", "not a PDF: the file has a .pdf name but does not start with %PDF-")
    text, encoding, notes = decode_text(data)
    lines = split_lines(text)
    return SourceDocument(
        **common, kind="text", encoding=encoding, lines=lines, tables=text_tables(lines) if "\t" in text else (),
        notes=notes,
    )
