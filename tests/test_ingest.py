"""ingest: encodings, line numbering, tables, and every kind of bad PDF."""

from __future__ import annotations

import pytest

from planparse.ingest import IngestError, load, load_bytes
from tests.conftest import RAW
from tests.pdfs import encrypted_pdf, image_only_pdf, table_pdf, text_pdf

MUSASHINO = RAW / "musashino_info_plan7_progress.md"


def test_text_lines_are_numbered_like_an_editor() -> None:
    doc = load(MUSASHINO)
    assert doc.kind == "text" and doc.encoding == "utf-8" and doc.page_count is None
    assert len(doc.lines) == 243  # 242 newlines, last line without one
    assert doc.line(3) == "第七次総合情報化基本計画の施策進捗管理シート"
    assert doc.document_id == "19a4f9746102" and doc.sha256.startswith("19a4f9746102a0fa")
    assert doc.page_of(3) is None


def test_tab_separated_runs_become_tables() -> None:
    doc = load(MUSASHINO)
    assert len(doc.tables) == 13
    first = doc.tables[0]
    assert first.first_line == 5 and first.rows[0].cells[0] == "基本施策" and first.rows[1].line == 6
    assert [t.first_line for t in doc.tables][:3] == [5, 22, 40]


def test_utf8_bom_and_crlf() -> None:
    data = MUSASHINO.read_bytes()
    doc = load_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"), path="bom.md")
    assert doc.encoding == "utf-8-sig"
    assert doc.lines == load(MUSASHINO).lines


def test_shift_jis_is_detected_and_reported() -> None:
    text = MUSASHINO.read_text(encoding="utf-8")
    doc = load_bytes(text.encode("cp932"), path="sjis.md")
    assert doc.encoding == "cp932"
    assert "\n".join(doc.lines) == text
    assert doc.notes and doc.notes[0][0] == "non_utf8_encoding" and "Shift_JIS" in doc.notes[0][1]


def test_euc_jp_is_detected() -> None:
    doc = load_bytes("施策進捗管理シート\n令和5年度 達成\n".encode("euc_jp") * 20, path="euc.txt")
    assert doc.encoding == "euc_jp" and doc.lines[0] == "施策進捗管理シート"


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"),
    (b" \n\n\t ", "empty_file"),
    (b"\x00\x01\x02\x03binary\x00" * 50, "not_text"),
    (b"not a pdf at all", "pdf_corrupt"),  # .pdf name without the %PDF- header
])
def test_bad_inputs_raise_ingest_errors(data: bytes, code: str) -> None:
    with pytest.raises(IngestError) as err:
        load_bytes(data, path="bad.pdf" if code == "pdf_corrupt" else "bad.txt")
    assert err.value.code == code and err.value.message


def test_pdf_text_keeps_pages_per_line() -> None:
    doc = load_bytes(text_pdf([["第一頁 令和５年度", "二行目"], ["第二頁 1,003件"]]), path="a.pdf")
    assert doc.kind == "pdf" and doc.page_count == 2 and doc.encoding is None
    # one text box per page (lines 14 pt apart at 10 pt), each followed by an empty line: the seeds' shape
    assert doc.lines == ("第一頁 令和５年度", "二行目", "", "第二頁 1,003件", "")
    assert [doc.page_of(n) for n in range(1, 6)] == [1, 1, 1, 2, 2]


def test_pdf_is_recognised_by_content_not_name() -> None:
    doc = load_bytes(text_pdf([["本文"]]), path="looks_like_text.txt")
    assert doc.kind == "pdf"


def test_pdf_blank_page_is_noted() -> None:
    doc = load_bytes(text_pdf([["本文"], []]), path="a.pdf")
    assert doc.page_count == 2
    assert [code for code, _ in doc.notes] == ["pdf_page_without_text"]


def test_pdf_tables_have_cells_and_provenance_lines() -> None:
    rows = [["基本施策", "施策番号", "取組事項番号"], ["I 窓口サービスの利便性向上", "1", "1"]]
    doc = load_bytes(table_pdf(rows, title="施策進捗管理シート"), path="t.pdf")
    (table,) = doc.tables
    assert table.page == 1
    assert [r.cells for r in table.rows] == [tuple(r) for r in rows]
    assert all(r.line is not None and "施策番号" in doc.line(table.rows[0].line) for r in table.rows[:1])


@pytest.mark.parametrize(("make", "code", "words"), [
    (image_only_pdf, "pdf_no_text", "scanned"),
    (encrypted_pdf, "pdf_encrypted", "password"),
    (lambda: text_pdf([["途中で切れた文書"]])[:400], "pdf_corrupt", "truncated"),
    (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 10, "pdf_corrupt", "corrupt"),
])
def test_bad_pdfs_get_clear_errors(make, code: str, words: str) -> None:
    with pytest.raises(IngestError) as err:
        load_bytes(make(), path="bad.pdf")
    assert err.value.code == code
    assert words in err.value.message


def test_unreadable_path() -> None:
    with pytest.raises(IngestError) as err:
        load(RAW / "does-not-exist.txt")
    assert err.value.code == "unreadable_file"


def test_pdf_encrypted_without_open_password_is_read_with_a_note() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(text_pdf([["暗号化された文書 令和5年度"]]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    doc = load_bytes(buf.getvalue(), path="restricted.pdf")
    assert doc.lines == ("暗号化された文書 令和5年度", "")
    assert [code for code, _ in doc.notes] == ["pdf_encrypted_readable"]


# ---- damaged and unusual text files (issue 10) ------------------------------------------------

MUSASHINO_LINES = load(MUSASHINO).lines


@pytest.mark.parametrize("end", [b"\r\n", b"\r", b"\r\r\n"])
def test_every_line_end_gives_the_same_lines(end: bytes) -> None:
    doc = load_bytes(MUSASHINO.read_bytes().replace(b"\n", end), path="m.md")
    assert doc.lines == MUSASHINO_LINES and len(doc.lines) == 243
    assert doc.tables == load(MUSASHINO).tables


@pytest.mark.parametrize(("codec", "encoding"), [
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_utf16_with_or_without_bom(codec: str, encoding: str) -> None:
    doc = load_bytes(MUSASHINO.read_text(encoding="utf-8").encode(codec), path="m.md")
    assert doc.encoding == encoding and doc.lines == MUSASHINO_LINES
    assert [code for code, _ in doc.notes] == ["non_utf8_encoding"]


def test_utf8_bom_file_cut_inside_a_character_is_read_with_a_warning() -> None:
    data = MUSASHINO.read_bytes()
    cut = data.index("取組事項".encode()) + 2  # inside the 3-byte 取
    doc = load_bytes(b"\xef\xbb\xbf" + data[:cut], path="m.md")
    assert doc.encoding == "utf-8-sig"
    assert doc.lines[:-1] == MUSASHINO_LINES[: len(doc.lines) - 1] and doc.lines[-1].endswith("\ufffd")
    assert [code for code, _ in doc.notes] == ["invalid_bytes_replaced"]
    assert doc.notes[0][1].startswith("1 invalid UTF-8 byte sequence replaced")


def test_stray_nul_bytes_are_removed_with_a_warning() -> None:
    data = MUSASHINO.read_bytes()
    at = data.index("窓口".encode())
    doc = load_bytes(data[:at] + b"\x00" + data[at:at + 3] + b"\x00" + data[at + 3:], path="m.md")
    assert doc.lines == MUSASHINO_LINES and doc.encoding == "utf-8"
    assert doc.notes == (("nul_bytes_removed", "2 NUL bytes removed (they never occur in a text document; "
                                               "the rest was read)"),)


def test_a_few_invalid_bytes_are_replaced_many_are_not() -> None:
    data = bytearray(MUSASHINO.read_bytes())
    at = data.index("窓口".encode())
    data[at] = 0xFF  # 窓 loses its lead byte: one bad sequence per continuation byte
    doc = load_bytes(bytes(data), path="m.md")
    assert doc.encoding == "utf-8" and [c for c, _ in doc.notes] == ["invalid_bytes_replaced"]
    assert sum(line.count("\ufffd") for line in doc.lines) == 3
    assert sum(a != b for a, b in zip(doc.lines, MUSASHINO_LINES, strict=True)) == 1
    # Shift_JIS is not "UTF-8 with bad bytes": it is still recognised as Shift_JIS
    sjis = load_bytes(MUSASHINO.read_text(encoding="utf-8").encode("cp932"), path="s.md")
    assert sjis.encoding == "cp932" and not any(c == "invalid_bytes_replaced" for c, _ in sjis.notes)


def test_shift_jis_cut_inside_a_character_is_read_with_a_warning() -> None:
    data = ("施策進捗管理シート\n令和5年度 達成\n" * 30).encode("cp932") + "施".encode("cp932")[:1]
    doc = load_bytes(data, path="s.txt")
    assert doc.encoding == "cp932"
    assert [c for c, _ in doc.notes] == ["non_utf8_encoding", "invalid_bytes_replaced"]
    assert doc.lines[0] == "施策進捗管理シート" and doc.lines[-1] == "\ufffd"
