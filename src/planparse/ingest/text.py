"""Text and Markdown inputs: bytes → str (encoding detection) and tab-separated runs → tables."""

from __future__ import annotations

from planparse.ingest.document import IngestError, Table, TableRow

__all__ = ["decode_text", "text_tables"]


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


def text_tables(lines: tuple[str, ...]) -> tuple[Table, ...]:
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


