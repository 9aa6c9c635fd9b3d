"""Text and Markdown inputs: bytes → str (encoding detection, repairs) and tab-separated runs → tables.

What is read: the whole file. Decoding tries, in order: a BOM (UTF-8, UTF-16 LE/BE), UTF-16 without
BOM (recognised by the NUL bytes of its ASCII characters sitting on one side of each byte pair),
UTF-8, Shift_JIS (CP932) / EUC-JP, then charset-normalizer. Small damage is repaired and reported
as a warning note instead of failing the file: stray NUL bytes are removed, and a few invalid
byte sequences (a file cut inside a character, a damaged byte) are replaced with U+FFFD when the
rest of the file decodes. Line ends ``\\n``, ``\\r\\n``, ``\\r\\r\\n`` and a lone ``\\r`` (old Mac)
are all one line end (``split_lines``).
"""

from __future__ import annotations

from planparse.ingest.document import IngestError, Table, TableRow
from planparse.memo import LazyPattern

__all__ = ["decode_text", "split_lines", "text_tables"]


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_REPLACEMENT = "\ufffd"
_REPLACEMENT_UTF8 = _REPLACEMENT.encode("utf-8")

FEW_BAD_PER_1000_CHARS = 1
"""Invalid byte sequences tolerated (replaced, with a warning): this many per 1,000 characters,
and never fewer than ``FEW_BAD_MIN``."""
FEW_BAD_MIN = 4
UTF8_MIN_VALID_PER_BAD = 20
"""Without a BOM, a text is UTF-8 with a few bad bytes only when it has at least this many valid
non-ASCII characters per bad sequence (a Shift_JIS file has almost none)."""
MAX_CONTROL_SHARE = 0.02
"""Share of control bytes/characters (other than tab, line ends, form feed, ESC) above which the
data is binary, not text."""
MAX_NUL_SHARE = 0.1
"""Share of NUL bytes above which data that is not UTF-16 is binary (a few stray NULs are removed)."""
UTF16_MIN_NUL_SHARE = 0.01
"""UTF-16 without BOM: at least this share of the 16-bit units carry a NUL byte (ASCII characters,
line ends, digits), and ``UTF16_MIN_PARITY`` of those NULs are on the same side of the pair."""
UTF16_MIN_PARITY = 0.95
UTF16_MIN_TEXT_SHARE = 0.9
"""UTF-16 without BOM: at least this share of the decoded characters are ordinary text (ASCII,
Japanese, full-width forms, CJK punctuation and symbols)."""

_JAPANESE_LEGACY = (("cp932", "Shift_JIS (CP932)"), ("euc_jp", "EUC-JP"))
# "\r\n", "\r\r\n", "\n" and a lone "\r" each end one line
_LINE_END = LazyPattern(r"\r*\n|\r")


def decode_text(data: bytes) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """Decode a text file's bytes (see the module docstring for the order tried).

    Input: the raw bytes. Output: ``(text, encoding, notes)``; ``encoding`` is a Python codec name
    (``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``cp932`` …); ``notes`` are ``(code, message)`` pairs
    the pipeline reports as warnings: ``non_utf8_encoding`` (UTF-16, Shift_JIS, EUC-JP or a detected
    encoding), ``nul_bytes_removed``, ``invalid_bytes_replaced``.
    Raises ``IngestError`` ``not_text`` for binary data (control bytes, many NULs) and
    ``encoding_error`` when no encoding fits.
    """
    if data.startswith(_UTF8_BOM):
        text, bad = _decode(data[3:], "utf-8")
        if _few(bad, len(text)):
            return text, "utf-8-sig", _replaced_note(bad, "UTF-8")
    if data.startswith(_UTF16_BOMS):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        text, bad = _decode(data[2:], enc)
        if not _few(bad, len(text)):
            raise IngestError("encoding_error", f"invalid UTF-16 text: {bad} invalid sequences")
        return text, "utf-16", (_utf16_note(), *_replaced_note(bad, "UTF-16"))
    notes: tuple[tuple[str, str], ...] = ()
    nuls = data.count(b"\x00")
    if nuls:
        utf16 = _utf16_without_bom(data, nuls)
        if utf16 is not None:
            text, enc, bad = utf16
            return text, enc, (_utf16_note(), *_replaced_note(bad, "UTF-16"))
        if nuls > MAX_NUL_SHARE * len(data):
            raise IngestError("not_text", "binary data: this is neither a PDF nor a text file")
        data = data.replace(b"\x00", b"")
        notes = (("nul_bytes_removed", f"{nuls} NUL byte{'s' if nuls > 1 else ''} removed "
                  "(they never occur in a text document; the rest was read)"),)
    if _control_share(data) > MAX_CONTROL_SHARE:
        raise IngestError("not_text", "binary data: this is neither a PDF nor a text file")
    text, bad = _decode(data, "utf-8")
    if not bad:
        return text, "utf-8", notes
    if _few(bad, len(text)) and _non_ascii(text) >= UTF8_MIN_VALID_PER_BAD * bad:
        return text, "utf-8", (*notes, *_replaced_note(bad, "UTF-8"))
    # CP932 is a superset of Shift_JIS and what Japanese Windows writes: try it first.
    for lenient in (False, True):
        for enc, label in _JAPANESE_LEGACY:
            text, bad = _decode(data, enc)
            if (bad and not lenient) or not _few(bad, len(text)) or not _looks_japanese(text):
                continue
            return text, enc, (*notes, ("non_utf8_encoding", f"decoded as {label}: extracted, "
                                        "but please convert the file to UTF-8"), *_replaced_note(bad, label))
    from charset_normalizer import from_bytes  # imported only for non-UTF-8 input

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError("encoding_error", "unknown text encoding: not UTF-8, Shift_JIS or EUC-JP")
    text = str(best)
    if _control_ratio(text) > MAX_CONTROL_SHARE:
        raise IngestError("not_text", "binary data: this is neither a PDF nor a text file")
    return text, best.encoding, (*notes, (
        "non_utf8_encoding", f"decoded as {best.encoding} (detected): please convert the file to UTF-8"))


def split_lines(text: str) -> tuple[str, ...]:
    """Split decoded text into lines: ``\\n``, ``\\r\\n``, ``\\r\\r\\n`` and a lone ``\\r`` each end
    one line (so an old-Mac file is not one long line). Output: the lines, without their ends; a
    final line end gives a last empty line, as an editor shows it."""
    if "\r" not in text:  # the usual case: only \n ends a line
        return tuple(text.split("\n"))
    return tuple(_LINE_END.split(text))


def _decode(data: bytes, encoding: str) -> tuple[str, int]:
    """``data`` decoded with invalid sequences replaced; the number of sequences replaced."""
    text = data.decode(encoding, errors="replace")
    if _REPLACEMENT not in text:
        return text, 0
    already = data.count(_REPLACEMENT_UTF8) if encoding.startswith("utf-8") else 0
    return text, max(0, text.count(_REPLACEMENT) - already)


def _few(bad: int, n_chars: int) -> bool:
    return bad <= max(FEW_BAD_MIN, n_chars * FEW_BAD_PER_1000_CHARS // 1000)


def _replaced_note(bad: int, label: str) -> tuple[tuple[str, str], ...]:
    if not bad:
        return ()
    return (("invalid_bytes_replaced",
             f"{bad} invalid {label} byte sequence{'s' if bad > 1 else ''} replaced by U+FFFD "
             "(a damaged or truncated file?); the rest was read"),)


def _utf16_note() -> tuple[str, str]:
    return ("non_utf8_encoding", "decoded as UTF-16; the file is extracted, but UTF-8 is expected")


def _utf16_without_bom(data: bytes, nuls: int) -> tuple[str, str, int] | None:
    """``(text, encoding, bad)`` when ``data`` is UTF-16 without BOM, else None.

    UTF-16 text of Japanese with ASCII line ends, digits and spaces has a NUL byte in many 16-bit
    units, all on the same side (odd offsets for LE, even for BE); the decoded text must then be
    ordinary text. A stray NUL in UTF-8 text fails the share test."""
    units = len(data) // 2
    if units < 2 or nuls < UTF16_MIN_NUL_SHARE * units:
        return None
    odd = data[1::2].count(b"\x00")
    even = nuls - odd
    enc = "utf-16-le" if odd >= even else "utf-16-be"
    if max(odd, even) < UTF16_MIN_PARITY * nuls:
        return None
    text, bad = _decode(data[: units * 2], enc)
    bad += len(data) % 2  # a cut last byte
    if not _few(bad, len(text)) or _text_share(text) < UTF16_MIN_TEXT_SHARE:
        return None
    return text, enc, bad


def _is_texty(ch: str) -> bool:
    o = ord(ch)
    return (
        32 <= o < 127 or ch in "\t\n\r\f"
        or 0x2000 <= o <= 0x27FF  # punctuation, arrows, circled numbers ①, box drawing, symbols
        or 0x3000 <= o <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3200 <= o <= 0x33FF  # enclosed CJK, CJK compatibility (㈱ ㎡)
        or 0x4E00 <= o <= 0x9FFF  # CJK ideographs
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0xA0 <= o <= 0x24F     # Latin-1 and Latin extended
    )


def _text_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return sum(1 for ch in sample if _is_texty(ch)) / len(sample)


def _non_ascii(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 127 and ch != _REPLACEMENT)


# control bytes that do not occur in text (tab, line ends, form feed and ESC do)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _control_share(data: bytes) -> float:
    sample = data[:20000]
    if not sample:
        return 0.0
    bad = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # the bytes deleted are the bad ones
    return bad / len(sample)


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
    if "\t" not in "\n".join(lines):  # most documents have none: one search instead of one per line
        return ()
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
